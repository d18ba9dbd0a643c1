"""The one map builder of the dashboard: every map (atlas, pair of schemes, split perimeters)
is made here from the layers of records the domain prepares (`maillage.atlas.Layer`: a
`label`, a `detail` and a flat `polygon`, `path` or `position`), as a drawing or a deck.

Every map is first a drawing (`svg`): the records as one inline SVG, each shape named in a
band above it on hover or tap, drawn by the browser at once — no WebGL, which a
software-rendered browser (a virtual desktop, a server, an old laptop) spends seconds on —
and readable on a phone or on paper. The atlas is also a `pdk.Deck`, on demand: the map one
zooms into and explores.

The deck has no base map at all: `map_provider=None` with pydeck's own default style, the
placeholder `NO_BASE_MAP`, which Streamlit 1.67's map element removes before drawing (it then
starts no MapLibre map and fetches no style). No tiles, no token, no outside request — a committee's
projector may have no network, and each member's address is nobody else's business.
(`map_style=None` is not the same: Streamlit then fetches CARTO's « positron » style for any
map view.) A blank MapLibre style served by this server was used before: drawn under deck.gl
layers of more than one kind, it made a software-rendered chromium (no GPU, as on a server or
an old laptop) spend seconds per map. Colours come from `maillage.ui.style` so that the two
fields look the same on every page.

A map is a few layers, each record carrying its own style (`styled`), rather than one layer
per colour; and the deck is sent as compact JSON (`Deck`), not pydeck's pretty-printed one.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from maillage.atlas import view_from_bounds
from maillage.ui import display

# pydeck turns plain strings into data accessors ("@@=pixels"): literals must say so.
XY = pdk.types.String("XY")
PIXELS = pdk.types.String("pixels")
TOOLTIP = {
    "text": "{label}\n{detail}",
    "style": {"backgroundColor": "#222222", "color": "white", "fontSize": "0.85rem"},
}
MAP_HEIGHT = 600
NO_BASE_MAP = "__MAP_STYLE__"  # pydeck's default style; Streamlit draws no base map for it
# The per-record style fields `styled` adds, read by the layers below as accessors.
FILL, LINE, WIDTH, RADIUS = "fill", "line", "width", "radius"
Colour = list[int]


class Deck(pdk.Deck):
    """pydeck's deck, serialised compactly: pydeck pretty-prints (indent 2), which puts every
    coordinate on its own indented line — 2.5 times the bytes over the websocket, and
    Python's slow pure encoder on the server at every rerun."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def styled(records: list[dict], **style) -> list[dict]:
    """`records`, each with the same `style` fields (`fill=…, line=…`): records of several
    styles then share one layer."""
    return [{**record, **style} for record in records]


def _tooltips(records: list[dict]) -> list[dict]:
    """Records whose tooltip lines fit on a screen (display.tooltip); the same list when
    every line already does, so the common case copies nothing."""
    fields = ("label", "detail")
    if all(len(str(r.get(f, ""))) <= display.TOOLTIP for r in records for f in fields):
        return records
    return [{**r, **{f: display.tooltip(r[f]) for f in fields if f in r}} for r in records]


def polygons(
    records: list[dict],
    layer_id: str,
    fill: Colour | str = FILL,
    line: Colour | str = LINE,
    line_width: float | str = 0.5,
) -> pdk.Layer:
    """Filled shapes (records: flat `polygon` lists). A style given as a string names the
    record field holding it (`styled`); otherwise it is the whole layer's."""
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
    records: list[dict],
    layer_id: str,
    colour: Colour | str = LINE,
    width: float | str = 2,
    pickable: bool = True,
) -> pdk.Layer:
    """Outlines (records: flat `path` lists; styles as in `polygons`). Not `pickable`: sends
    only the paths and their style, and lets the shapes under it answer a hover or a tap."""
    if not pickable:
        kept = ("path", LINE, WIDTH)
        records = [{k: r[k] for k in kept if k in r} for r in records]
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
    fill: Colour | str = FILL,
    line: Colour | str = LINE,
    radius: float | str = RADIUS,
    ring: float | str = WIDTH,
) -> pdk.Layer:
    """Points (records: `position` = [lon, lat]; styles as in `polygons`, radius and ring in
    pixels). A ring is a point with a transparent fill."""
    return pdk.Layer(
        "ScatterplotLayer",
        data=_tooltips(records),
        id=layer_id,
        get_position="position",
        pickable=True,
        radius_units=PIXELS,
        get_radius=radius,
        filled=True,
        stroked=True,
        get_fill_color=fill,
        get_line_color=line,
        line_width_units=PIXELS,
        get_line_width=ring,
    )


def deck(layers: list[pdk.Layer], bounds, width: int = 900, height: int = MAP_HEIGHT) -> Deck:
    """The map of `layers`, framed on `bounds` (min lon, min lat, max lon, max lat)."""
    view = view_from_bounds(bounds, width=width, height=height)
    return Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(**view, pitch=0),
        map_provider=None,
        map_style=NO_BASE_MAP,
        tooltip=TOOLTIP,
    )


# ----- drawings: an inline SVG ------------------------------------------------------------

SVG_WIDTH = 900  # drawing units; the SVG scales to the page's width


@dataclass(frozen=True)
class Shapes:
    """Records drawn alike in a drawing (`svg`): `polygon` or `path` records (flat lists of
    lon, lat) or `point` ones (`position` = [lon, lat], `radius` in pixels). A record's `label`
    and `detail` are its tooltip (outlines have none). A style left None is each record's own
    (`styled`: `fill`, `line`, `width`)."""

    records: list[dict]
    kind: str = "polygon"  # "path": an outline, not filled; "point": a disc or a ring
    fill: Sequence[int] | None = None
    line: Sequence[int] | None = (255, 255, 255, 200)
    width: float | None = 0.5


def _colour(rgba: Sequence[int], attribute: str) -> str:
    r, g, b, *alpha = rgba
    if alpha and alpha[0] == 0:
        return f'{attribute}="none"'
    opacity = f' {attribute}-opacity="{alpha[0] / 255:.2f}"' if alpha and alpha[0] < 255 else ""
    return f'{attribute}="rgb({r},{g},{b})"{opacity}'


# A shape's name and detail are written in a band above the map, shown while the pointer is
# on the shape or once a tap (or a click) focused it: an SVG title shows on hover only, late,
# and a phone has none. `tabindex="-1"`: focusable by a tap, not one tab stop per commune.
# Pure CSS, no script; font sizes are drawing units (900 wide), larger on a narrow screen.
BAND = 118  # three lines
TAP_STYLE = (
    "<style>"
    ".maillage-dessin .t{outline:none;cursor:pointer}"
    ".maillage-dessin .t>text{display:none}"
    ".maillage-dessin .t:focus>text{display:inline}"
    ".maillage-dessin svg:hover .t:focus>text{display:none}"
    ".maillage-dessin svg:hover .t:hover>text{display:inline}"
    ".maillage-dessin .t:focus>:first-child,.maillage-dessin .t:hover>:first-child"
    "{stroke:#111;stroke-width:2.5px}"
    ".maillage-dessin svg:focus-within .indice,.maillage-dessin svg:has(.t:hover) .indice"
    "{display:none}"
    ".maillage-dessin text{font-family:sans-serif;font-size:26px;fill:#222}"
    ".maillage-dessin .indice{fill:#555;font-size:22px}"
    "@media (max-width:640px){.maillage-dessin text{font-size:40px}"
    ".maillage-dessin .indice{font-size:32px}}"
    "</style>"
)
TAP_HINT = "Survolez ou touchez une forme pour lire ici son nom et son détail."
BAND_LINE = 40  # characters of a line of detail (40 px letters fill a phone's 900 units)


def _band_text(label: str, detail: str) -> str:
    """The label in bold, then the detail wrapped on at most two lines (cut with « … »)."""
    lines = textwrap.wrap(detail, BAND_LINE)
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), BAND_LINE, placeholder=" …")]
    rest = "".join(f'<tspan x="8" dy="1.2em">{escape(line)}</tspan>' for line in lines)
    bold = f'<tspan font-weight="bold">{escape(label)}</tspan>'
    return f'<text x="8" y="{-BAND + 30}">{bold}{rest}</text>'


def svg(shapes: list[Shapes], bounds, height: int = MAP_HEIGHT, description: str = "") -> str:
    """The drawing of `shapes` framed on `bounds` (min lon, min lat, max lon, max lat), at most
    `height` pixels high, as HTML for `st.markdown(…, unsafe_allow_html=True)`: every text in
    it is escaped, a shape's label and detail show in the band above the map (`TAP_STYLE`);
    widths are in pixels of a map 900 wide."""
    west, south, east, north = bounds
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = SVG_WIDTH / max((east - west) * squeeze, 1e-9)
    drawn_height = max((north - south) * scale, 1.0)

    def x(lon: float) -> str:
        return f"{(lon - west) * squeeze * scale:.1f}"

    def y(lat: float) -> str:
        return f"{(north - lat) * scale:.1f}"

    def ring(flat: list[float]) -> str:
        return "M" + " ".join(f"{x(flat[i])} {y(flat[i + 1])}" for i in range(0, len(flat) - 1, 2))

    parts = []
    for group in shapes:
        for record in group.records:
            style = " ".join(
                (
                    _colour(group.fill or record[FILL], "fill") if group.kind != "path" else "",
                    _colour(group.line or record[LINE], "stroke"),
                    f'stroke-width="{group.width if group.width is not None else record[WIDTH]:g}"',
                )
            )
            if group.kind == "path":
                parts.append(f'<path d="{ring(record["path"])}" fill="none" {style}/>')
                continue
            if group.kind == "point":
                lon, lat = record["position"]
                shape = f'<circle cx="{x(lon)}" cy="{y(lat)}" r="{record[RADIUS]:g}" {style}/>'
            else:
                shape = f'<path d="{ring(record["polygon"])}Z" {style}/>'
            band = _band_text(str(record.get("label", "")), str(record.get("detail", "")))
            parts.append(f'<g class="t" tabindex="-1">{shape}{band}</g>')
    hint = f'<text class="indice" x="8" y="{-BAND + 40}">{TAP_HINT}</text>' if parts else ""
    return (
        f'<div class="maillage-dessin">{TAP_STYLE}<svg xmlns="http://www.w3.org/2000/svg" '
        f'role="img" aria-label="{escape(description)}" '
        f'viewBox="0 {-BAND} {SVG_WIDTH} {drawn_height + BAND:.0f}" '
        f'style="width:100%;height:auto;max-height:{height}px">{hint}{"".join(parts)}</svg></div>'
    )
