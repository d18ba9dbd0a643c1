"""The one map builder of the dashboard: every map (atlas, pair of schemes, split perimeters)
is a `pdk.Deck` made here from the layers of records the domain prepares
(`maillage.atlas.Layer`: a `label`, a `detail` and a flat `polygon`, `path` or `position`).

`map_provider=None` and a blank style served by this server (`static/fond-vide.json`): no
tiles, no token, no outside request — a committee's projector may have no network, and each
member's address is nobody else's business. (`map_style=None` is not enough: Streamlit 1.67's
map element then fetches CARTO's « positron » style for any map view.) Colours come from
`maillage.ui.style` so that the two fields look the same on every page.
"""

from __future__ import annotations

import pydeck as pdk

from maillage.atlas import view_from_bounds
from maillage.ui import display
from maillage.ui.style import BLANK_MAP_STYLE

# pydeck turns plain strings into data accessors ("@@=pixels"): literals must say so.
XY = pdk.types.String("XY")
PIXELS = pdk.types.String("pixels")
TOOLTIP = {
    "text": "{label}\n{detail}",
    "style": {"backgroundColor": "#222222", "color": "white", "fontSize": "0.85rem"},
}
MAP_HEIGHT = 600


def _tooltips(records: list[dict]) -> list[dict]:
    """Records whose tooltip lines fit on a screen (display.tooltip); the same list when
    every line already does, so the common case copies nothing."""
    fields = ("label", "detail")
    if all(len(str(r.get(f, ""))) <= display.TOOLTIP for r in records for f in fields):
        return records
    return [{**r, **{f: display.tooltip(r[f]) for f in fields if f in r}} for r in records]


def polygons(
    records: list[dict], layer_id: str, fill: list[int], line: list[int], line_width: float = 0.5
) -> pdk.Layer:
    """Filled shapes, one colour for the whole layer (records: flat `polygon` lists)."""
    return pdk.Layer(
        "PolygonLayer",
        data=_tooltips(records),
        id=layer_id,
        get_polygon="polygon",
        position_format=XY,
        pickable=True,
        filled=True,
        stroked=True,
        get_fill_color=fill,
        get_line_color=line,
        line_width_units=PIXELS,
        get_line_width=line_width,
    )


def paths(
    records: list[dict], layer_id: str, colour: list[int], width: float = 2, pickable: bool = True
) -> pdk.Layer:
    """Outlines (records: flat `path` lists). Not `pickable`: sends only the paths, and lets
    the shapes under it answer a hover or a tap."""
    if not pickable:
        records = [{"path": r["path"]} for r in records]
    return pdk.Layer(
        "PathLayer",
        data=_tooltips(records),
        id=layer_id,
        get_path="path",
        position_format=XY,
        pickable=pickable,
        width_units=PIXELS,
        get_width=width,
        get_color=colour,
    )


def points(
    records: list[dict],
    layer_id: str,
    colour: list[int],
    radius: float,
    filled: bool = True,
    ring: float = 1,
) -> pdk.Layer:
    """Points (records: `position` = [lon, lat])."""
    return pdk.Layer(
        "ScatterplotLayer",
        data=_tooltips(records),
        id=layer_id,
        get_position="position",
        pickable=True,
        radius_units=PIXELS,
        get_radius=radius,
        filled=filled,
        stroked=True,
        get_fill_color=colour,
        get_line_color=colour if not filled else [255, 255, 255, 255],
        line_width_units=PIXELS,
        get_line_width=ring,
    )


def deck(layers: list[pdk.Layer], bounds, width: int = 900, height: int = MAP_HEIGHT) -> pdk.Deck:
    """The map of `layers`, framed on `bounds` (min lon, min lat, max lon, max lat)."""
    view = view_from_bounds(bounds, width=width, height=height)
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(**view, pitch=0),
        map_provider=None,
        map_style=BLANK_MAP_STYLE,
        tooltip=TOOLTIP,
    )
