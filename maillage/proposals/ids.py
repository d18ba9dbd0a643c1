"""The ids of a model's proposals, without drafting them.

What changed between two versions (SPEC §3.3) needs to know which proposals exist, not
their score, their evidence nor their sentences: at France scale the drafts cost seconds
(reach of every funder, betweenness of every actor), the ids a fraction of that. Each rule's
condition is the one function `rules.py` also calls, so both paths find the same ids; a test
holds `proposal_ids` equal to the ids of `build_proposals` on planted and random spaces.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from maillage.model import Model
from maillage.overlaps import THRESHOLD, duplicate_diagnostics
from maillage.proposals import rules
from maillage.proposals.findings import Findings
from maillage.transversality import bridging_actors


def _id(rule: str, *keys: str) -> str:
    return f"{rule}:{'+'.join(sorted(keys))}"


def _ids_of_pairs(rule: str, a: pd.Series, b: pd.Series) -> list[str]:
    """`_id(rule, a, b)` for every row, as Arrow string operations."""
    a, b = a.astype("str").reset_index(drop=True), b.astype("str").reset_index(drop=True)
    before = (a < b).to_numpy(dtype=bool)
    first, second = a.where(before, b), b.where(before, a)
    return (rule + ":" + first + "+" + second).tolist()


def _pair_ids(f: Findings) -> list[str]:
    pairs = f.pairs
    pooling = pairs[pairs["pooling_candidate"].to_numpy()]
    apart = pairs[pairs["side_by_side_not_crossing"].to_numpy()]
    fold = rules.folding(f, pooling, apart)
    kept = ~fold.owned
    names = f.scheme_ids.astype(str)
    found = [_id("articuler", names[s]) for s in fold.wide]
    for rule, frame, unfolded in (
        ("mutualiser", pooling, kept[: len(pooling)]),
        ("se_rencontrer", apart, kept[len(pooling) :]),
    ):
        found += _ids_of_pairs(rule, frame["a"][unfolded], frame["b"][unfolded])
    diagnostics = duplicate_diagnostics(f.model, THRESHOLD)
    pooled = pd.MultiIndex.from_arrays([pooling["a"], pooling["b"]])
    alone = ~pd.MultiIndex.from_arrays([diagnostics["a"], diagnostics["b"]]).isin(pooled)
    found += _ids_of_pairs("partager_diagnostic", diagnostics["a"][alone], diagnostics["b"][alone])
    return found


def _other_ids(f: Findings) -> list[str]:
    actors = f.actor_ids.astype(str)
    territory = f.territory_id
    found = [
        _id("financeurs_des_emergence", a)
        for a in np.unique(actors[rules.late_participations(f)[0]])
    ]
    found += [
        _id("ouvrir_a_l_autre_champ", str(s))
        for _, group in rules.one_field_schemes(f)
        for s in group.index
    ]
    if bridging_actors(f.model):
        found.append(_id("personnes_relais", territory))
    table = rules.epci_communes(f)
    found += [
        _id("couvrir_communes_blanches", str(s)) for s in table.loc[table["blank"], "epci"].unique()
    ]
    found += [_id("coordonner_ressorts", kind) for kind, _, _ in rules.split_ressorts(f)]
    blockages = rules.blockages_without_lever(f)[["categorie", "where"]].drop_duplicates()
    found += [
        _id("lever_blocage", str(category), str(where))
        for category, where in blockages.itertuples(index=False)
    ]
    for rule, habitants in (("associer_habitants", True), ("integrer_isoles", False)):
        if len(rules.isolated(f, habitants=habitants)):
            found.append(_id(rule, territory))
    return found


def proposal_ids(model: Model, today: date) -> list[str]:
    """The ids of `build_proposals(model, today)`, sorted by id."""
    f = Findings(model, today)
    return sorted(_pair_ids(f) + _other_ids(f))
