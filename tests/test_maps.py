"""The one map builder: records of several styles in one layer, the deck sent compactly and
without any base map."""

import json

import pydeck as pdk

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
