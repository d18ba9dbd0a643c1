"""The one map builder: records of several styles in one layer, the deck sent compactly and
without any base map; drawings (inline SVG) with each shape's colour and escaped tooltip."""

import json
import math
from xml.etree import ElementTree

import pydeck as pdk
import pytest

from maillage.ui import maps

SQUARE = [3.0, 46.0, 3.1, 46.0, 3.1, 46.1, 3.0, 46.1, 3.0, 46.0]


def _records() -> tuple[list[dict], list[dict]]:
    red = [{"label": "Rouge", "detail": "a", "polygon": SQUARE}]
    blue = [{"label": "Bleue", "detail": "b", "polygon": [x + 0.2 for x in SQUARE]}]
    return red, blue


def test_records_of_several_styles_share_one_layer_without_changing_the_inputs():
    red, blue = _records()
    records = maps.styled(red, fill=[255, 0, 0, 200], width=2.5) + maps.styled(
        blue, fill=[0, 0, 255, 200], width=0.5
    )
    deck = maps.deck([maps.polygons(records, "communes", line_width=maps.WIDTH)], None)
    [layer] = json.loads(deck.to_json())["layers"]
    # each record carries its style, read through accessors
    assert layer["getFillColor"] == "@@=fill" and layer["getLineWidth"] == "@@=width"
    assert [(r["label"], r["fill"], r["width"]) for r in layer["data"]] == [
        ("Rouge", [255, 0, 0, 200], 2.5),
        ("Bleue", [0, 0, 255, 200], 0.5),
    ]
    assert red == [{"label": "Rouge", "detail": "a", "polygon": SQUARE}]  # untouched


def test_the_compact_deck_says_exactly_what_pydeck_pretty_prints():
    red, blue = _records()
    deck = maps.deck(
        [
            maps.polygons(maps.styled(red + blue, fill=[1, 2, 3, 4], line=[5, 6, 7, 8]), "z"),
            maps.paths(
                [{"label": "Contour", "detail": "", "path": SQUARE, "line": [9, 9, 9, 255]}],
                "t",
                pickable=False,
            ),
        ],
        (3.0, 46.0, 3.3, 46.1),
    )
    compact = deck.to_json()
    pretty = pdk.Deck.to_json(deck)  # pydeck's own serialisation of the same deck
    assert json.loads(compact) == json.loads(pretty)
    assert "\n" not in compact and len(compact) < len(pretty) / 2
    # a non-pickable outline sends its path and style only, no tooltip text
    paths = json.loads(compact)["layers"][1]["data"]
    assert paths == [{"path": SQUARE, "line": [9, 9, 9, 255]}]


def test_no_base_map_and_no_provider():
    spec = json.loads(maps.deck([], None).to_json())
    # pydeck's placeholder: Streamlit removes it and starts no base map (a missing style
    # would make it fetch CARTO's)
    assert spec["mapStyle"] == maps.NO_BASE_MAP == "__MAP_STYLE__"
    assert "mapProvider" not in spec and "google" not in json.dumps(spec).lower()


# ----- drawings ---------------------------------------------------------------------------


SVG = "{http://www.w3.org/2000/svg}"


def band(group: ElementTree.Element) -> str | None:
    """What the band above the map says for a shape's group: label, then detail lines."""
    text = group.find(f"{SVG}text")
    return None if text is None else "\n".join(t.text or "" for t in text.iter(f"{SVG}tspan"))


def drawn_shapes(html: str, tag: str = "path") -> list[dict]:
    """Every shape of a drawing (`maps.svg`), in drawing order, read back as XML: its fill,
    stroke, and what the band says for it (`title`; None for an outline)."""
    root = ElementTree.fromstring(html)
    named = {group[0]: band(group) for group in root.iter(f"{SVG}g")}
    return [
        {
            "fill": shape.get("fill"),
            "opacity": shape.get("fill-opacity"),
            "stroke": shape.get("stroke"),
            "title": named.get(shape),
            "d": shape.get("d"),
            "r": shape.get("r"),
        }
        for shape in root.iter(f"{SVG}{tag}")
    ]


def test_a_drawing_gives_each_shape_its_colour_and_its_tooltip_as_escaped_text():
    red, blue = _records()
    hostile = [{**blue[0], "label": '<img src=x onerror="alert(1)"> & « Bleue »'}]
    shapes = [
        maps.Shapes(
            maps.styled(red, fill=[255, 0, 0, 200]) + maps.styled(hostile, fill=[0, 0, 255, 255])
        ),
        maps.Shapes([{"path": SQUARE}], "path", line=[40, 40, 40, 255], width=2),
    ]
    html = maps.svg(shapes, (3.0, 46.0, 3.3, 46.1), description="Carte « essai »")
    assert "<img" not in html and 'onerror="' not in html  # text, never markup
    first, second, outline = drawn_shapes(html)
    assert (first["fill"], first["opacity"], first["title"]) == ("rgb(255,0,0)", "0.78", "Rouge\na")
    assert (second["fill"], second["opacity"]) == ("rgb(0,0,255)", None)
    assert second["title"] == '<img src=x onerror="alert(1)"> & « Bleue »\nb'
    assert (outline["fill"], outline["stroke"], outline["title"]) == ("none", "rgb(40,40,40)", None)
    assert first["d"].startswith("M0.0 ") and first["d"].endswith("Z")


def test_a_drawing_keeps_the_territory_s_proportions():
    """Longitude squeezed by the cosine of the middle latitude, as on any map of France."""
    html = maps.svg([maps.Shapes([{"polygon": SQUARE, "fill": [0, 0, 0]}])], (3.0, 46.0, 3.1, 46.1))
    view_box = ElementTree.fromstring(html).find("{http://www.w3.org/2000/svg}svg").get("viewBox")
    _, top, width, height = (float(v) for v in view_box.split())
    assert width == maps.SVG_WIDTH
    assert top == -maps.BAND  # the band above the map, where a tapped shape is named
    drawn = height - maps.BAND
    assert drawn == pytest.approx(maps.SVG_WIDTH / math.cos(math.radians(46.05)), abs=1)
