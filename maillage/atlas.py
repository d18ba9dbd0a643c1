"""What the atlas sends to the browser: shapes, outlines and points for one territory.

pydeck ships its layers as pretty-printed JSON: every commune of France, even simplified,
would weigh over 40 MB. So the atlas sends only the territory in view, at the coarsest level
that still reads on screen (communes up to a region, then EPCI, then départements), with each
shape simplified to about half a pixel of a map of the territory and its coordinates as flat
lists rounded to 4 decimals (about 10 m). Colours and layers are the UI's business
(`maillage.ui.maps`); this module only decides what to draw and says it in French.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd
import shapely

from maillage.columns import as_dict, has_any_item, is_in
from maillage.coverage import blank_communes, schemes_per_commune
from maillage.formats import format_number
from maillage.model import Model
from maillage.reference import Reference, ShapeLevel, load_reference, load_shapes
from maillage.texts import label

COMMUNE_LIMIT = 5_000  # a region: Auvergne-Rhône-Alpes has 4,025 communes
EPCI_LIMIT = 400  # EPCI in view; above, départements
DECIMALS = 4  # about 10 m: invisible at the scale of a territory
MAP_PIXELS = 1_000  # shapes are simplified to half a pixel of a map this wide
CLASSES = 5  # colours of the choropleth (maillage.ui.style.SEQUENTIAL)
MAX_PAYLOAD_BYTES = 5_000_000  # what the map data may weigh once pretty-printed
BUDGET_BYTES = 4_500_000  # what the records may weigh: the rest is for the deck around them
NAMES_IN_TOOLTIP = 3


@dataclass(frozen=True)
class Layer:
    """Records drawn alike: one choropleth class, one perimeter type, one field and form.

    Grouping here, rather than colouring each record, keeps colours out of the payload: the
    UI gives each layer one style. Every record has `label` and `detail` (the two lines of its
    French tooltip) and one geometry: `polygon` (flat lon/lat list), `path` or `position`.
    """

    kind: Literal["area", "territory", "outline", "actors"]
    key: tuple  # area: (class, blank?) · territory: () · outline: (perimeter type,) ·
    # actors: (field, form)
    records: list[dict]


@dataclass(frozen=True)
class Atlas:
    level: ShapeLevel
    layers: list[Layer]
    class_edges: list[float]  # lower bound of each class of the choropleth
    bounds: tuple[float, float, float, float] | None  # min lon, min lat, max lon, max lat
    tolerance: float  # degrees, the simplification actually used
    communes: int  # communes of the territory
    blank: int  # blank communes of the territory
    actors: int  # actors drawn
    # actors seated outside the territory, « name (commune) » sorted: listed under the map
    # rather than drawn as points floating away from every shape
    outside: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> list[Layer]:
        return [layer for layer in self.layers if layer.kind == kind]

    def records(self, kind: str) -> list[dict]:
        return [record for layer in self.of_kind(kind) for record in layer.records]

    def layers_json(self) -> str:
        """The records nested as deep as in a deck, pretty-printed as pydeck does."""
        return _pretty([layer.records for layer in self.layers])

    def payload_bytes(self) -> int:
        """Exactly ``len(self.layers_json().encode())``, without the slow pretty-printer."""
        return pretty_size({"layers": [{"data": layer.records} for layer in self.layers]})


def _pretty(layers: list[list[dict]]) -> str:
    return json.dumps(
        {"layers": [{"data": records} for records in layers]}, indent=2, sort_keys=True
    )


def pretty_size(value, level: int = 0) -> int:
    """UTF-8 size of ``json.dumps(value, indent=2)``: lists of numbers (the coordinates, most
    of the bytes) are measured with the fast compact encoder."""
    if isinstance(value, dict):
        if not value:
            return 2
        inner = 2 * (level + 1)
        items = sum(
            inner + _size(json.dumps(key)) + 2 + pretty_size(item, level + 1)
            for key, item in value.items()
        )
        return items + 2 * (len(value) - 1) + 2 + 2 + 2 * level
    if isinstance(value, list):
        if not value:
            return 2
        inner = 2 * (level + 1)
        if all(isinstance(item, int | float) and not isinstance(item, bool) for item in value):
            content = _size(json.dumps(value, separators=(",", ":"))) - 2 - (len(value) - 1)
        else:
            content = sum(pretty_size(item, level + 1) for item in value)
        return content + len(value) * inner + 2 * (len(value) - 1) + 2 + 2 + 2 * level
    return _size(json.dumps(value))


def _size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode())


def shape_level(model: Model) -> ShapeLevel:
    """Communes up to a region, EPCI up to a few départements' worth, else départements."""
    territory = model.communes.reindex(model.territory)
    if len(territory) <= COMMUNE_LIMIT:
        return "commune"
    if territory["epci"].nunique() <= EPCI_LIMIT:
        return "epci"
    return "departement"


def with_themes(model: Model, themes: Iterable[str] | None) -> Model:
    """Schemes with one of `themes`, and the actors working on them or taking part in them.

    The territory (perimeters) is untouched: a theme filter changes who is drawn, not where.
    """
    wanted = set(themes or ())
    if not wanted:
        return model
    schemes = model.schemes[has_any_item(model.schemes["thematiques"], wanted)]
    participations = model.participations[is_in(model.participations["dispositif"], schemes.index)]
    actors = model.actors[
        has_any_item(model.actors["thematiques"], wanted)
        | model.actors.index.isin(participations["acteur"])
    ]
    return replace(model, schemes=schemes, participations=participations, actors=actors)


def build_atlas(
    model: Model,
    *,
    themes: Iterable[str] | None = None,
    perimeter_types: Iterable[str] = (),
    level: ShapeLevel | None = None,
    reference: Reference | None = None,
    max_bytes: int | None = BUDGET_BYTES,
) -> Atlas:
    """Everything the atlas draws for `model` (already restricted to the sidebar filters).

    Shapes are simplified to half a pixel; should the result still weigh more than
    `max_bytes`, the tolerance is raised until it fits (a few passes at most). Without a
    budget (`None`: a drawing for paper, not a payload for a browser) one pass is made.
    """
    reference = reference or load_reference()
    model = with_themes(model, themes)
    level = level or shape_level(model)
    territory = model.communes.reindex(model.territory)
    units = _unit_of(territory, level)
    shapes = _unit_shapes(units, level)
    bounds = _bounds(shapes, territory, units)
    tolerance = _tolerance(bounds)
    counts = schemes_per_commune(model)
    blank = set(blank_communes(model))
    described = _describe_units(model, reference, territory, units, counts, blank)
    edges = class_edges(described["value"])
    kinds = sorted(k for k in set(perimeter_types) if (model.perimeters["type"] == k).any())
    members = {kind: _members(model, kind) for kind in kinds}
    members["_territoire"] = {"_territoire": sorted(territory.index)}
    outline_shapes = _outline_shapes(members, reference)
    seated_outside = model.actors["commune"].notna() & ~is_in(
        model.actors["commune"], territory.index
    )
    inside = model.actors[~seated_outside]
    actors = _actor_layers(inside, units, level)
    outside = _outside(model.actors[seated_outside], model, reference)
    for _attempt in range(4):
        layers = _area_layers(shapes, described, edges, tolerance)
        layers += _territory_layer(sorted(territory.index), outline_shapes, reference, tolerance)
        layers += [
            _outline_layer(model, kind, members[kind], outline_shapes, reference, tolerance)
            for kind in kinds
        ]
        layers += actors
        atlas = Atlas(
            level=level,
            layers=layers,
            class_edges=edges,
            bounds=bounds,
            tolerance=tolerance,
            communes=len(territory),
            blank=len(blank),
            actors=int(inside[["latitude", "longitude"]].notna().all(axis=1).sum()),
            outside=outside,
        )
        if tolerance == 0 or max_bytes is None or atlas.payload_bytes() <= max_bytes:
            break
        tolerance *= 2
    return atlas


# ----- areas: the choropleth of schemes per commune ------------------------------------------


def _unit_of(territory: pd.DataFrame, level: ShapeLevel) -> pd.Series:
    """The drawn unit of each commune; a commune without EPCI stands for itself."""
    codes = pd.Series(territory.index, index=territory.index)
    if level == "commune":
        return codes
    column = "epci" if level == "epci" else "departement"
    return territory[column].astype("object").where(territory[column].notna(), codes)


def _unit_shapes(units: pd.Series, level: ShapeLevel) -> pd.DataFrame:
    """code, geometry, kind: shapes of the drawn units (fallback communes at their level)."""
    kinds = pd.Series(level, index=units.index)
    if level != "commune":
        kinds[units == units.index] = "commune"
    frames = []
    for kind, codes in units.groupby(kinds):
        shapes = load_shapes(kind, codes.unique())
        frames.append(shapes.assign(kind=kind))
    if not frames:
        return pd.DataFrame({"code": [], "geometry": [], "kind": []})
    return pd.concat(frames, ignore_index=True)


def _bounds(shapes: pd.DataFrame, territory: pd.DataFrame, units: pd.Series):
    """Bounds of the territory; overseas communes are left out when mainland ones are in view,
    so that one commune of La Réunion does not zoom the map out to the whole globe."""
    if shapes.empty:
        return None
    overseas = territory["departement"].astype(str).str.len() == 3
    keep = shapes
    if (~overseas).any() and overseas.any():
        mainland = set(units[~overseas])
        keep = shapes[shapes["code"].isin(mainland)]
    west, south, east, north = shapely.total_bounds(keep["geometry"].to_numpy())
    return float(west), float(south), float(east), float(north)


def _tolerance(bounds) -> float:
    if bounds is None:
        return 0.0
    west, south, east, north = bounds
    extent = max(east - west, (north - south) / math.cos(math.radians((north + south) / 2)))
    return extent / (2 * MAP_PIXELS)


def class_edges(values: pd.Series) -> list[float]:
    """Five classes of equal width, in whole schemes (0, 1, 2, 3, 4+ when the top is low)."""
    top = float(values.max()) if len(values) else 0.0
    step = max(1, math.ceil(top / CLASSES))
    return [float(step * k) for k in range(CLASSES)]


def _describe_units(model, reference, territory, units, counts, blank) -> pd.DataFrame:
    """Per drawn unit: mean schemes per commune, blank communes, and its tooltip lines."""
    stats = pd.DataFrame(
        {
            "unit": units,
            "schemes": counts.reindex(territory.index, fill_value=0),
            "blank": territory.index.isin(list(blank)),
        }
    )
    grouped = stats.groupby("unit").agg(
        communes=("schemes", "size"), value=("schemes", "mean"), blank=("blank", "sum")
    )
    names = as_dict(model.communes["nom"])
    epci = as_dict(reference.epci["nom"])
    departements = as_dict(reference.departements["nom"])
    labels, details = [], []
    itself = {code for code, unit in units.items() if code == unit}
    for code, communes, value, blanks in grouped.itertuples():
        if code in itself:
            labels.append(f"{names[code]} ({code})")
            text = _plural(int(value), "dispositif", "dispositifs")
            if blanks:
                text += " · commune blanche : aucun dispositif social"
        else:
            labels.append(
                epci[code] if code in epci else f"{departements.get(code, code)} ({code})"
            )
            text = (
                f"{_plural(communes, 'commune', 'communes')} du territoire · "
                f"{format_number(value, 1)}\u00a0{'dispositif' if value < 2 else 'dispositifs'}"
                " par commune en moyenne"
            )
            if blanks:
                text += f" · {_plural(blanks, 'commune blanche', 'communes blanches')}"
        details.append(text)
    return grouped.assign(label=labels, detail=details)


def _plural(count: int, one: str, many: str) -> str:
    return f"{format_number(count)} {one if count <= 1 else many}"


def _area_layers(shapes, described, edges, tolerance) -> list[Layer]:
    step = edges[1] if len(edges) > 1 else 1.0
    shapes = shapes[shapes["code"].isin(described.index)]
    geometries = _simplified(shapes["geometry"].to_numpy(), tolerance)
    groups: dict[tuple, list[dict]] = {}
    info = described.to_dict(orient="index")
    for code, geometry in zip(shapes["code"], geometries, strict=True):
        unit = info[code]
        key = (min(CLASSES - 1, int(unit["value"] // step)), bool(unit["blank"]))
        records = groups.setdefault(key, [])
        records += [
            {"label": unit["label"], "detail": unit["detail"], "polygon": ring}
            for ring in _flat_rings(geometry)
        ]
    return [Layer("area", key, groups[key]) for key in sorted(groups)]


# ----- perimeters: outlines by type ------------------------------------------------------------


def _members(model: Model, kind: str) -> dict[str, list[str]]:
    pids = model.perimeters.index[model.perimeters["type"] == kind]
    return {pid: sorted(model.communes_of(pid)) for pid in sorted(pids)}


def _territory_layer(
    codes: list[str], shapes: dict[tuple[str, str], object], reference: Reference, tolerance: float
) -> list[Layer]:
    """The outline of the whole territory shown, to find one's way without a base map: the
    union of its whole départements, whole EPCI and remaining communes (a handful of shapes
    for a region), outer rings only."""
    pieces = [shapes[piece] for piece in _pieces(codes, reference) if piece in shapes]
    if not pieces:
        return []
    union = shapely.union_all(_simplified(np.array(pieces, dtype=object), tolerance))
    rings = _flat_rings(_simplified(union, tolerance))
    return [
        Layer(
            "territory",
            (),
            [{"label": "Contour du territoire", "detail": "", "path": ring} for ring in rings],
        )
    ]


def _outside(actors: pd.DataFrame, model: Model, reference: Reference) -> tuple[str, ...]:
    """« name (commune) » of each actor seated outside the territory, sorted by name."""
    names = {**as_dict(reference.communes["nom"]), **as_dict(model.communes["nom"])}
    found = sorted(
        zip(actors["nom"].astype(str), actors["commune"].astype(str), strict=True),
        key=lambda pair: (pair[0].casefold(), pair[1]),
    )
    return tuple(f"{name} ({names.get(code, code)})" for name, code in found)


def _outline_layer(
    model: Model,
    kind: str,
    members: dict[str, list[str]],
    shapes: dict[tuple[str, str], object],
    reference: Reference,
    tolerance: float,
) -> Layer:
    """One outline per part of each perimeter of type `kind`: the union of its pieces."""
    simplified = dict(
        zip(shapes, _simplified(np.array(list(shapes.values())), tolerance), strict=True)
    )
    kind_label = label("perimeter_type", kind)
    records = []
    for pid, codes in members.items():
        geometries = [
            simplified[piece] for piece in _pieces(codes, reference) if piece in simplified
        ]
        if not geometries:
            continue
        union = _simplified(shapely.union_all(geometries), tolerance)
        base = {
            "label": str(model.perimeters.at[pid, "nom"]),
            "detail": f"{kind_label} · {_plural(len(codes), 'commune', 'communes')}",
        }
        records += [{**base, "path": ring} for ring in _flat_rings(union)]
    return Layer("outline", (kind,), records)


def _pieces(codes: list[str], reference: Reference) -> list[tuple[ShapeLevel, str]]:
    """A set of communes as whole départements, whole EPCI and the communes left over.

    The reference's shapes of départements and EPCI are unions made at build time, so a
    perimeter that follows them is outlined from a handful of shapes instead of hundreds.
    """
    left = set(codes)
    pieces: list[tuple[ShapeLevel, str]] = []
    for level, parent, members in _hierarchy(reference):
        for unit in sorted({parent[c] for c in left if c in parent}):
            if left.issuperset(members[unit]):
                pieces.append((level, unit))
                left.difference_update(members[unit])
    return pieces + [("commune", code) for code in sorted(left)]


@functools.cache
def _hierarchy(reference: Reference):
    """(level, commune → unit, unit → communes) for départements then EPCI."""
    levels = []
    for level in ("departement", "epci"):
        parent = as_dict(reference.communes[level].dropna())
        members: dict[str, set[str]] = {}
        for commune, unit in parent.items():
            members.setdefault(unit, set()).add(commune)
        levels.append((level, parent, members))
    return levels


def _outline_shapes(members: dict[str, dict[str, list[str]]], reference: Reference) -> dict:
    """(level, code) → geometry for every piece of every perimeter to outline."""
    wanted: dict[ShapeLevel, set[str]] = {"departement": set(), "epci": set(), "commune": set()}
    for by_pid in members.values():
        for listed in by_pid.values():
            for level, code in _pieces(listed, reference):
                wanted[level].add(code)
    shapes = {}
    for level, codes in wanted.items():
        if codes:
            table = load_shapes(level, codes)
            shapes.update(
                {(level, c): g for c, g in zip(table["code"], table["geometry"], strict=True)}
            )
    return shapes


def _simplified(geometries, tolerance: float):
    if tolerance <= 0:
        return geometries
    return shapely.simplify(geometries, tolerance, preserve_topology=True)


def _flat_rings(geometry) -> list[list[float]]:
    """Outer rings of each part as flat [lon, lat, lon, lat…] lists, rounded.

    Holes are dropped: at this scale they are enclaves drawn by their own shape or slivers
    left by the union of separately simplified communes.
    """
    rings = []
    for part in shapely.get_parts(geometry):
        if part.is_empty or part.geom_type != "Polygon":
            continue
        xy = np.round(shapely.get_coordinates(part.exterior), DECIMALS)
        if len(xy) >= 4:
            rings.append(xy.ravel().tolist())
    return rings


# ----- actors: points by field and form -------------------------------------------------------


def _actor_layers(actors: pd.DataFrame, units: pd.Series, level: ShapeLevel) -> list[Layer]:
    """Actors at one place with one field and form share a point (they would be drawn on top
    of each other anyway); above communes, one point per drawn unit gathers them at their
    mean position. A tooltip names the first few."""
    actors = actors.dropna(subset=["latitude", "longitude"])
    if actors.empty:
        return []
    forms = actors["forme"].fillna("structure") if "forme" in actors else "structure"
    table = pd.DataFrame(
        {
            "field": actors["champ"].fillna(""),
            "form": forms,
            "lon": actors["longitude"].astype(float).round(DECIMALS),
            "lat": actors["latitude"].astype(float).round(DECIMALS),
            "name": actors["nom"].astype(str),
            "category": actors["categorie"],
        }
    )
    if level == "commune":
        table["place"] = list(zip(table["lon"], table["lat"], strict=True))
    else:  # an actor without a commune stays at its own place
        table["place"] = (
            actors["commune"]
            .map(units)
            .fillna(
                pd.Series(list(zip(table["lon"], table["lat"], strict=True)), index=table.index)
            )
        )
    layers = []
    for (field_code, form), by_kind in table.groupby(["field", "form"], sort=True):
        kinds = f"{label('field', field_code)} · {label('actor_form', form)}"
        records = []
        for _place, group in by_kind.groupby("place", sort=True):
            count = len(group)
            if count == 1:
                name = group["name"].iloc[0]
                detail = f"{label('actor_category', group['category'].iloc[0])} · {kinds}"
            else:
                name = f"{format_number(count)} acteurs" + (
                    " au même endroit" if level == "commune" else ""
                )
                names = sorted(group["name"])
                shown = " ; ".join(names[:NAMES_IN_TOOLTIP])
                detail = f"{shown}{' …' if count > NAMES_IN_TOOLTIP else ''} · {kinds}"
            position = [
                round(float(group["lon"].mean()), DECIMALS),
                round(float(group["lat"].mean()), DECIMALS),
            ]
            records.append({"label": name, "detail": detail, "count": count, "position": position})
        layers.append(Layer("actors", (field_code, form), records))
    return layers


# ----- the view ------------------------------------------------------------------------------


def view_from_bounds(bounds, width: int = 900, height: int = 600) -> dict:
    """Latitude, longitude and zoom (web Mercator, 512-pixel world) that fit `bounds`."""
    if bounds is None:
        return {"latitude": 46.6, "longitude": 2.4, "zoom": 4.8}  # mainland France
    west, south, east, north = bounds

    def mercator(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(east - west, 1e-3)
    dy = max(mercator(north) - mercator(south), 1e-5)
    zoom = min(math.log2(width * 360 / (512 * dx)), math.log2(height * 2 * math.pi / (512 * dy)))
    middle = (mercator(north) + mercator(south)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(middle)) - math.pi / 2)
    return {
        "latitude": round(latitude, 5),
        "longitude": round((west + east) / 2, 5),
        "zoom": round(max(0.0, zoom - 0.3), 2),
    }


# ----- any other map: communes by group, and the borders of groups of communes -------------


@dataclass(frozen=True)
class CommuneMap:
    """What a page's own map draws (the pair of the overlaps page, the split perimeters of
    the mismatch page), in the atlas's economical form: layers of records, each with `label`,
    `detail` and a flat `polygon` or `path`; one style per layer key, given by the UI."""

    layers: list[Layer]
    bounds: tuple[float, float, float, float] | None

    def of_kind(self, kind: str) -> list[Layer]:
        return [layer for layer in self.layers if layer.kind == kind]

    def payload_bytes(self) -> int:
        return pretty_size({"layers": [{"data": layer.records} for layer in self.layers]})


def commune_map(
    groups: dict[str, dict[str, tuple[str, str]]], borders: dict[str, list[str]] | None = None
) -> CommuneMap:
    """`groups`: layer key → commune code → (label, detail). `borders`: name → communes whose
    union's outline is drawn over them. Shapes simplified to half a pixel of the map and
    rounded like the atlas's; communes without a known shape are left out."""
    codes = sorted({code for members in groups.values() for code in members})
    shapes = load_shapes("commune", codes)
    if shapes.empty:
        return CommuneMap([], None)
    west, south, east, north = shapely.total_bounds(shapes["geometry"].to_numpy())
    bounds = (float(west), float(south), float(east), float(north))
    tolerance = _tolerance(bounds)
    geometry = dict(
        zip(shapes["code"], _simplified(shapes["geometry"].to_numpy(), tolerance), strict=True)
    )
    layers = []
    for key, members in groups.items():
        records = [
            {"label": text, "detail": detail, "polygon": ring}
            for code, (text, detail) in members.items()
            if code in geometry
            for ring in _flat_rings(geometry[code])
        ]
        if records:
            layers.append(Layer("area", (key,), records))
    lines = []
    for name, border in (borders or {}).items():
        parts = [shape for code in border if (shape := geometry.get(code)) is not None]
        if parts:
            union = shapely.union_all(np.array(parts, dtype=object))
            lines += [{"label": name, "detail": "", "path": ring} for ring in _flat_rings(union)]
    if lines:
        layers.append(Layer("outline", ("borders",), lines))
    return CommuneMap(layers, bounds)
