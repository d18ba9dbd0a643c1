"""What the mismatch page draws: cached result, plain-French sentences, Sankey, table, map.

The page stays a storyboard; the words and figures live here, built from one
`MismatchResult` computed once per view (a share link's scope included), x, y and weight.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from maillage.atlas import CommuneMap, commune_map
from maillage.formats import CHART_SEPARATORS, format_number, format_share
from maillage.mismatch import MismatchResult, mismatch
from maillage.model import Model
from maillage.ui import data, display, maps
from maillage.ui.style import ALERT, CHART_FONT, NEUTRAL, SEQUENTIAL, hex_to_rgb

# Query-string keys of the page's choices: a copied address reproduces the view.
X_KEY, Y_KEY, WEIGHT_KEY = "x", "y", "poids"
MAX_DRAWN = 40  # perimeters drawn in the Sankey and the table; split ones first
MAX_BORDERS = 5_000  # communes above which the borders of Y are not dissolved for the map
MAP_HEIGHT = 520

# Plural, singular and feminine of each perimeter type, for sentences.
WORDS: dict[str, tuple[str, str, bool]] = {
    "commune": ("communes", "commune", True),
    "epci": ("EPCI", "EPCI", False),
    "departement": ("départements", "département", False),
    "region": ("régions", "région", True),
    "arrondissement": ("arrondissements", "arrondissement", False),
    "canton": ("cantons", "canton", False),
    "circonscription_action_sociale": (
        "circonscriptions d’action sociale",
        "circonscription d’action sociale",
        True,
    ),
    "territoire_caf": ("territoires CAF", "territoire CAF", False),
    "territoire_msa": ("territoires MSA", "territoire MSA", False),
    "centre_social": ("zones de centre social", "zone de centre social", True),
    "bassin_de_vie": ("bassins de vie", "bassin de vie", False),
    "gal_leader": ("GAL LEADER", "GAL LEADER", False),
    "pays_petr": ("pays ou PETR", "pays ou PETR", False),
    "pnr": ("parcs naturels régionaux", "parc naturel régional", False),
    "autre": ("autres périmètres", "autre périmètre", False),
}


def words(kind: str) -> tuple[str, str, bool]:
    return WORDS.get(kind, (kind, kind, False))


def default_pair(present: list[str]) -> tuple[str, str]:
    """EPCI against circonscriptions d’action sociale, the case of the AdCF mission, if there."""
    x = "epci" if "epci" in present else present[0]
    others = [t for t in present if t != x]
    cas = "circonscription_action_sociale"
    y = cas if cas in others else others[0]
    return x, y


def result(view: data.View, x_type: str, y_type: str, weight: str) -> MismatchResult:
    """Computed once per view (a share link's scope included), pair of types and weight."""
    return data.cached(mismatch, view, x_type, y_type, weight=weight)


# ----- sentences --------------------------------------------------------------------------
def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ratio(value: float | None) -> str:
    return "—" if value is None else format_number(value, 2)


def _split_sentence(r: MismatchResult) -> str:
    """« 1 des 2 EPCI est coupé… », with the cases a plain count would say badly: none, one
    out of one, all of them."""
    xs, x1, x_fem = words(r.x_type)
    ys, _, y_fem = words(r.y_type)
    e = "e" if x_fem else ""
    one_y = f"un{'e' * y_fem} seul{'e' * y_fem} des {ys}"
    n, k = len(r.x_ids), r.split_count
    where = f"entre deux {ys} ou plus"
    if n == 0:
        return f"Aucun{e} {x1} sur ce territoire : choisissez un autre type de périmètres."
    if k == 0:
        if n == 1:
            return f"L{'a' if x_fem else 'e'} seul{e} {x1} du territoire tient dans {one_y}."
        return (
            f"Aucun{e} des {format_number(n)} {xs} n’est coupé{e} : chacun{e} tient dans {one_y}."
        )
    if n == 1:
        return f"L{'a' if x_fem else 'e'} seul{e} {x1} du territoire est coupé{e} {where}."
    if k == n:
        every = "toutes" if x_fem else "tous"
        return f"Les {format_number(n)} {xs} sont {every} coupé{e}s {where}."
    verb = "est" if k == 1 else "sont"
    return (
        f"{format_number(k)} des {format_number(n)} {xs} {verb} coupé{e}{'s' * (k != 1)} {where}."
    )


def _uncovered_sentence(r: MismatchResult) -> str:
    xs, x1, x_fem = words(r.x_type)
    _, y1, y_fem = words(r.y_type)
    e = "e" if x_fem else ""
    any_y = "aucune" if y_fem else "aucun"
    gaps = len(r.uncovered_communes)
    if gaps == 0:
        return (
            f"Toutes les communes couvertes par les {xs} relèvent aussi d’un{'e' * y_fem} "
            f"{y1} : aucun trou entre les deux cartes."
        )
    plural = "s" * (gaps > 1)
    return (
        f"{format_number(gaps)} commune{plural} couverte{plural} par un{e} {x1} ne "
        f"relève{'nt' * (gaps > 1)} d’{any_y} {y1}."
    )


def agreement(r: MismatchResult) -> float | None:
    """The one number shown as « Accord des deux découpages »: the V-measure (0 to 1)."""
    return r.v_measure


def headlines(r: MismatchResult) -> list[tuple[str, str, str]]:
    """(label, value, sentence) for each headline number, in plain French; the sentence next
    to a number starts from that same number (the technical measures are in `details`)."""
    xs, x1, x_fem = words(r.x_type)
    ys, y1, _ = words(r.y_type)
    e = "e" if x_fem else ""
    n, k = len(r.x_ids), r.split_count
    if r.split_population:
        people = (
            f"{format_number(r.split_population)} habitants, soit "
            f"{format_share(r.split_population_share)} de la population couverte par "
            f"les {xs}, vivent dans un{e} {x1} coupé{e}."
        )
    else:
        people = f"Personne ne vit dans un{e} {x1} coupé{e}."
    if r.v_measure is None:
        doubled = xs if r.x_duplicate_communes else ys
        accord = (
            f"Non calculé : des communes appartiennent à plusieurs {doubled}, les deux "
            "types ne forment donc pas deux découpages du territoire."
        )
    else:
        accord = (
            f"{_ratio(r.v_measure)} sur 1 : 1 quand les {xs} et les {ys} dessinent "
            "exactement la même carte, 0 quand l’une ne dit rien de l’autre."
        )
    return [
        (
            _capital(f"{xs} coupé{e}s"),
            f"{format_number(k)} / {format_number(n)}",
            _split_sentence(r),
        ),
        ("Habitants dans un territoire coupé", format_number(r.split_population), people),
        (f"Communes sans {y1}", format_number(len(r.uncovered_communes)), _uncovered_sentence(r)),
        ("Accord des deux découpages", _ratio(agreement(r)), accord),
    ]


def details(r: MismatchResult) -> str | None:
    """The measures behind « Accord des deux découpages », each with its definition, for
    whoever asks (« En savoir plus »); None when they could not be computed."""
    if r.v_measure is None:
        return None
    xs, x1, x_fem = words(r.x_type)
    ys, y1, y_fem = words(r.y_type)
    e = "e" if x_fem else ""
    return (
        f"L’accord affiché est la **V-mesure** ({_ratio(r.v_measure)}), moyenne de deux "
        f"nombres entre 0 et 1 : l’**homogénéité** ({_ratio(r.homogeneity)}), qui vaut 1 quand "
        f"chaque {y1} reste dans un{e} seul{e} {x1}, et la **complétude** "
        f"({_ratio(r.completeness)}), qui vaut 1 quand chaque {x1} tient dans "
        f"un{'e' * y_fem} seul{'e' * y_fem} {y1}.\n\n"
        f"L’**indice de Rand ajusté** ({_ratio(r.adjusted_rand)}) compare les paires de "
        f"communes : 1 quand les {xs} et les {ys} regroupent les mêmes communes ensemble, "
        "proche de 0 quand ils ne se ressemblent pas plus que par hasard.\n\n"
        + (
            "Les communes sont comptées une à une."
            if r.weight == "communes"
            else "Chaque commune pèse son nombre d’habitants."
        )
        + " La méthode est détaillée dans la page « Méthode »."
    )


# ----- tables -----------------------------------------------------------------------------
def drawn_rows(r: MismatchResult) -> pd.DataFrame:
    """The X perimeters worth drawing: split ones first, then the largest."""
    rows = r.rows.assign(split=r.rows["y_count"] >= 2)
    rows = rows.sort_values(["split", "communes", "x"], ascending=[False, False, True])
    return rows.head(MAX_DRAWN)


def pieces_table(r: MismatchResult) -> pd.DataFrame:
    """Split X perimeters with their pieces, as a committee reads them."""
    xs, _, _ = words(r.x_type)
    ys, y1, _ = words(r.y_type)
    split = r.rows[r.rows["y_count"] >= 2].sort_values(["dominant_share", "x"])
    return pd.DataFrame(
        {
            _capital(xs): split["nom"],
            f"Nombre de {ys}": split["y_count"],
            "Part du plus gros morceau": split["dominant_share"].map(format_share),
            "Morceaux": split["pieces"].map(
                lambda parts: " · ".join(f"{p['nom']} {format_share(p['share'])}" for p in parts)
            ),
            f"Communes sans {y1}": split["uncovered"],
            "Communes": split["communes"],
            "Habitants": split["population"].map(format_number),
        }
    )


def heatmap(r: MismatchResult) -> go.Figure:
    """Contingency table as shares of each X (rows) in each Y (columns)."""
    rows = drawn_rows(r).sort_values("nom")
    table = r.contingency.loc[rows["x"]]
    totals = (rows["population"] if r.weight == "population" else rows["communes"]).to_numpy()
    shares = table.to_numpy() / np.maximum(totals, 1)[:, None]
    keep = shares.sum(axis=0) > 0
    shares = shares[:, keep]
    columns = [display.chart(r.names[y]) for y in table.columns[keep]]
    text = [[format_share(v) if v else "" for v in line] for line in shares]
    figure = go.Figure(
        go.Heatmap(
            z=shares,
            x=columns,
            y=[display.chart(n) for n in rows["nom"]],
            text=text,
            texttemplate="%{text}",
            colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="%{y} → %{x} : %{text}<extra></extra>",
        )
    )
    figure.update_layout(
        height=max(300, 34 * len(rows) + 140),
        font=CHART_FONT,
        separators=CHART_SEPARATORS,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top"},
    )
    return figure


def sankey(r: MismatchResult) -> go.Figure:
    """Communes (or inhabitants) flowing from each X to the Y it meets; split X in vermilion."""
    rows = drawn_rows(r)
    nowhere = f"Sans {words(r.y_type)[1]}"
    x_nodes = list(rows["x"])
    y_nodes = sorted({p["y"] for parts in rows["pieces"] for p in parts})
    labels = [display.chart(r.names[n]) for n in [*x_nodes, *y_nodes]] + [nowhere]
    y_index = {y: len(x_nodes) + i for i, y in enumerate(y_nodes)}
    source, target, value, colour = [], [], [], []
    for i, (parts, is_split) in enumerate(zip(rows["pieces"], rows["split"], strict=True)):
        tint = hex_to_rgb(ALERT if is_split else NEUTRAL, 110)
        rgba = f"rgba({tint[0]},{tint[1]},{tint[2]},0.45)"
        for p in parts:
            source.append(i)
            target.append(y_index[p["y"]])
            value.append(p["communes"] if r.weight == "communes" else p["weight"])
            colour.append(rgba)
    gap = rows["uncovered"] if r.weight == "communes" else rows["uncovered_population"]
    for i, amount in enumerate(gap):
        if amount:
            source.append(i)
            target.append(len(labels) - 1)
            value.append(int(amount))
            colour.append("rgba(153,153,153,0.25)")
    node_colours = (
        [ALERT if s else NEUTRAL for s in rows["split"]] + ["#0072B2"] * len(y_nodes) + ["#dddddd"]
    )
    unit = "communes" if r.weight == "communes" else "habitants"
    figure = go.Figure(
        go.Sankey(
            valueformat=",d",
            valuesuffix=f" {unit}",
            node={"label": labels, "color": node_colours, "pad": 12, "thickness": 14},
            link={"source": source, "target": target, "value": value, "color": colour},
        )
    )
    figure.update_layout(
        height=max(340, 30 * max(len(x_nodes), len(y_nodes)) + 80),
        font=CHART_FONT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        separators=CHART_SEPARATORS,
    )
    return figure


# ----- map --------------------------------------------------------------------------------
SPLIT, WHOLE, UNCOVERED = "coupe", "entier", "sans_y"
SPLIT_FILLS = {
    SPLIT: hex_to_rgb(ALERT, 170),
    WHOLE: hex_to_rgb(NEUTRAL, 90),
    UNCOVERED: hex_to_rgb(NEUTRAL, 25),
}


def _split_map(model: Model, x_type: str, y_type: str) -> CommuneMap:
    """Communes of X in three layers (their X split, whole, or the commune outside any Y),
    with the borders of Y drawn over them."""
    r = mismatch(model, x_type, y_type, weight="communes")
    members = model.membership
    of_x = members[members["perimeter"].isin(r.x_ids)]
    split = set(r.rows.loc[r.rows["y_count"] >= 2, "x"])
    uncovered = set(r.uncovered_communes)
    names = model.communes["nom"]
    groups: dict[str, dict[str, tuple[str, str]]] = {SPLIT: {}, WHOLE: {}, UNCOVERED: {}}
    for pid, commune in of_x.itertuples(index=False):
        state = "coupé" if pid in split else "d’un seul tenant"
        key = SPLIT if pid in split else WHOLE
        if commune in uncovered:
            key, state = UNCOVERED, f"{state} · commune sans {words(y_type)[1]}"
        groups[key][commune] = (
            display.tooltip(f"{names.get(commune, commune)} — {display.short(r.names[pid])}"),
            f"({state})",
        )
    of_y = members[members["perimeter"].isin(r.y_ids)]
    borders = (
        {str(r.names[pid]): group["commune"].tolist() for pid, group in of_y.groupby("perimeter")}
        if 0 < len(of_y) <= MAX_BORDERS
        else {}
    )
    return commune_map(groups, borders)


def split_map(view: data.View, x_type: str, y_type: str) -> str | None:
    """Communes of X coloured by their X being split; borders of Y drawn over them."""
    drawn = data.cached(_split_map, view, x_type, y_type)
    if not drawn.layers:
        return None
    communes = [
        record
        for layer in drawn.of_kind("area")
        for record in maps.styled(layer.records, fill=SPLIT_FILLS[layer.key[0]])
    ]
    shapes = [maps.Shapes(communes)] if communes else []
    shapes += [
        maps.Shapes(layer.records, "path", line=[40, 40, 40, 255], width=2)
        for layer in drawn.of_kind("outline")
    ]
    description = (
        f"Carte des communes des {words(x_type)[0]} et des frontières des {words(y_type)[0]}"
    )
    return maps.svg(shapes, drawn.bounds, MAP_HEIGHT, description)
