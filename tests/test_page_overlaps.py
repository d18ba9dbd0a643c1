"""The overlaps page, run by AppTest on a published workbook in a temporary database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from maillage.publishing import import_files
from maillage.store import Store
from maillage.ui import overlaps as overlaps_screen
from tests.apptests import open_page
from tests.workbooks import minimal_sheets, xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/overlaps.py"


def demo_like_sheets():
    """The minimal workbook plus a GMR that shares the CTG's communes but none of its actors,
    with its own diagnostic and instances: every flag of the page has a case."""
    sheets = minimal_sheets()
    sheets["acteurs"].append(
        {
            "id": "A_MSA",
            "nom": "MSA Auvergne",
            "categorie": "protection_sociale",
            "champ": "social",
            "commune": "03190",
        }
    )
    sheets["dispositifs"][0].update(annee_diagnostic=2022, instances="COPIL;COTECH")
    sheets["dispositifs"].append(
        {
            "id": "D_GMR",
            "nom": "GMR du Bocage",
            "type": "GMR",
            "perimetre": "P_EPCI",
            "pilote": "A_MSA",
            "debut": "01/01/2024",
            "fin": None,
            "thematiques": "sante",
            "annee_diagnostic": 2023,
            "instances": "Comité de pilotage",
        }
    )
    return sheets


@pytest.fixture
def published(db_path):
    outcome = import_files(
        Store(db_path), "principal", [("c.xlsx", xlsx_bytes(demo_like_sheets()))]
    )
    assert outcome.version is not None, outcome.validation.problems
    return db_path


def run_page(query: dict | None = None) -> AppTest:
    return open_page("overlaps", query)


def test_page_shows_flagged_pairs_with_their_reason(published):
    at = run_page()
    assert not at.exception
    assert at.title[0].value.startswith("Chevauchements des dispositifs")
    table = at.dataframe[0].value
    pairs = set(zip(table["Dispositif A"], table["Dispositif B"], strict=True))
    assert ("CTG de Montluçon", "GMR du Bocage") in pairs
    # the grid says what each pair is flagged for, short enough not to be cut…
    assert "Pourquoi" not in table.columns
    flagged_for = dict(
        zip(
            zip(table["Dispositif A"], table["Dispositif B"], strict=True),
            table["Signalée pour"],
            strict=True,
        )
    )
    assert flagged_for[("CTG de Montluçon", "GMR du Bocage")] == (
        "Se côtoient sans se croiser · Diagnostic en double · Instances en double"
    )
    # … and the reasons are written out whole under it, as wrapped text
    # as read on screen: markdown's escapes and the word joiners after colons taken off
    reasons = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown)).replace("\u2060", "")
    assert "**CTG de Montluçon × GMR du Bocage** — Ces deux dispositifs couvrent" in reasons
    assert "n’ont aucun acteur en commun" in reasons
    assert "candidats à une gouvernance et un diagnostic communs" in reasons
    assert "Chacun a fait son diagnostic (en 2022 et 2023)" in reasons
    assert (
        "Chacun garde ses propres instances (« COPIL, COTECH » et « Comité de pilotage »)"
        in reasons
    )
    assert any("Paire à regarder" in box.label for box in at.selectbox)


def test_threshold_comes_from_the_address(published):
    at = run_page({"chevauchement": "100"})
    assert not at.exception
    assert at.slider(key="chevauchement").value == 100


def test_page_without_data_says_so(db_path):
    at = run_page()
    assert not at.exception
    assert any("Aucune donnée publiée" in info.value for info in at.info)


def test_download_makes_formulas_inert():
    import pandas as pd

    table = pd.DataFrame(
        {
            "Dispositif A": ["=GMR du bocage", "PAT", "CLS"],
            "Chevauchement": [0.5, 1.0, 2 / 3],
            "Jours communs": [pd.NA, 1645, 3],
        }
    )
    text = overlaps_screen.table_csv(table).decode("utf-8-sig")
    # a percentage French Excel reads as a number: not « 1,0000 » for 100 %
    assert text.splitlines() == [
        "Dispositif A;Chevauchement (%);Jours communs",
        "'=GMR du bocage;50;",
        "PAT;100;1645",
        "CLS;66,7;3",
    ]


def test_the_intro_example_comes_from_the_space_shown(db_path):
    """« comme la CTG et le GMR du Bocage bourbonnais » was written on every territory."""
    from tests.apptests import publish
    from tests.workbooks import ardeche_sheets

    publish(db_path, ardeche_sheets())
    at = run_page()
    text = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert "Bocage" not in text and "bourbonnais" not in text
    assert (
        "Par exemple, « CTG de Privas Centre Ardèche » et « Grandir en milieu rural — "
        "vallée de l’Eyrieux » couvrent 100\u00a0% des mêmes communes"
    ) in text
    assert "enfance et jeunesse" in text


def test_reasons_beyond_the_first_ten_are_folded_under_them(db_path):
    from maillage.demo import publish_demo

    publish_demo(Store(db_path))
    at = run_page()
    pairs = len(at.dataframe[0].value)
    assert pairs > overlaps_screen.REASONS_SHOWN + 1
    listed = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert [v.count("\n- **") + 1 for v in listed] == [10, pairs - 10]
    (folded,) = [e for e in at.expander if e.label.startswith("Pourquoi")]
    assert folded.label == f"Pourquoi {pairs - 10}\u00a0autres paires sont signalées"
    # the download keeps the full reason in its own column
    from maillage.model import build_model
    from maillage.overlaps import flagged_pairs

    pairs = flagged_pairs(build_model(Store(db_path).load("demo")), 0.5)
    text = overlaps_screen.table_csv(overlaps_screen.flagged_table(pairs)).decode("utf-8-sig")
    assert "Pourquoi" in text.splitlines()[0].split(";")
