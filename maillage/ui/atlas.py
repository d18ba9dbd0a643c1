"""What the atlas page draws: the choropleth of schemes per commune, blank communes outlined,
the outlines of perimeters and the actors, with its French legend."""

from __future__ import annotations

from dataclasses import dataclass

import pydeck as pdk

from maillage.atlas import Atlas, Layer, build_atlas
from maillage.formats import counted, format_number
from maillage.model import Model
from maillage.texts import label
from maillage.ui import data, display, maps
from maillage.ui.style import ALERT, FIELD_COLOURS, NEUTRAL, SEQUENTIAL, hex_to_rgb
from maillage.vocabularies import VOCABULARIES

# Outlines of perimeters: one colour per type, distinct from the two fields' colours.
PERIMETER_PALETTE = [
    "#CC79A7",
    "#56B4E9",
    "#7F3C8D",
    "#000000",
    "#3969AC",
    "#11A579",
    "#E73F74",
    "#80BA5A",
    "#008695",
    "#CF1C90",
    "#4B4B8F",
    "#A5AA99",
    "#F2B701",
    "#5F4690",
    "#666666",
]
PERIMETER_COLOURS = dict(zip(VOCABULARIES["perimeter_type"], PERIMETER_PALETTE, strict=True))

# How each form of actor is drawn: (radius in pixels, filled, ring width in pixels).
FORM_STYLE = {
    "structure": (7, True, 1),  # a filled disc
    "personne": (4, True, 1),  # a small disc
    "collectif_habitants": (6, False, 3),  # a ring
}
FORM_SYMBOL = {"structure": "●", "personne": "•", "collectif_habitants": "○"}
TERRITORY_COLOUR = "#1a1a1a"  # the territory's outline, over every shape
OUTSIDE_LISTED = 12  # actors seated outside the territory named under the map; then « et N »
CROWDED = 1_500  # above this many actors, points shrink so the communes stay readable


def _atlas(model: Model, themes: tuple[str, ...], perimeter_types: tuple[str, ...]) -> Atlas:
    return build_atlas(model, themes=themes, perimeter_types=perimeter_types)


def atlas_for(view: data.View, themes: tuple[str, ...], perimeter_types: tuple[str, ...]) -> Atlas:
    """The atlas of one view, built once per published version and filters."""
    return data.cached(_atlas, view, themes, perimeter_types)


def commune_records(layer: Layer) -> list[dict]:
    """One class of the choropleth, styled; blank communes (or units holding some) outlined
    in red."""
    klass, blank = layer.key
    return maps.styled(
        layer.records,
        fill=hex_to_rgb(SEQUENTIAL[klass], 210),
        line=hex_to_rgb(ALERT) if blank else hex_to_rgb(NEUTRAL, 160),
        width=2.5 if blank else 0.5,
    )


def outline_records(layer: Layer) -> list[dict]:
    (kind,) = layer.key
    return maps.styled(layer.records, line=hex_to_rgb(PERIMETER_COLOURS.get(kind, NEUTRAL)))


def actor_records(layer: Layer, shrink: float = 1.0) -> list[dict]:
    """One field and form of actors: a disc in the field's colour ringed white, or a ring
    in the field's colour (a transparent disc) for a collective of inhabitants."""
    field, form = layer.key
    radius, filled, ring = FORM_STYLE.get(form, FORM_STYLE["structure"])
    colour = hex_to_rgb(FIELD_COLOURS.get(field, NEUTRAL))
    return maps.styled(
        layer.records,
        fill=colour if filled else [*colour[:3], 0],
        line=[255, 255, 255, 255] if filled else colour,
        radius=max(2, round(radius * shrink)),
        width=ring,
    )


@dataclass(frozen=True)
class AtlasRecords:
    """What the atlas draws, styled, in drawing order: communes (blank ones last, their red
    outline over their neighbours'), perimeters' outlines, the territory's outline (over the
    perimeters': a département's would hide it otherwise), actors."""

    communes: list[dict]
    outlines: list[dict]
    territory: list[dict]
    actors: list[dict]


def atlas_records(atlas: Atlas) -> AtlasRecords:
    areas = sorted(atlas.of_kind("area"), key=lambda layer: (layer.key[1], layer.key[0]))
    actors = atlas.of_kind("actors")
    shown = sum(len(layer.records) for layer in actors)
    shrink = 1.0 if shown <= CROWDED else max(0.3, (CROWDED / shown) ** 0.5)
    return AtlasRecords(
        [r for layer in areas for r in commune_records(layer)],
        [r for layer in atlas.of_kind("outline") for r in outline_records(layer)],
        [r for layer in atlas.of_kind("territory") for r in layer.records],
        [r for layer in actors for r in actor_records(layer, shrink)],
    )


def atlas_deck(atlas: Atlas, width: int = 900, height: int = maps.MAP_HEIGHT) -> pdk.Deck:
    """The map one explores (zoom, hover): four layers whatever the filters."""
    drawn = atlas_records(atlas)
    layers = []
    if drawn.communes:
        layers.append(maps.polygons(drawn.communes, "communes", line_width=maps.WIDTH))
    if drawn.outlines:
        layers.append(maps.paths(drawn.outlines, "perimetres"))
    if drawn.territory:
        territory = hex_to_rgb(TERRITORY_COLOUR)
        layers.append(maps.paths(drawn.territory, "territoire", territory, 3, pickable=False))
    if drawn.actors:
        layers.append(maps.points(drawn.actors, "acteurs"))
    return maps.deck(layers, atlas.bounds, width=width, height=height)


def atlas_drawing(atlas: Atlas, height: int = maps.MAP_HEIGHT) -> str:
    """The same map as a drawing (`maps.svg`): at once on any screen, and on paper."""
    drawn = atlas_records(atlas)
    shapes = [
        maps.Shapes(drawn.communes, line=None, width=None),
        maps.Shapes(drawn.outlines, "path", line=None, width=2),
        maps.Shapes(drawn.territory, "path", line=hex_to_rgb(TERRITORY_COLOUR), width=3),
        maps.Shapes(drawn.actors, "point", fill=None, line=None, width=None),
    ]
    description = "Atlas : communes teintées selon le nombre de dispositifs, acteurs en points"
    return maps.svg([s for s in shapes if s.records], atlas.bounds, height, description)


def class_labels(atlas: Atlas) -> list[str]:
    """French labels of the five classes: whole schemes per commune, or a mean above it."""
    edges = atlas.class_edges
    step = edges[1] - edges[0]
    labels = []
    for k, low in enumerate(edges):
        last = k == len(edges) - 1
        if atlas.level == "commune" and step == 1:
            text = f"{format_number(low)}" + (" ou plus" if last else "")
        elif last:
            text = f"{format_number(low)} ou plus"
        elif atlas.level == "commune":
            text = f"{format_number(low)} à {format_number(low + step - 1)}"
        else:
            text = f"{format_number(low)} à moins de {format_number(low + step)}"
        labels.append(text)
    return labels


def _item(mark: str, text: str) -> str:
    """One entry of the legend: its mark and words kept together, entries wrapping between
    them rather than inside one."""
    return (
        f'<span style="display:inline-block;white-space:nowrap;margin:0 1.2em 0.2em 0">'
        f"{mark}\u00a0{text}</span>"
    )


def _swatch(colour: str, border: str | None = None) -> str:
    edge = f"border:2px solid {border};" if border else "border:1px solid #999;"
    return (
        f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{colour};'
        f'{edge}vertical-align:middle"></span>'
    )


def _line(colour: str, width: int = 3) -> str:
    return (
        f'<span style="display:inline-block;width:1.6em;height:0;border-top:{width}px '
        f'solid {colour};vertical-align:middle"></span>'
    )


def legend_html(atlas: Atlas) -> str:
    """The legend in French, below the map: one block per kind of layer, a title then its
    entries, which wrap cleanly on a phone. Only our own words: nothing from the workbook."""
    unit = {
        "commune": "par commune",
        "epci": "par commune, moyenne par EPCI",
        "departement": "par commune, moyenne par département",
    }[atlas.level]
    blocks = [
        (
            f"Dispositifs {unit}",
            [
                _item(_swatch(colour), text)
                for colour, text in zip(SEQUENTIAL, class_labels(atlas), strict=True)
            ]
            + [
                _item(_swatch("#ffffff", border=ALERT), "commune blanche (aucun dispositif social)")
            ],
        )
    ]
    if atlas.of_kind("territory"):
        blocks.append(("Territoire", [_item(_line(TERRITORY_COLOUR), "contour du territoire")]))
    blocks.append(
        (
            "Acteurs, par champ",
            [
                _item(
                    f'<span style="color:{FIELD_COLOURS[f]}">{FORM_SYMBOL["structure"]}</span>',
                    label("field", f),
                )
                for f in VOCABULARIES["field"]
            ],
        )
    )
    blocks.append(
        (
            "Acteurs, par forme",
            [_item(FORM_SYMBOL[f], label("actor_form", f)) for f in VOCABULARIES["actor_form"]],
        )
    )
    outlines = atlas.of_kind("outline")
    if outlines:
        blocks.append(
            (
                "Périmètres",
                [
                    _item(
                        _line(PERIMETER_COLOURS.get(layer.key[0], NEUTRAL)),
                        label("perimeter_type", layer.key[0]),
                    )
                    for layer in outlines
                ],
            )
        )
    return "".join(
        f'<div style="font-size:0.95rem;margin-bottom:0.4em"><b>{title}</b><br>'
        f"{''.join(items)}</div>"
        for title, items in blocks
    )


def outside_sentence(atlas: Atlas) -> str | None:
    """« 3 acteurs ont leur siège hors du territoire : … », as markdown with the workbook's
    names escaped; None when every actor sits inside."""
    names = [display.md(n) for n in atlas.outside]
    if not names:
        return None
    shown = ", ".join(names[:OUTSIDE_LISTED])
    if len(names) > OUTSIDE_LISTED:
        shown += " et " + counted(len(names) - OUTSIDE_LISTED, "autre", "autres")
    return (
        counted(
            len(names),
            "acteur a son siège hors du territoire et n’est pas sur la carte",
            "acteurs ont leur siège hors du territoire et ne sont pas sur la carte",
        )
        + f" : {shown}."
    )


def summary(atlas: Atlas) -> str:
    """The caption under the map: what is drawn, counted in agreed French."""
    level = {
        "commune": "commune par commune",
        "epci": "par EPCI",
        "departement": "par département",
    }[atlas.level]
    blank = counted(atlas.blank, "commune blanche", "communes blanches", "aucune commune blanche")
    actors = counted(atlas.actors, "acteur localisé", "acteurs localisés", "aucun acteur localisé")
    return (
        f"Dessiné {level} : {counted(atlas.communes, 'commune')}, dont {blank} ; "
        f"{actors} sur la carte. Sans fond de carte : rien n’est chargé depuis Internet."
    )
