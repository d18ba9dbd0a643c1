"""The territory as a static vector drawing (SVG), for paper: the committee's dossier.

It draws what the atlas computes (`maillage.atlas.build_atlas`: the reference's simplified
shapes, communes shaded by the number of schemes reaching them, blank communes, perimeter
outlines), projected once to the page, with a legend and a scale bar. No tile, no font, no
script: an SVG of paths and a few words, readable in grey (the five shades grow darker with
the count; blank communes have a dashed outline, perimeters a solid one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from html import escape

from maillage.atlas import Atlas, build_atlas
from maillage.formats import counted, format_number
from maillage.model import Model
from maillage.texts import label

# light to dark: the order survives a black-and-white printer (maillage.ui.style.SEQUENTIAL)
SHADES = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
BLANK = "#D55E00"  # vermilion, dashed: blank communes
OUTLINE = "#1a1a1a"
WIDTH = 700.0  # drawing units (1 unit = 1 pt when drawn 700 pt wide)
MAX_HEIGHT = 640.0
KM_PER_DEGREE = 111.32
NICE_KM = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
PARTITION_TYPES = ("epci", "circonscription_action_sociale", "territoire_caf", "territoire_msa")


@dataclass(frozen=True)
class Style:
    fill: str | None
    stroke: str | None
    width: float = 0.0
    dash: tuple[float, float] | None = None

    def svg(self) -> str:
        dash = f' stroke-dasharray="{self.dash[0]:g} {self.dash[1]:g}"' if self.dash else ""
        return (
            f'fill="{self.fill or "none"}" stroke="{self.stroke or "none"}" '
            f'stroke-width="{self.width:g}"{dash}'
        )


@dataclass(frozen=True)
class Group:
    """Rings drawn alike, as (x, y) points in drawing units (y down)."""

    style: Style
    rings: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class StaticMap:
    """The drawing, once projected: the SVG and the PDF are both drawn from these groups."""

    groups: tuple[Group, ...]
    legend: tuple[tuple[Style, str], ...]
    scale: tuple[float, int]  # bar length in drawing units, kilometres it stands for
    outline_type: str | None  # type of the perimeters outlined
    areas: int  # shapes drawn
    blank: int  # blank communes of the territory
    width: float  # of the map, in drawing units (the legend goes below)
    height: float

    @property
    def description(self) -> str:
        """What the drawing shows, in words: its alternative text."""
        outlined = (
            f", contours des périmètres de type « {label('perimeter_type', self.outline_type)} »"
            if self.outline_type
            else ""
        )
        return (
            "Carte du territoire : communes teintées selon le nombre de dispositifs qui les "
            "couvrent, "
            + (
                counted(self.blank, "commune blanche cerclée", "communes blanches cerclées")
                + " en pointillés"
                if self.blank
                else "aucune commune blanche"
            )
            + f"{outlined}."
        )

    @property
    def svg(self) -> str:
        """Map, legend and scale bar as one self-contained SVG (no font, no link)."""
        paths = "".join(
            f'<path {g.style.svg()} d="{"".join(_svg_ring(r) for r in g.rings)}"/>'
            for g in self.groups
        )
        top = self.height + 14
        legend = []
        for k, (style, text) in enumerate(self.legend):
            x, y = (k % 3) * 235.0, top + (k // 3) * 20.0
            legend.append(
                f'<rect x="{x:.0f}" y="{y:.0f}" width="16" height="12" {style.svg()}/>'
                f'<text x="{x + 22:.0f}" y="{y + 10:.0f}">{escape(text)}</text>'
            )
        rows = -(-len(self.legend) // 3)
        length, km = self.scale
        y = top + rows * 20 + 10
        legend.append(
            f'<path fill="none" stroke="{OUTLINE}" stroke-width="1.5" '
            f'd="M0 {y:.0f}L{length:.1f} {y:.0f}M0 {y - 4:.0f}L0 {y + 4:.0f}'
            f'M{length:.1f} {y - 4:.0f}L{length:.1f} {y + 4:.0f}"/>'
            f'<text x="{length + 8:.1f}" y="{y + 4:.0f}">{format_number(km)} km</text>'
        )
        total = y + 12
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {total:.0f}" '
            f'width="{WIDTH:.0f}" height="{total:.0f}" role="img" font-family="sans-serif" '
            f'font-size="11" fill="{OUTLINE}"><title>{escape(self.description)}</title>'
            f"<g>{paths}</g>{''.join(legend)}</svg>"
        )


def _svg_ring(ring) -> str:
    head, *rest = ring
    return f"M{head[0]:.1f} {head[1]:.1f}L" + " ".join(f"{x:.1f} {y:.1f}" for x, y in rest) + "Z"


def outline_type_for(model: Model) -> str | None:
    """The perimeters worth outlining: EPCI when the workbook has some, else the first
    partition type present, else the most frequent type (communes themselves never)."""
    types = model.perimeters["type"].dropna()
    types = types[types != "commune"]
    for kind in PARTITION_TYPES:
        if (types == kind).any():
            return kind
    return str(types.value_counts().index[0]) if len(types) else None


def territory_map(model: Model, *, outline_type: str | None = None) -> StaticMap:
    """The SVG of `model`'s territory (already restricted to what the reader may see)."""
    outline_type = outline_type or outline_type_for(model)
    bare = replace(model, actors=model.actors.iloc[:0])  # points do not print well
    atlas = build_atlas(
        bare, perimeter_types=[outline_type] if outline_type else [], max_bytes=None
    )
    return _draw(atlas, outline_type)


@dataclass(frozen=True)
class _Projection:
    """Equirectangular at the territory's middle latitude: true to scale at this size."""

    west: float
    north: float
    scale: float  # units per degree of longitude
    squeeze: float  # cos(middle latitude)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.scale, (self.north - lat) * self.scale / self.squeeze

    def units_per_km(self) -> float:
        return self.scale / self.squeeze / KM_PER_DEGREE


def _projection(bounds) -> tuple[_Projection, float, float]:
    west, south, east, north = bounds
    squeeze = math.cos(math.radians((north + south) / 2))
    span_x = max((east - west) * squeeze, 1e-6)
    span_y = max(north - south, 1e-6)
    scale_units = min(WIDTH / span_x, MAX_HEIGHT / span_y)  # units per km-ish degree
    projection = _Projection(west, north, scale_units * squeeze, squeeze)
    return projection, span_x * scale_units, span_y * scale_units


def _ring(flat: list[float], projection: _Projection) -> tuple[tuple[float, float], ...]:
    return tuple(projection.point(flat[i], flat[i + 1]) for i in range(0, len(flat) - 1, 2))


def _inside(flat: list[float], bounds) -> bool:
    """Leaves out overseas shapes when the map is framed on the mainland (atlas bounds)."""
    west, south, east, north = bounds
    lons, lats = flat[0::2], flat[1::2]
    return max(lons) >= west and min(lons) <= east and max(lats) >= south and min(lats) <= north


def _class_labels(edges: list[float], per_commune: bool) -> list[str]:
    step = edges[1] - edges[0] if len(edges) > 1 else 1.0
    labels = []
    for k, low in enumerate(edges):
        if k == len(edges) - 1:
            labels.append(f"{counted(int(low), 'dispositif')} et plus")
        elif step == 1:
            labels.append(counted(int(low), "dispositif"))
        else:
            labels.append(f"{format_number(low)} à {counted(int(low + step - 1), 'dispositif')}")
    suffix = " (moyenne par commune)" if per_commune else ""
    return [f"{text}{suffix}" for text in labels]


def _scale_bar(projection: _Projection) -> tuple[float, int]:
    per_km = projection.units_per_km()
    fitting = [km for km in NICE_KM if km * per_km <= WIDTH / 4]
    km = fitting[-1] if fitting else NICE_KM[0]
    return km * per_km, km


AREA_EDGE = Style(None, "#ffffff", 0.3)
OUTLINE_STYLE = Style(None, OUTLINE, 1.2)
BLANK_STYLE = Style(None, BLANK, 1.6, (3.0, 2.0))


def _draw(atlas: Atlas, outline_type: str | None) -> StaticMap:
    if atlas.bounds is None:
        return StaticMap((), (), (0.0, 0), outline_type, 0, 0, WIDTH, 0.0)
    projection, width, height = _projection(atlas.bounds)
    groups: list[Group] = []
    blank: list = []
    areas = 0
    for layer in atlas.of_kind("area"):
        shade, is_blank = layer.key
        rings = tuple(
            _ring(r["polygon"], projection)
            for r in layer.records
            if _inside(r["polygon"], atlas.bounds)
        )
        areas += len(rings)
        if rings:
            groups.append(Group(Style(SHADES[shade], AREA_EDGE.stroke, AREA_EDGE.width), rings))
        if is_blank:
            blank += rings
    outlines = tuple(
        _ring(r["path"], projection)
        for layer in atlas.of_kind("outline")
        for r in layer.records
        if _inside(r["path"], atlas.bounds)
    )
    if outlines:
        groups.append(Group(OUTLINE_STYLE, outlines))
    if blank:
        groups.append(Group(BLANK_STYLE, tuple(blank)))
    labels = _class_labels(atlas.class_edges, per_commune=atlas.level != "commune")
    legend = [(Style(SHADES[k], "#555555", 0.6), text) for k, text in enumerate(labels)]
    legend.append((BLANK_STYLE, "Commune blanche : aucun dispositif social"))
    if outline_type:
        legend.append((OUTLINE_STYLE, f"Contour : {label('perimeter_type', outline_type)}"))
    return StaticMap(
        tuple(groups),
        tuple(legend),
        _scale_bar(projection),
        outline_type,
        areas,
        atlas.blank,
        width,
        height,
    )
