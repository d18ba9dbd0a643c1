"""The « Blocages » page on a published workbook: counts, charts, words, levers."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.apptests import open_page, publish
from tests.test_blockages import sheets_with_blockages
from tests.workbooks import minimal_sheets

ROOT = Path(__file__).resolve().parents[1]


def _publish(db_path, sheets):
    publish(db_path, sheets)


def _page() -> AppTest:
    return open_page("blockages")


def test_counts_charts_words_and_levers(db_path):
    _publish(db_path, sheets_with_blockages())
    at = _page()
    assert at.title[0].value.startswith("Blocages")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Blocages rapportés"] == "5"
    assert metrics["Levés"] == "40\u00a0%"  # B2 and B5 of 5
    assert metrics["Sans levier proposé"] == "1"
    assert len(at.get("plotly_chart")) == 3  # categories, territory grid, over time
    titles = [e.label for e in at.expander]
    assert (
        "Segmentation des publics, des approches, des professionnels, des dispositifs (3)" in titles
    )
    words = " ".join(m.value for m in at.markdown)
    assert "« On ne sait pas qui fait quoi » — levé" in words
    assert "**appels à projets**" in words
    levers = at.dataframe[0].value
    assert "Faire réseau en continu" in levers.columns
    unaddressed = at.dataframe[1].value
    assert list(unaddressed["Propos rapportés"]) == ["Financeurs associés en fin de projet"]


def test_without_blockages_the_page_says_so(db_path):
    sheets = minimal_sheets()
    sheets.pop("blocages")
    _publish(db_path, sheets)
    at = _page()
    assert any("Aucun blocage" in i.value for i in at.info)
