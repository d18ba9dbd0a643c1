"""What the « Blocages » page draws: counts by category and status, the territory × category
grid, status over time, levers against categories — computed once per view and cached."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from maillage import blockages
from maillage.formats import CHART_SEPARATORS, format_dates
from maillage.model import Model
from maillage.texts import label
from maillage.ui import data, display
from maillage.ui.frame import Context
from maillage.ui.style import ALERT, CHART_FONT, SEQUENTIAL

# Okabe–Ito again: open in vermilion (needs attention), in progress yellow, lifted sky blue.
STATUS_COLOURS = {"ouvert": ALERT, "en_cours": "#F0E442", "leve": "#56B4E9"}
SHORT_CATEGORY = {
    "segmentation": "Segmentation",
    "methode": "Méthode",
    "portage_politique": "Portage politique",
    "moyens": "Moyens",
}
HEATMAP_ROWS = 40


def _tables(model: Model) -> dict:
    return {
        "summary": blockages.blockage_summary(model),
        "by_status": pd.crosstab(
            model.blockages["categorie"], model.blockages["statut"].fillna(blockages.OPEN)
        ),
        "territory": blockages.category_by_territory(model),
        "levers": blockages.levers_by_category(model),
        "without_lever": blockages.without_lever(model),
        "words": blockages.reported_words(model),
        "over_time": blockages.status_over_time(model, "quarter"),
    }


def tables(context: Context) -> dict:
    """Every table of the page for the current view, computed once per view."""
    return data.cached(_tables, context.view)


def _layout(figure: go.Figure, height: int = 360) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        font=CHART_FONT,
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.15},
        separators=CHART_SEPARATORS,
    )
    return figure


def count_axis(maximum: float, title: str) -> dict:
    """An axis of counts: whole numbers only (no « 0,5 blocage »), about six ticks."""
    step = max(1, math.ceil(maximum / 6))
    return {"title": title, "tick0": 0, "dtick": step, "tickformat": ",d", "rangemode": "tozero"}


def category_bars(by_status: pd.DataFrame) -> go.Figure:
    """One horizontal bar per category, split by status."""
    categories = list(blockages.CATEGORIES)[::-1]
    table = by_status.reindex(index=categories, columns=list(blockages.STATUSES), fill_value=0)
    figure = go.Figure()
    for status in blockages.STATUSES:
        figure.add_trace(
            go.Bar(
                y=[SHORT_CATEGORY[c] for c in categories],
                x=table[status],
                orientation="h",
                name=label("status", status),
                marker={"color": STATUS_COLOURS[status]},
                hovertemplate="%{y} : %{x} blocage(s) "
                + label("status", status).lower()
                + "<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="stack", xaxis=count_axis(table.sum(axis=1).max(), "Blocages rapportés")
    )
    return _layout(figure, 300)


def territory_heatmap(grid: pd.DataFrame) -> go.Figure:
    """Territories (rows, most blockages first) × categories."""
    counts = grid[list(blockages.CATEGORIES)]
    order = counts.sum(axis=1).sort_values(ascending=False, kind="stable").index[:HEATMAP_ROWS]
    counts, names = counts.loc[order], grid.loc[order, "nom"].fillna(pd.Series(order, order))
    figure = go.Figure(
        go.Heatmap(
            z=counts.to_numpy(),
            x=[SHORT_CATEGORY[c] for c in counts.columns],
            y=[display.chart(n) for n in names],
            colorscale=SEQUENTIAL,
            text=counts.to_numpy(),
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x} : %{z} blocage(s)<extra></extra>",
            colorbar={
                "title": "Blocages",
                "tickformat": ",d",
                "dtick": max(1, math.ceil(float(counts.to_numpy().max(initial=0)) / 5)),
            },
        )
    )
    figure.update_yaxes(autorange="reversed")
    return _layout(figure, 120 + 28 * len(order))


def over_time(counts: pd.DataFrame) -> go.Figure:
    """Blockages reported per quarter, stacked by their current status."""
    figure = go.Figure()
    quarters = [f"T{(d.month - 1) // 3 + 1} {d.year}" for d in counts.index]
    for status in blockages.STATUSES:
        figure.add_trace(
            go.Bar(
                x=quarters,
                y=counts[status],
                name=label("status", status),
                marker={"color": STATUS_COLOURS[status]},
                hovertemplate="%{x} : %{y} blocage(s)<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        yaxis=count_axis(counts.sum(axis=1).max() if len(counts) else 0, "Blocages rapportés"),
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": quarters},
    )
    return _layout(figure)


def levers_table(levers: pd.DataFrame) -> pd.DataFrame:
    """Categories × levers in French, blank where a lever was never proposed."""
    table = levers.rename(
        index=lambda c: label("blockage_category", c), columns=lambda lv: label("lever", lv)
    )
    return table.rename_axis("Blocage").reset_index()


def blockage_list(rows: pd.DataFrame) -> pd.DataFrame:
    """Blockages as a French table (category, words, status, date)."""
    return pd.DataFrame(
        {
            "Catégorie": rows["categorie"].map(lambda c: label("blockage_category", c)),
            "Sous-thème": rows["sous_categorie"].fillna(""),
            "Propos rapportés": rows["description"],
            "Statut": rows["statut"].fillna(blockages.OPEN).map(lambda s: label("status", s)),
            "Date": format_dates(rows["date"]),
        }
    )
