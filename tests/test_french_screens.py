"""Every page, as a steering committee sees it through a share link, on the demo and on an
EPCI of Ardèche: French only, names not codes, French number formats, the territory named in
the title. The texts are read from real AppTest runs (tests/walk.py)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from maillage import sharing
from maillage.demo import publish_demo
from maillage.model import build_model
from maillage.reference import load_reference
from maillage.store import Store
from maillage.ui.navigation import HOME, SCREENS
from tests import walk
from tests.apptests import open_page, publish
from tests.workbooks import ardeche_sheets

PAGES = [None, *(s.file for s in SCREENS if s is not HOME and s.needs is None)]
CODES = walk.raw_codes()


@pytest.fixture(scope="module")
def spaces(tmp_path_factory):
    """Two spaces, each with a link scoped to one EPCI: (space, token, territory name)."""
    db = tmp_path_factory.mktemp("ecrans") / "maillage.db"
    store = Store(db)
    publish_demo(store)
    publish(db, ardeche_sheets(), space="ardeche")
    links = []
    for space, epci_name in (
        ("demo", "CC du Bocage Bourbonnais"),
        ("ardeche", "CA Privas Centre Ardèche"),
    ):
        perimeters = build_model(store.load(space)).perimeters
        (perimeter,) = perimeters.index[perimeters["nom"] == epci_name]
        token, _ = sharing.create(store, space, perimeter)
        links.append((space, token, epci_name))
    return db, links


def _known_codes(store: Store, space: str) -> set[str]:
    reference = load_reference()
    model = build_model(store.load(space))
    return {
        *reference.communes.index,
        *reference.epci.index,
        *model.perimeters.index,
        *model.actors.index,
        *model.schemes.index,
    }


def test_raw_code_list_is_what_a_reader_would_call_a_code():
    assert {
        "protection_sociale",
        "mise_en_oeuvre",
        "partenaire_financier",
        "en_cours",
        "sante",
        "leve",
        "emergence",
        "methode",
        "AUTRE",
    } <= CODES
    assert not {"social", "culture", "pilote", "ouvert", "CTG", "local"} & CODES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "synthese")
@pytest.mark.parametrize("which", [0, 1], ids=["demo", "ardeche"])
def test_shared_page_is_french_named_and_formatted(spaces, monkeypatch, page, which):
    db, links = spaces
    space, token, name = links[which]
    monkeypatch.setenv("MAILLAGE_DB", str(db))
    at = open_page(page, {sharing.QUERY_PARAM: token})
    texts = walk.visible_texts(at)
    assert texts, "nothing read on the page"
    assert walk.english(texts) == []
    assert walk.english_pickers(at) == []
    assert walk.codes_shown(texts, CODES) == []
    assert walk.bare_numbers(texts, _known_codes(Store(db), space)) == []
    assert walk.decimal_points(texts) == []
    # numbers in tables: shown with the reader's separators, never as « 6020 »
    for element in walk.elements(at._tree):
        if element.type != "dataframe":
            continue
        frame: pd.DataFrame = element.value
        config = json.loads(element.proto.columns or "{}")
        for column in frame.columns:
            values = (
                pd.to_numeric(frame[column], errors="coerce")
                if frame[column].dtype.kind in "iuf"
                else pd.Series(dtype=float)
            )
            formats = {
                c.get("type_config", {}).get("format")
                for key, c in config.items()
                if key in (str(column), f"name:{column}", f"col:{column}")
            }
            if values.abs().max() >= 1000:  # « 6020 » unless the browser's locale formats it
                assert formats & {"localized", "percent"}, (column, config)
            if (values.dropna() % 1 != 0).any():  # « 0.2121 » unless formatted the same way
                assert formats & {"localized", "percent"}, (column, config)
    assert name in at.title[0].value, at.title[0].value


def test_the_checks_catch_what_they_look_for():
    """The walk's checks, on texts written by hand: each finds its fault and spares French."""
    texts = [
        ("caption", "Upload · 25MB per file"),
        ("caption", "6020 habitants, 0.2121"),
        ("caption", "Statut : en_cours, secteur developpement_local"),
        ("caption", "6\u202f020 habitants en 2024 à Privas (07186), part 0,21"),
        ("metric", "1\u202f234"),
        ("caption", "Stade : mise_en_oeuvre"),
    ]
    assert walk.english(texts) == ["Upload", "per file"]
    assert [f.split(" ← ")[0] for f in walk.codes_shown(texts, CODES)] == [
        "developpement_local",
        "en_cours",
        "mise_en_oeuvre",
    ]
    assert [f.split(" ← ")[0] for f in walk.bare_numbers(texts, {"07186"})] == ["6020"]
    assert [f.split(" ← ")[0] for f in walk.decimal_points(texts)] == ["0.2121"]


def test_every_chart_writes_french_numbers_in_type_readable_at_3_m(spaces, monkeypatch):
    """Each Plotly figure of the shared pages: French separators, text of 16 px or more."""
    db, links = spaces
    _space, token, _name = links[1]
    monkeypatch.setenv("MAILLAGE_DB", str(db))
    seen = 0
    for page in PAGES:
        at = open_page(page, {sharing.QUERY_PARAM: token})
        for element in walk.elements(at._tree):
            if element.type != "plotly_chart":
                continue
            layout = json.loads(element.proto.spec)["layout"]
            seen += 1
            assert layout.get("font", {}).get("size", 0) >= 16, (page, layout.get("font"))
            if any(
                t.get("type") in ("bar", "heatmap", "sankey")
                for t in json.loads(element.proto.spec)["data"]
            ):
                assert layout.get("separators") == ",\u202f", page  # as format_number
    assert seen >= 4
