"""The synthèse: a few big numbers, each with its sentence and its way down."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from maillage.model import build_model
from maillage.publishing import import_files
from maillage.report import ReportSource, meeting_report
from maillage.store import Store
from maillage.ui import keys
from maillage.ui.navigation import SCREENS
from tests.apptests import open_page
from tests.workbooks import minimal_sheets, xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def published(db_path):
    sheets = minimal_sheets()
    sheets["blocages"].append(
        {
            "id": "B3",
            "categorie": "methode",
            "description": "Pas d’outil",
            "statut": "en_cours",
            "territoire": "P_CAS",
        }
    )
    outcome = import_files(Store(db_path), "principal", [("territoire.xlsx", xlsx_bytes(sheets))])
    assert outcome.version is not None
    return db_path


def _home() -> AppTest:
    return open_page()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_home_shows_the_numbers_to_read_first(published):
    at = _home()
    metrics = _metrics(at)
    assert metrics["Acteurs"] == "4"
    assert metrics["Dispositifs"] == "2"
    # T = 5 communes; the CTG (social) reaches 4 of them; 03140 is blank.
    assert metrics["Couverture sociale"] == "80\u00a0%"
    assert metrics["Communes blanches"] == "1"
    assert metrics["Blocages non levés"] == "2"  # B1 ouvert, B3 en cours; B2 levé
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", metrics["Données publiées le"])
    assert len(at.metric) <= 8  # few numbers, for a projector
    captions = " ".join(c.value for c in at.caption)
    assert "2 social, 1 développement local, 1 les deux" in captions
    assert (
        "1 CTG (Convention territoriale globale), 1 PAT (Projet alimentaire territorial)"
        in captions
    )
    assert "1 des 5 communes" in captions
    assert "1 ouvert et 1 en cours, sur 3 signalés (1 levé)." in captions
    assert "« territoire.xlsx »" in captions


def test_every_number_links_to_an_existing_page(published):
    at = _home()
    links = at.get("page_link")
    targets = {link.proto.page for link in links}
    registered = {s.url_path: s for s in SCREENS}
    assert "atlas" in targets
    for target in targets:
        assert target in registered and registered[target].path.exists(), target


def test_home_follows_the_territory_filter(published):
    at = _home()
    at.selectbox(key=keys.PERIMETER).set_value("P_CAS").run()
    assert not at.exception
    metrics = _metrics(at)
    # Inside P_CAS (03098, 03101, 03140) the CTG reaches 2 of 3 communes.
    assert metrics["Couverture sociale"] == "67\u00a0%"
    assert metrics["Communes blanches"] == "1"


def test_home_without_data_says_what_to_do(db_path):
    at = _home()
    assert "Aucune donnée publiée" in at.info[0].value
    assert not at.metric


def test_an_uploaded_file_name_is_kept_as_its_base_name_and_shown_literally(db_path):
    """Found: `../../../../x.xlsx` stored and shown verbatim, in the history and in a share
    view's caption (where markdown would also turn `[…](…)` into a link)."""
    from maillage.ui.display import md

    name = "[clic](evil.example)*gras*\u202e.xlsx"
    outcome = import_files(
        Store(db_path), "principal", [(f"../../../../{name}", xlsx_bytes(minimal_sheets()))]
    )
    assert outcome.version.file == "[clic](evil.example)*gras*.xlsx"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    captions = " ".join(c.value for c in at.caption)
    assert md("[clic](evil.example)*gras*.xlsx") in captions
    assert "../" not in captions and "[clic](evil" not in captions


def test_home_and_meeting_report_give_the_same_open_blockages(published):
    """Screen and paper once disagreed (5 « non levés » against 4 « ouverts »): one count."""
    at = _home()
    on_screen = _metrics(at)["Blocages non levés"]
    captions = " ".join(c.value for c in at.caption)
    store = Store(published)
    version = store.history("principal")[0]
    model = build_model(store.load("principal", version.version))
    source = ReportSource("principal", version.version, version.published_at, "Tout")
    paper = re.sub(r"<[^>]+>", " ", meeting_report(model, source))
    assert on_screen == "2"
    assert re.search(r"\b2\s+blocages non levés\b", paper), paper
    for sentence in ("1 ouvert et 1 en cours, sur 3 signalés (1 levé).",):
        assert sentence in captions and sentence in paper
