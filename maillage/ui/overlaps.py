"""What the overlaps page draws: cached domain calls, the heatmap, the timeline, the map of a
pair and the table of flagged pairs with its download.

The domain computes; this module only caches (per view — a share link's scope included — and
threshold, so a rerun never recomputes) and turns results into figures and French tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from maillage.atlas import CommuneMap, commune_map
from maillage.exports import csv_bytes
from maillage.formats import (
    CHART_SEPARATORS,
    counted,
    format_dates,
    format_number,
    format_share,
)
from maillage.model import Model
from maillage.overlaps import FLAGS, flagged_pairs, overlap_matrix, overlaps
from maillage.texts import label
from maillage.ui import auth, data, display, maps
from maillage.ui.frame import Context
from maillage.ui.style import ALERT, CHART_FONT, FIELD_COLOURS, NEUTRAL, SEQUENTIAL, hex_to_rgb

OVERLAP, OVERLAP_CSV = "Chevauchement", "Chevauchement (%)"
HEATMAP_SIZE = 40  # beyond this a scheme × scheme grid is unreadable on a projector
SHOWN_ROWS = 500
REASONS_SHOWN = 10  # reasons written out under the table; the others in an expander
FLAGGED_FOR = "Signalée pour"
PAIR_MAP_HEIGHT = 480
# Okabe–Ito: sky blue, yellow, vermilion — distinct without colour vision
PAIR_COLOURS = {"a": "#56B4E9", "b": "#F0E442", "shared": ALERT}
TABLE_COLUMNS = {
    "name_a": "Dispositif A",
    "name_b": "Dispositif B",
    "reason": "Pourquoi",
    "overlap": "Chevauchement",
    "shared_communes": "Communes partagées",
    "shared_population": "Population partagée",
    "shared_days": "Jours communs",
    "common_actors": "Acteurs communs",
}


def _clustered(model: Model, min_overlap: float) -> pd.DataFrame:
    """The overlap grid of the schemes with the most overlapping partners, clustered."""
    pairs = overlaps(model, min_overlap)
    degree = pd.concat([pairs["a"], pairs["b"]]).value_counts(sort=False)
    chosen = degree.sort_values(ascending=False, kind="stable").index[:HEATMAP_SIZE].tolist()
    return overlap_matrix(model, sorted(chosen)) if len(chosen) >= 2 else pd.DataFrame()


def flagged(context: Context, min_overlap: float) -> pd.DataFrame:
    return data.cached(flagged_pairs, context.view, min_overlap)


def clustered(context: Context, min_overlap: float) -> pd.DataFrame:
    return data.cached(_clustered, context.view, min_overlap)


def pooling_example(pairs: pd.DataFrame) -> str | None:
    """The first pooling candidate of the pairs shown, as the intro's example (its names
    escaped: they come from the workbook); None when there is none."""
    candidates = pairs[pairs["pooling_candidate"]] if len(pairs) else pairs
    if candidates.empty:
        return None
    first = candidates.iloc[0]
    return (
        f"Par exemple, « {display.md(first['name_a'])} » et « {display.md(first['name_b'])} » "
        f"couvrent {format_share(first['overlap'])} des mêmes communes, sur des "
        f"calendriers qui se recouvrent, autour de : {display.md(first['themes'], None)}."
    )


# ----- table ------------------------------------------------------------------------------------


def flagged_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """French table of flagged pairs: one column per flag (oui/—), the numbers, the reason."""
    table = pairs[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)
    for flag, title in FLAGS.items():
        table[title] = pairs[flag].map({True: "oui", False: ""}).astype("str")
    return table


def show_table(table: pd.DataFrame) -> None:
    """The names, what each pair is flagged for and the numbers, sortable; the full reasons
    as a list under it (`show_reasons`). A grid cannot show a reason of four sentences whole
    — its cells wrap to one row height for all rows, cut at 1920 px already —, and prose is
    read, not sorted."""
    shown = table[list(TABLE_COLUMNS.values())].head(SHOWN_ROWS)
    shown = shown.drop(columns=TABLE_COLUMNS["reason"])
    flags = table[list(FLAGS.values())].head(SHOWN_ROWS).eq("oui").to_numpy()
    shown.insert(
        2,
        FLAGGED_FOR,
        [" · ".join(t for t, on in zip(FLAGS.values(), row, strict=True) if on) for row in flags],
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        row_height=88,
        column_config={
            "Dispositif A": st.column_config.TextColumn(width=170),
            "Dispositif B": st.column_config.TextColumn(width=170),
            FLAGGED_FOR: st.column_config.TextColumn(width=220),
            "Chevauchement": st.column_config.ProgressColumn(
                format="percent",
                min_value=0.0,
                max_value=1.0,
                help="Part des communes du plus petit des deux dispositifs que l’autre couvre "
                "aussi.",
            ),
            # « localized »: 6 020 in a French browser, not 6020
            "Communes partagées": st.column_config.NumberColumn(format="localized"),
            "Population partagée": st.column_config.NumberColumn(format="localized"),
            "Acteurs communs": st.column_config.NumberColumn(format="localized"),
            "Jours communs": st.column_config.NumberColumn(
                format="localized",
                help="Jours communs aux deux calendriers (début et fin inclus) ; vide quand "
                "une date manque.",
            ),
        },
    )
    if len(table) > SHOWN_ROWS:
        st.caption(
            f"Les {format_number(SHOWN_ROWS)} premières paires sur "
            f"{format_number(len(table))} ; la liste complète est dans le téléchargement."
        )


def reason_lines(table: pd.DataFrame) -> list[str]:
    """« **A × B** — why », one markdown line per pair shown (names and reasons escaped:
    they come from the workbook)."""
    rows = table.head(SHOWN_ROWS)
    return [
        f"- **{display.md(a, None)} × {display.md(b, None)}** — {display.md(why, None)}"
        for a, b, why in zip(
            rows[TABLE_COLUMNS["name_a"]],
            rows[TABLE_COLUMNS["name_b"]],
            rows[TABLE_COLUMNS["reason"]],
            strict=True,
        )
    ]


def show_reasons(table: pd.DataFrame) -> None:
    """Why each pair is flagged, whole and wrapped: the first pairs in the page (what a
    committee reads on the projector), the others folded under them."""
    lines = reason_lines(table)
    st.markdown("**Pourquoi ces paires sont signalées**")
    st.markdown("\n".join(lines[:REASONS_SHOWN]))
    if len(lines) > REASONS_SHOWN:
        rest = len(lines) - REASONS_SHOWN
        with st.expander(
            "Pourquoi " + counted(rest, "autre paire est signalée", "autres paires sont signalées")
        ):
            st.markdown("\n".join(lines[REASONS_SHOWN:]))


def table_csv(table: pd.DataFrame) -> bytes:
    """The shared French CSV (formula-like cells made inert). The overlap is written as a
    percentage a spreadsheet reads as a number — « Chevauchement (%) » 100 or 66,7 — rather
    than the share « 1,0000 » nobody reads as 100 %."""
    if OVERLAP in table:
        percent = (table[OVERLAP].astype("float64") * 100).round(1)
        table = table.assign(**{OVERLAP: percent}).rename(columns={OVERLAP: OVERLAP_CSV})
    return csv_bytes(table)


# ----- heatmap ----------------------------------------------------------------------------------


def heatmap(matrix: pd.DataFrame, names: pd.Series) -> go.Figure:
    full = _unique_names(matrix.index, names)
    short = [display.chart(n, 32) for n in full]
    full = [display.chart(n, display.TOOLTIP) for n in full]
    hover = np.array([[f"{row}<br>{column}" for column in full] for row in full])
    text = np.vectorize(format_share, otypes=[object])(matrix.to_numpy())
    figure = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=list(range(len(short))),
            y=list(range(len(short))),
            zmin=0,
            zmax=1,
            text=text,
            customdata=hover,
            colorscale=[[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
            hovertemplate="%{customdata}<br>chevauchement : %{text}<extra></extra>",
            colorbar={"title": "Chevauchement", "tickformat": ".0%"},
        )
    )
    ticks = {
        "tickmode": "array",
        "tickvals": list(range(len(short))),
        "ticktext": short,
        "tickfont": {"size": 14},
    }
    side = max(460, 20 * len(short) + 280)
    figure.update_layout(
        height=side,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font=CHART_FONT,
        xaxis={**ticks, "tickangle": -60},
        yaxis={**ticks, "autorange": "reversed"},
        separators=CHART_SEPARATORS,
    )
    return figure


def _unique_names(ids: pd.Index, names: pd.Series) -> list[str]:
    """Scheme names, with the id added when two schemes share a name."""
    found = [str(names.get(s, s)) for s in ids]
    repeated = {n for n in found if found.count(n) > 1}
    return [f"{n} ({s})" if n in repeated else n for n, s in zip(found, ids, strict=True)]


# ----- timeline ---------------------------------------------------------------------------------


def timeline(schemes: pd.DataFrame, highlight: tuple[str, ...] = ()) -> go.Figure | None:
    """Gantt of the schemes with both dates, coloured by field, earliest first; the selected
    pair in bold."""
    dated = schemes.dropna(subset=["debut", "fin"]).sort_values(["debut", "fin"])
    if dated.empty:
        return None
    labels = pd.Series(_unique_names(dated.index, dated["nom"]), index=dated.index)
    labels = pd.Series(
        [
            f"<b>{display.chart(n, 45)}</b>" if sid in highlight else display.chart(n, 45)
            for sid, n in labels.items()
        ],
        index=dated.index,
    )
    figure = go.Figure()
    for sector, rows in dated.groupby(dated["sector"].fillna(""), sort=True):
        length = (rows["fin"] - rows["debut"]).dt.days + 1
        figure.add_trace(
            go.Bar(
                base=rows["debut"],
                x=length * 86_400_000,
                y=labels[rows.index],
                orientation="h",
                name=label("sector", sector) or "Autre",
                marker_color=FIELD_COLOURS.get(sector, NEUTRAL),
                customdata=np.stack(
                    [format_dates(rows["debut"]), format_dates(rows["fin"])], axis=-1
                ),
                hovertemplate="%{y}<br>du %{customdata[0]} au %{customdata[1]}<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="overlay",
        height=max(320, 30 * len(dated) + 130),
        separators=CHART_SEPARATORS,
        font=CHART_FONT,
        xaxis={"type": "date", "tickformat": "%Y"},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": labels.tolist()},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    )
    return figure


# ----- map of a pair ----------------------------------------------------------------------------


def _pair_map(model: Model, a: str, b: str, names: tuple[str, str]) -> CommuneMap:
    """The communes of a pair: one layer for each of « both », « only A », « only B »."""
    first, second = (model.communes_of(model.schemes.at[s, "perimetre"]) for s in (a, b))
    commune_names = model.communes["nom"]
    meaning = {
        "shared": "couverte par les deux",
        "a": f"seulement {display.short(names[0])}",
        "b": f"seulement {display.short(names[1])}",
    }
    roles = {"shared": first & second, "a": first - second, "b": second - first}
    return commune_map(
        {
            role: {
                c: (display.tooltip(str(commune_names.get(c, c))), meaning[role])
                for c in sorted(codes)
            }
            for role, codes in roles.items()
        }
    )


def pair_drawing(view: data.View, a: str, b: str, names: tuple[str, str]) -> str | None:
    """The drawing of a pair (vermilion where both reach), built from its cached layers."""
    drawn = data.cached(_pair_map, view, a, b, names)
    if not drawn.layers:
        return None
    communes = [
        record
        for layer in drawn.layers
        for record in maps.styled(layer.records, fill=hex_to_rgb(PAIR_COLOURS[layer.key[0]], 200))
    ]
    shapes = [maps.Shapes(communes, line=[60, 60, 60, 160], width=1)]
    description = f"Carte des communes de « {names[0]} » et de « {names[1]} »"
    return maps.svg(shapes, drawn.bounds, PAIR_MAP_HEIGHT, description)


@st.fragment
def show_pair_map(view: data.View, a: str, b: str, names: tuple[str, str], shared: int) -> None:
    """In a fragment: the map never reruns the page (but checks the access again)."""
    auth.gate()
    drawing = pair_drawing(view, a, b, names)
    if drawing is None:
        st.caption("Pas de contour de commune disponible pour cette paire.")
        return
    st.markdown(drawing, unsafe_allow_html=True)
    st.caption(
        f"En vermillon, les {format_number(shared)} communes couvertes "
        f"par les deux ; en bleu ciel, celles du seul « {display.md(names[0])} » ; en "
        f"jaune, celles du seul « {display.md(names[1])} »."
    )
