"""The atlas page on a published workbook: a map without base map, filters, legend."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from maillage.publishing import import_files
from maillage.store import Store
from maillage.ui import keys
from maillage.ui.atlas import PERIMETER_COLOURS
from maillage.ui.style import ALERT, FIELD_COLOURS, hex_to_rgb
from tests.apptests import open_page
from tests.test_maps import drawn_shapes
from tests.workbooks import minimal_sheets, xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def published(db_path):
    outcome = import_files(
        Store(db_path), "principal", [("classeur.xlsx", xlsx_bytes(minimal_sheets()))]
    )
    assert outcome.version is not None
    return db_path


def _atlas() -> AppTest:
    """The atlas as a map to explore (its deck); the drawing is tested below."""
    return open_page("atlas", {keys.MAP_MODE: "interactive"})


def _deck(at: AppTest) -> dict:
    [chart] = at.get("deck_gl_json_chart")
    return json.loads(chart.proto.json)


def test_atlas_draws_without_base_map_and_explains_itself(published):
    at = _atlas()
    assert at.title[0].value.startswith("Atlas des acteurs et des dispositifs")
    spec = _deck(at)
    assert spec.get("mapProvider") is None
    # pydeck's placeholder, which Streamlit removes: no base map, no style fetched (with no
    # style at all, Streamlit would fetch CARTO's; e2e/test_no_outside_request.py proves it
    # fetches nothing)
    assert spec.get("mapStyle") == "__MAP_STYLE__"
    layers = {layer["id"]: layer for layer in spec["layers"]}
    # Four layers, each record styled: the browser pays for each layer, not for each colour.
    assert list(layers) == ["communes", "perimetres", "territoire", "acteurs"]
    # 03140 blank, outlined in red, and drawn last (its outline over its neighbours'); the
    # other four communes thinly outlined.
    communes = layers["communes"]["data"]
    red = [r["label"] for r in communes if r["line"] == hex_to_rgb(ALERT)]
    assert red == [r["label"] for r in communes[-len(red) :]] and len(red) >= 1
    assert {label.split("(")[-1] for label in red} == {"03140)"}
    assert {r["width"] for r in communes if r["line"] != hex_to_rgb(ALERT)} == {0.5}
    assert layers["communes"]["getFillColor"] == "@@=fill"
    outlines = {tuple(r["line"]) for r in layers["perimetres"]["data"]}
    assert {
        tuple(hex_to_rgb(PERIMETER_COLOURS[k])) for k in ("epci", "circonscription_action_sociale")
    } <= outlines
    # one actor inside the territory: a structure of the social field, a disc ringed white
    [actor] = layers["acteurs"]["data"]
    assert actor["fill"] == hex_to_rgb(FIELD_COLOURS["social"]) and actor["radius"] == 7
    assert actor["line"] == [255, 255, 255, 255]
    # the territory's outline, not pickable: the communes under it answer a tap
    [outline] = [layer for layer in spec["layers"] if layer["id"] == "territoire"]
    assert outline["pickable"] is False and {k for r in outline["data"] for k in r} == {"path"}
    # the actors seated in Montluçon and Moulins are named under the map instead
    texts = [m.value for m in at.markdown]
    assert (
        "3\u00a0acteurs ont leur siège hors du territoire et ne sont pas sur la carte : "
        "CAF de l’Allier \\(Moulins\\), Chambre d’agriculture \\(Moulins\\), "
        "Montluçon Communauté \\(Montluçon\\)."
    ) in texts
    assert all(layer.get("positionFormat", "XY") == "XY" for layer in spec["layers"])
    view = spec["initialViewState"]
    assert 46.0 < view["latitude"] < 46.6 and 2.4 < view["longitude"] < 2.8  # Montluçon
    legend = " ".join(m.value for m in at.markdown)
    assert "commune blanche (aucun dispositif social)" in legend
    assert "Collectif d’habitants" in legend and "Développement local" in legend
    assert "Circonscription d’action sociale" in legend
    assert (
        "Dessiné commune par commune : 5\u00a0communes, dont 1\u00a0commune blanche ; "
        "1\u00a0acteur localisé sur la carte."
    ) in " ".join(c.value for c in at.caption)
    # the legend: one block per kind, entries kept whole (no « Les deux · forme : »)
    assert "Acteurs, par champ" in legend and "Acteurs, par forme" in legend
    assert "contour du territoire" in legend and "· forme" not in legend


def test_theme_filter_redraws_the_map_and_goes_in_the_address(published):
    at = _atlas()
    at.multiselect(key=keys.THEMES).set_value(["alimentation"]).run()
    assert not at.exception
    # Only the PAT (local development) remains: every commune is blank.
    caption = next(c.value for c in at.caption if "communes blanches" in c.value)
    assert "5\u00a0communes, dont 5\u00a0communes blanches ; aucun acteur localisé" in caption
    [communes] = [layer for layer in _deck(at)["layers"] if layer["id"] == "communes"]
    assert {tuple(r["line"]) for r in communes["data"]} == {tuple(hex_to_rgb(ALERT))}
    # The address carries the filter: opening it again shows the same map.
    shared = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    shared.query_params[keys.THEMES] = at.query_params[keys.THEMES]
    shared.switch_page("pages/atlas.py")
    shared.run()
    assert shared.multiselect(key=keys.THEMES).value == ["alimentation"]
    assert any("5\u00a0communes blanches" in c.value for c in shared.caption)


def test_territory_filter_zooms_in(published):
    at = _atlas()
    before = _deck(at)["initialViewState"]["zoom"]
    at.selectbox(key=keys.PERIMETER).set_value("P_CAS").run()
    assert not at.exception
    spec = _deck(at)
    assert spec["initialViewState"]["zoom"] >= before
    labels = {
        r["label"] for layer in spec["layers"] if layer["id"] == "communes" for r in layer["data"]
    }
    assert len(labels) == 3  # the three communes of P_CAS


def test_outlines_can_be_switched_off(published):
    at = _atlas()
    at.multiselect(key="atlas_perimetres").set_value([]).run()
    ids = [layer["id"] for layer in _deck(at)["layers"]]
    assert "perimetres" not in ids and "communes" in ids


def test_the_atlas_opens_as_a_drawing_of_the_same_map(published):
    """By default a drawing (no WebGL): the communes, outlines and actors of the deck, each
    with its colour and its tooltip."""
    at = open_page("atlas")
    assert not at.get("deck_gl_json_chart")
    (drawing,) = [m.value for m in at.markdown if 'class="maillage-dessin"' in m.value]
    shapes = drawn_shapes(drawing)
    deck = {layer["id"]: layer["data"] for layer in _deck(_atlas())["layers"]}
    titled = [s for s in shapes if s["title"]]
    [actor] = drawn_shapes(drawing, "circle")
    titles = [s["title"] for s in titled] + [actor["title"]]
    assert sorted(t.split("\n")[0] for t in titles) == sorted(
        r["label"] for layer in ("communes", "acteurs") for r in deck[layer]
    )
    red, green, blue = hex_to_rgb(ALERT)[:3]
    assert sum(s["stroke"] == f"rgb({red},{green},{blue})" for s in titled) == 1  # one blank
    assert sum(s["title"] is None for s in shapes) == len(deck["perimetres"]) + len(
        deck["territoire"]
    )
    red, green, blue = hex_to_rgb(FIELD_COLOURS["social"])[:3]
    assert actor["fill"] == f"rgb({red},{green},{blue})" and actor["r"] == "7"


def test_atlas_without_data_says_what_to_do(db_path):
    at = _atlas()
    assert "Aucune donnée publiée" in at.info[0].value
