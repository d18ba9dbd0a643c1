"""What blocks, as reported in workshops, surveys and committees (SPEC §3, blockages).

The four categories are those of Cap Rural's « Identifier ce qui bloque »; the levers those of
« Agir concrètement ». Counts keep every code of the vocabulary (zeros included) so that a
committee sees that a category was not reported, not that it was forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from maillage.formats import format_number
from maillage.model import Model
from maillage.vocabularies import VOCABULARIES

OPEN = "ouvert"
IN_PROGRESS = "en_cours"
LIFTED = "leve"
CATEGORIES = VOCABULARIES["blockage_category"]
STATUSES = VOCABULARIES["status"]
LEVERS = VOCABULARIES["lever"]
Period = Literal["year", "quarter", "month"]
_PERIOD_CODES = {"year": "Y", "quarter": "Q", "month": "M"}


def _status(model: Model) -> pd.Series:
    """`statut` with its default: a blockage nobody marked is still open."""
    return model.blockages["statut"].fillna(OPEN)


def blockage_summary(model: Model) -> dict:
    """Counts by category, by status, share lifted (None without blockage), levers named,
    and how many blockages still open have no lever proposed."""
    blockages = model.blockages
    status = _status(model)
    by_category = blockages["categorie"].value_counts().reindex(CATEGORIES, fill_value=0)
    by_status = status.value_counts().reindex(STATUSES, fill_value=0)
    levers = blockages["levier"].dropna().value_counts()
    return {
        "total": len(blockages),
        "by_category": {c: int(n) for c, n in by_category.items()},
        "by_status": {s: int(n) for s, n in by_status.items()},
        "lifted_share": float((status == LIFTED).mean()) if len(blockages) else None,
        "levers": {lever: int(levers[lever]) for lever in LEVERS if lever in levers.index},
        "without_lever": len(without_lever(model)),
    }


@dataclass(frozen=True)
class StillBlocking:
    """The one count of blockages not lifted yet, shown on screen and on paper alike: open
    and in progress together, each also given on its own so no one reads 4 where another
    reads 5."""

    open: int
    in_progress: int
    lifted: int

    @property
    def count(self) -> int:
        return self.open + self.in_progress

    @property
    def reported(self) -> int:
        return self.open + self.in_progress + self.lifted

    def sentence(self) -> str:
        """« 3 ouverts et 2 en cours, sur 6 signalés (1 levé). » in plain French."""
        if not self.reported:
            return "Aucun blocage signalé (atelier, enquête, comité) sur ce territoire."
        opened = f"{format_number(self.open)} {'ouvert' if self.open <= 1 else 'ouverts'}"
        lifted = f"{format_number(self.lifted)} {'levé' if self.lifted <= 1 else 'levés'}"
        reported = "signalé" if self.reported <= 1 else "signalés"
        return (
            f"{opened} et {format_number(self.in_progress)} en cours, sur "
            f"{format_number(self.reported)} {reported} ({lifted})."
        )


def still_blocking(model: Model) -> StillBlocking:
    counts = _status(model).value_counts()
    return StillBlocking(
        int(counts.get(OPEN, 0)), int(counts.get(IN_PROGRESS, 0)), int(counts.get(LIFTED, 0))
    )


def blockage_territories(model: Model) -> pd.Series:
    """The perimeter each blockage is about: its `territoire`, else its scheme's perimeter,
    else None (index: blockage id)."""
    blockages = model.blockages
    via_scheme = blockages["dispositif"].map(model.schemes["perimetre"])
    territory = blockages["territoire"].fillna(via_scheme).astype(object)
    return territory.where(territory.notna(), None).rename("territoire")


def category_by_territory(model: Model) -> pd.DataFrame:
    """Blockage counts, one row per perimeter (index id, plus `nom`), one column per category;
    blockages tied to no perimeter are left out."""
    table = pd.DataFrame(
        {"territoire": blockage_territories(model), "categorie": model.blockages["categorie"]}
    ).dropna()
    counts = pd.crosstab(table["territoire"], table["categorie"])
    counts = counts.reindex(columns=list(CATEGORIES), fill_value=0)
    counts.columns.name = None
    counts.index.name = "territoire"
    names = model.perimeters["nom"].reindex(counts.index)
    return counts.astype(int).assign(nom=names.to_numpy())[["nom", *CATEGORIES]]


def levers_by_category(model: Model) -> pd.DataFrame:
    """How often each lever is proposed against each category (category by lever counts,
    only the levers named at least once)."""
    named = model.blockages.dropna(subset=["levier"])
    counts = pd.crosstab(named["categorie"], named["levier"])
    counts = counts.reindex(index=list(CATEGORIES), fill_value=0)
    counts = counts.reindex(columns=[lv for lv in LEVERS if lv in counts.columns])
    counts.index.name, counts.columns.name = "categorie", None
    return counts.astype(int)


def without_lever(model: Model) -> pd.DataFrame:
    """Blockages still open or in progress that no lever addresses yet (none proposed)."""
    blockages = model.blockages
    keep = blockages["levier"].isna() & (_status(model) != LIFTED)
    return blockages[keep].sort_values(["categorie", "date"], na_position="last")


def reported_words(model: Model) -> pd.DataFrame:
    """The words reported, grouped: one row per blockage sorted by category then sub-theme,
    with its status filled (a sub-theme left blank stays NaN, listed last)."""
    blockages = model.blockages.assign(statut=_status(model))
    order = pd.Categorical(blockages["categorie"], categories=list(CATEGORIES), ordered=True)
    blockages = blockages.assign(_order=order)
    return blockages.sort_values(["_order", "sous_categorie", "description"], na_position="last")[
        ["categorie", "sous_categorie", "description", "statut", "levier", "source", "date"]
    ]


def status_over_time(model: Model, period: Period = "quarter") -> pd.DataFrame:
    """Blockages reported per period (index: period start date), one column per status;
    blockages without a date are left out. Every period from the first to the last is
    there, empty ones with zeros: a timeline that skips a quiet quarter misleads."""
    dated = pd.DataFrame(
        {"date": pd.to_datetime(model.blockages["date"]), "statut": _status(model)}
    )
    dated = dated.dropna(subset=["date"])
    periods = dated["date"].dt.to_period(_PERIOD_CODES[period])
    counts = pd.crosstab(periods.dt.start_time, dated["statut"])
    if len(periods):
        every = pd.period_range(periods.min(), periods.max(), freq=_PERIOD_CODES[period])
        counts = counts.reindex(every.start_time, fill_value=0)
    counts = counts.reindex(columns=list(STATUSES), fill_value=0).sort_index()
    counts.index.name, counts.columns.name = "periode", None
    return counts.astype(int)
