"""What the « Qui fait quoi » page draws: the directory, the actor–scheme network and the
transversality table, each computed once per view (a share link's scope included).

The spring layout is the costly part of the figure: it is computed on at most MAX_NODES nodes
and cached with the figure, so a rerun (a filter of the directory, a click) never redoes it.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from maillage.directory import directory, directory_for_display
from maillage.formats import CHART_SEPARATORS, counted, format_number, format_share
from maillage.model import Model
from maillage.network import NetworkMeasures, links, network_measures
from maillage.texts import LABELS, label
from maillage.transversality import (
    bridging_actors,
    bridging_schemes,
    late_funders,
    scheme_fields,
)
from maillage.ui import data, display, url
from maillage.ui.frame import Context
from maillage.ui.style import CHART_FONT, FIELD_COLOURS, NEUTRAL
from maillage.vocabularies import LOCAL_DEVELOPMENT, SOCIAL

MAX_NODES = 500  # beyond this a node-link figure is a hairball on a projector
LABELLED = 25  # names written on the figure; every other node has its tooltip
RELAY_OUTLINE = "#000000"


def _indicators(model: Model) -> tuple[pd.DataFrame, list[str], float | None]:
    return scheme_fields(model), bridging_actors(model), late_funders(model)


def _directory(model: Model, filters: tuple) -> pd.DataFrame:
    return directory_for_display(model, directory(model, **dict(filters)))


def measures(context: Context) -> NetworkMeasures:
    return data.cached(network_measures, context.view)


def indicators(context: Context) -> tuple[pd.DataFrame, list[str], float | None]:
    """(scheme fields, bridging actors, late funders) of the current view."""
    return data.cached(_indicators, context.view)


def found(context: Context, **filters) -> pd.DataFrame:
    """The directory for these filters, with French labels and headers."""
    given = tuple(sorted((k, v) for k, v in filters.items() if v))
    return data.cached(_directory, context.view, given)


def actors_found(found: int, total: int) -> str:
    """« 12 acteurs sur 149. », « 1 acteur sur 149. », « Les 149 acteurs. »"""
    if found == total:
        return f"Les {format_number(total)} acteurs." if total > 1 else "Le seul acteur."
    return (
        f"{format_number(found)} {'acteur' if found == 1 else 'acteurs'} sur "
        f"{format_number(total)}."
    )


def components_sentence(components: int) -> str:
    """How many separate groups the network has, without « ensemble(s) »."""
    if components <= 1:
        return "Tous les acteurs et dispositifs sont reliés, de proche en proche."
    return f"{format_number(components)} groupes d’acteurs et de dispositifs sans lien entre eux."


def _relays(model) -> pd.DataFrame:
    table = bridging_schemes(model)
    return pd.DataFrame(
        {
            "Personne relais": table["nom"].to_numpy(),
            "Dispositifs sociaux": table[SOCIAL].to_numpy(),
            "Développement local": table[LOCAL_DEVELOPMENT].to_numpy(),
        }
    )


def relays_table(context: Context) -> pd.DataFrame:
    """The bridging actors and the schemes of each field they link (the phone's network)."""
    return data.cached(_relays, context.view)


def transversality_table(fields: pd.DataFrame) -> pd.DataFrame:
    """One row per scheme, in French: which fields its participants bring."""
    yes_no = {True: "oui", False: "non"}
    table = pd.DataFrame(
        {
            "Dispositif": fields["nom"],
            "Type": fields["type"].map(lambda t: label("scheme_type", t) if t == "AUTRE" else t),
            "Secteur": fields["sector"].map(lambda s: label("sector", s), na_action="ignore"),
            "Participants": fields["participants"],
            "Social": fields["social"].map(yes_no),
            "Développement local": fields["developpement_local"].map(yes_no),
            "Transversal": fields["transversal"].map(yes_no),
        }
    )
    return table.sort_values(["Transversal", "Participants"], ascending=[True, False])


def brokers_table(context: Context, count: int = 10) -> pd.DataFrame:
    """The actors through whom the most shortest ways between others pass."""
    table = measures(context).actors
    table = table[table["betweenness"] > 0].sort_values("betweenness", ascending=False)
    table = table.head(count)
    assert context.model is not None  # `measures` needed it
    actors = context.model.actors.reindex(table.index)
    return pd.DataFrame(
        {
            "Acteur": actors["nom"].to_numpy(),
            "Champ": actors["champ"].map(lambda c: label("field", c)).to_numpy(),
            "Dispositifs": table["degree"].to_numpy(),
            "Acteurs côtoyés": table["neighbours"].to_numpy(),
            # betweenness, said as what it is: the share of shortest paths between two others
            "Part des chemins courts": table["betweenness"].map(format_share).to_numpy(),
        }
    )


def _figure(model: Model) -> tuple[go.Figure, int, int]:
    """The spring layout is the costly part: cached with the figure (`data.cached` hands
    every rerun its own copy)."""
    relays = set(bridging_actors(model))
    pairs = links(model)
    graph, total = _chosen_graph(pairs, relays)
    if graph.number_of_nodes() == 0:
        return go.Figure(), 0, total
    position = nx.spring_layout(graph, seed=7, iterations=60)
    return _draw(model, graph, position, relays), graph.number_of_nodes(), total


def network_figure(context: Context) -> tuple[go.Figure, int, int]:
    """(figure, nodes drawn, nodes in the network) for the current view."""
    return data.cached(_figure, context.view)


def _chosen_graph(pairs: pd.DataFrame, relays: set[str]) -> tuple[nx.Graph, int]:
    """At most MAX_NODES nodes: the most connected schemes (a fifth of the room), then the
    actors taking part in them, relays first, then the most connected."""
    total = pairs["acteur"].nunique() + pairs["dispositif"].nunique()
    if total > MAX_NODES:
        schemes = pairs["dispositif"].value_counts().index[: MAX_NODES // 5]
        pairs = pairs[pairs["dispositif"].isin(set(schemes))]
        degree = pairs["acteur"].value_counts()
        rank = pd.DataFrame(
            {"relay": degree.index.isin(relays), "degree": degree.to_numpy()}, index=degree.index
        )
        rank = rank.sort_values(["relay", "degree"], ascending=False, kind="stable")
        actors = set(rank.index[: MAX_NODES - len(schemes)])
        pairs = pairs[pairs["acteur"].isin(actors)]
    graph = nx.Graph()
    graph.add_nodes_from(pairs["acteur"].unique(), kind="acteur")
    graph.add_nodes_from(pairs["dispositif"].unique(), kind="dispositif")
    graph.add_edges_from(zip(pairs["acteur"], pairs["dispositif"], strict=True))
    return graph, total


def _draw(model, graph: nx.Graph, position: dict, relays: set[str]) -> go.Figure:
    figure = go.Figure()
    xs, ys = [], []
    for a, b in graph.edges():
        xs += [position[a][0], position[b][0], None]
        ys += [position[a][1], position[b][1], None]
    figure.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            hoverinfo="skip",
            showlegend=False,
            line={"width": 0.6, "color": "#c8c8c8"},
        )
    )
    degree = dict(graph.degree())
    labelled = set(sorted(degree, key=lambda n: (-degree[n], str(n)))[:LABELLED])
    actors = [n for n, kind in graph.nodes(data="kind") if kind == "acteur"]
    schemes = [n for n, kind in graph.nodes(data="kind") if kind == "dispositif"]
    # (ids, legend, colour or one per point, symbol, size, outline width)
    groups: list[tuple[list, str, str | list[str], str, int, int]] = []
    for code in ("social", "developpement_local", None):
        ids = [s for s in schemes if _none(model.schemes.at[s, "sector"]) == code]
        name = f"Dispositif {label('sector', code).lower()}" if code else "Dispositif sans secteur"
        fill = FIELD_COLOURS.get(code, NEUTRAL) if code else NEUTRAL
        groups.append((ids, name, fill, "square", 13, 0))
    for code in ("social", "developpement_local", "les_deux"):
        ids = [a for a in actors if model.actors.at[a, "champ"] == code and a not in relays]
        groups.append(
            (ids, f"Acteur — {label('field', code).lower()}", FIELD_COLOURS[code], "circle", 9, 0)
        )
    relay_ids = [a for a in actors if a in relays]
    relay_colours = [FIELD_COLOURS.get(model.actors.at[a, "champ"], NEUTRAL) for a in relay_ids]
    groups.append(
        (relay_ids, "Personne relais (dans les deux champs)", relay_colours, "diamond", 15, 2)
    )
    for ids, name, colour, symbol, size, outline in groups:
        if not ids:
            continue
        figure.add_trace(
            go.Scatter(
                x=[position[n][0] for n in ids],
                y=[position[n][1] for n in ids],
                mode="markers+text",
                name=name,
                text=[display.chart(_name(model, n), 28) if n in labelled else "" for n in ids],
                textposition="top center",
                textfont={"size": 14},
                hovertext=[_tooltip(model, n, degree[n], n in relays) for n in ids],
                hoverinfo="text",
                marker={
                    "color": colour,
                    "symbol": symbol,
                    "size": size,
                    "line": {"width": outline, "color": RELAY_OUTLINE},
                },
            )
        )
    figure.update_layout(
        height=650,
        margin={"l": 20, "r": 20, "t": 20, "b": 0},
        plot_bgcolor="white",
        font=CHART_FONT,
        separators=CHART_SEPARATORS,
        legend={"orientation": "h", "yanchor": "top", "y": -0.02},
        xaxis={"visible": False},
        yaxis={"visible": False},
        hoverlabel={"align": "left"},
    )
    return figure


def _none(value):
    return None if pd.isna(value) else value


def _name(model, node: str) -> str:
    table = model.actors if node in model.actors.index else model.schemes
    return str(table.at[node, "nom"])


def _tooltip(model, node: str, links_count: int, relay: bool) -> str:
    if node in model.schemes.index:
        scheme = model.schemes.loc[node]
        sector = _none(scheme["sector"])
        return (
            f"<b>{display.chart(scheme['nom'], display.TOOLTIP)}</b><br>Dispositif "
            f"{scheme['type']} — "
            f"{label('scheme_type', scheme['type'])}<br>Secteur : "
            f"{label('sector', sector) if sector else 'non précisé'}<br>"
            + counted(
                links_count,
                "acteur y prend part",
                "acteurs y prennent part",
                "aucun acteur n’y prend part",
            )
        )
    actor = model.actors.loc[node]
    text = (
        f"<b>{display.chart(actor['nom'], display.TOOLTIP)}</b><br>"
        f"{label('actor_category', actor['categorie'])}<br>"
        f"Champ : {label('field', actor['champ'])}<br>"
        + (
            f"Prend part à {counted(links_count, 'dispositif')}"
            if links_count
            else "Ne prend part à aucun dispositif"
        )
    )
    return text + ("<br><i>Personne relais : dans les deux champs</i>" if relay else "")


DIRECTORY_FILTERS = [
    ("theme", "Thématique", "theme"),
    ("category", "Famille d’acteur", "actor_category"),
    ("field", "Champ", "field"),
    ("role", "Rôle", "role"),
    ("entry_stage", "Stade d’entrée", "entry_stage"),
    ("nature", "Nature d’intervention", "nature"),
]


def directory_filters(context: Context) -> dict[str, str]:
    """The directory's search widgets (each kept in the address), folded for a committee: a
    phone would stack eight filters above the directory."""
    assert context.model is not None  # the page required data
    names = context.model.communes["nom"]
    filters = {}
    search = st.expander(
        "Chercher un acteur : commune, thématique, famille, rôle…",
        expanded=not context.presenting,
        icon=":material/search:",
    )
    first, second = search.columns(4), search.columns(4)
    for (key, title, vocabulary), column in zip(
        DIRECTORY_FILTERS, [*first, *second[:2]], strict=True
    ):
        filters[key] = url.selectbox(
            title,
            ["", *LABELS[vocabulary]],
            f"qfq_{key}",
            where=column,
            format_func=lambda c, v=vocabulary: label(v, c) or "Tous",
        )
    filters["commune"] = url.selectbox(
        "Commune",
        ["", *context.model.territory],
        "qfq_commune",
        where=second[2],
        format_func=lambda c: f"{display.short(names.get(c, c))} ({c})" if c else "Toutes",
    )
    filters["text"] = url.text_input(
        "Nom ou type", "qfq_texte", where=second[3], placeholder="ex. centre social"
    )
    return filters
