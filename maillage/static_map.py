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
from maillage.model import Model
from maillage.texts import format_number, label

# light to dark: the order survives a black-and-white printer (maillage.ui.style.SEQUENTIAL)
SHADES = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
BLANK = "#D55E00"  # vermilion, dashed: blank communes
OUTLINE = "#1a1a1a"
WIDTH = 700.0  # drawing units (1 unit = 1 pt when drawn 700 pt wide)
MAX_HEIGHT = 640.0
LEGEND_HEIGHT = 96.0
KM_PER_DEGREE = 111.32
NICE_KM = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
PARTITION_TYPES = ("epci", "circonscription_action_sociale", "territoire_caf", "territoire_msa")


@dataclass(frozen=True)
class StaticMap:
    svg: str
    outline_type: str | None  # type of the perimeters outlined
    areas: int  # shapes drawn
    blank: int  # blank communes of the territory
    width: float
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
            f"couvrent, {format_number(self.blank)} commune(s) blanche(s) cerclée(s) en "
            f"pointillés{outlined}."
        )


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
    atlas = build_atlas(bare, perimeter_types=[outline_type] if outline_type else [])
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


def _path(flat: list[float], projection: _Projection, close: bool) -> str:
    points = [projection.point(flat[i], flat[i + 1]) for i in range(0, len(flat) - 1, 2)]
    head, *rest = points
    body = " ".join(f"{x:.1f} {y:.1f}" for x, y in rest)
    return f"M{head[0]:.1f} {head[1]:.1f}L{body}{'Z' if close else ''}"


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
            labels.append(f"{format_number(low)} et plus")
        elif step == 1:
            labels.append(format_number(low))
        else:
            labels.append(f"{format_number(low)} à {format_number(low + step - 1)}")
    suffix = " (moyenne par commune)" if per_commune else ""
    return [f"{text} dispositif(s){suffix}" for text in labels]


def _scale_bar(projection: _Projection) -> tuple[float, int]:
    per_km = projection.units_per_km()
    fitting = [km for km in NICE_KM if km * per_km <= WIDTH / 4]
    km = fitting[-1] if fitting else NICE_KM[0]
    return km * per_km, km


def _draw(atlas: Atlas, outline_type: str | None) -> StaticMap:
    if atlas.bounds is None:
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} 40" '
            f'width="{WIDTH:.0f}" height="40" role="img"><text x="0" y="24" font-size="14">'
            "Aucune commune à dessiner.</text></svg>"
        )
        return StaticMap(svg, outline_type, 0, 0, WIDTH, 40)
    projection, width, height = _projection(atlas.bounds)
    shapes: list[str] = []
    blank_paths: list[str] = []
    areas = 0
    for layer in atlas.of_kind("area"):
        shade, is_blank = layer.key
        paths = [
            _path(r["polygon"], projection, True)
            for r in layer.records
            if _inside(r["polygon"], atlas.bounds)
        ]
        areas += len(paths)
        if paths:
            shapes.append(
                f'<path fill="{SHADES[shade]}" stroke="#ffffff" stroke-width="0.3" '
                f'd="{"".join(paths)}"/>'
            )
        if is_blank:
            blank_paths += paths
    outlines = [
        _path(r["path"], projection, True)
        for layer in atlas.of_kind("outline")
        for r in layer.records
        if _inside(r["path"], atlas.bounds)
    ]
    if outlines:
        shapes.append(
            f'<path fill="none" stroke="{OUTLINE}" stroke-width="1.2" d="{"".join(outlines)}"/>'
        )
    if blank_paths:
        shapes.append(
            f'<path fill="none" stroke="{BLANK}" stroke-width="1.6" stroke-dasharray="3 2" '
            f'd="{"".join(blank_paths)}"/>'
        )
    legend = _legend(atlas, outline_type, projection, top=height + 14)
    total = height + 14 + LEGEND_HEIGHT
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {total:.1f}" '
        f'width="{WIDTH:.0f}" height="{total:.1f}" role="img" font-family="DejaVu Sans" '
        f'font-size="11" fill="{OUTLINE}"><g>{"".join(shapes)}</g>{legend}</svg>'
    )
    return StaticMap(svg, outline_type, areas, atlas.blank, width, total)


def _legend(atlas: Atlas, outline_type: str | None, projection: _Projection, top: float) -> str:
    parts = []
    labels = _class_labels(atlas.class_edges, per_commune=atlas.level != "commune")
    for k, text in enumerate(labels):
        x, y = (k % 3) * 175.0, top + (k // 3) * 20.0
        parts.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="16" height="12" fill="{SHADES[k]}" '
            f'stroke="#555555" stroke-width="0.6"/>'
            f'<text x="{x + 22:.0f}" y="{y + 10:.0f}" fill="{OUTLINE}">{escape(text)}</text>'
        )
    y = top + 46
    parts.append(
        f'<rect x="0" y="{y:.0f}" width="16" height="12" fill="none" stroke="{BLANK}" '
        f'stroke-width="1.6" stroke-dasharray="3 2"/>'
        f'<text x="22" y="{y + 10:.0f}" fill="{OUTLINE}">'
        "Commune blanche : aucun dispositif social</text>"
    )
    if outline_type:
        kind = escape(label("perimeter_type", outline_type))
        parts.append(
            f'<rect x="300" y="{y:.0f}" width="16" height="12" fill="none" stroke="{OUTLINE}" '
            f'stroke-width="1.2"/>'
            f'<text x="322" y="{y + 10:.0f}" fill="{OUTLINE}">Contour : {kind}</text>'
        )
    length, km = _scale_bar(projection)
    y = top + 74
    parts.append(
        f'<path fill="none" stroke="#1a1a1a" stroke-width="1.5" '
        f'd="M0 {y:.0f}L{length:.1f} {y:.0f}M0 {y - 4:.0f}L0 {y + 4:.0f}'
        f'M{length:.1f} {y - 4:.0f}L{length:.1f} {y + 4:.0f}"/>'
        f'<text x="{length + 8:.1f}" y="{y + 4:.0f}" fill="{OUTLINE}">{format_number(km)} km</text>'
    )
    return "".join(parts)
