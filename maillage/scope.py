"""What a view limited to one perimeter (a share link, a scoped account, the territory filter)
may see: one rule per kind of row, decided here and nowhere else.

Let S be the scope perimeter and C(S) its communes. A perimeter *concerns* S when it lies
within C(S) or covers all of C(S) (an EPCI's own centre-social zones, its département); one
that only grazes S (a circonscription with one commune of S out of fifty) is about somewhere
else. A row is *in scope* when:

- **commune**: it belongs to C(S);
- **perimeter**: it has at least one commune in C(S); it is then cut to those communes, so
  the mismatch page can still show how S is split (a département seen from an EPCI is that
  EPCI's communes);
- **scheme**: its perimeter is in scope;
- **actor**: it is *placed* in S by what it declares of itself — its seat commune is in
  C(S), or its `ressort` concerns S — or it takes part in a *local* scheme, one whose whole
  perimeter lies within C(S). Taking part in a wider scheme (a département-wide CTG, a
  LEADER programme) is **not** enough: such a scheme gathers the structures and persons of
  every EPCI it covers, which would all show through it. Its pilot is no exception;
- **participation**: its scheme and its actor are both in scope;
- **blockage**: its `territoire` concerns S; a blockage that names no territory is in scope
  when its scheme is. A blockage filed on another territory stays out even when it is
  attached to a scheme that also covers S.

A scheme whose `pilote` is out of scope keeps no trace of it (`pilote` emptied), so no id of
an actor outside the scope reaches a page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from maillage.columns import is_in

if TYPE_CHECKING:
    from maillage.model import Model


def _index_in(frame: pd.DataFrame, values) -> pd.Series:
    return is_in(frame.index.to_series(), values)


@dataclass(frozen=True)
class Nesting:
    """The perimeters of the unrestricted model that lie within C(S), and those that concern
    S (lie within it or cover it), computed in one pass over the membership."""

    within: pd.Index
    concerning: pd.Index


def nesting(model: Model, inside: frozenset[str], in_scope: pd.Series | None = None) -> Nesting:
    """`in_scope`: the mask of membership rows whose commune is in `inside`, when known."""
    membership = model.membership
    if in_scope is None:
        in_scope = is_in(membership["commune"], inside)
    counts = pd.DataFrame(
        {"perimeter": membership["perimeter"].to_numpy(dtype=object), "inside": in_scope.to_numpy()}
    )
    counts = counts.groupby("perimeter")["inside"].agg(["size", "sum"])
    lies_within = (counts["sum"] == counts["size"]) & (counts["sum"] > 0)
    covers = counts["sum"] == len(inside)
    return Nesting(
        counts.index[lies_within], counts.index[lies_within | (covers & (counts["sum"] > 0))]
    )


def actors_in_scope(
    model: Model, inside: frozenset[str], schemes: pd.DataFrame, nested: Nesting
) -> pd.Series:
    """Boolean mask over `model.actors` (rule in the module docstring)."""
    actors = model.actors
    placed = is_in(actors["commune"], inside) | is_in(actors["ressort"], nested.concerning)
    local = schemes.index[is_in(schemes["perimetre"], nested.within).to_numpy()]
    taking_part = model.participations.loc[
        is_in(model.participations["dispositif"], local), "acteur"
    ].unique()
    return placed | _index_in(actors, taking_part)


def blockages_in_scope(model: Model, schemes: pd.Index, nested: Nesting) -> pd.Series:
    """Boolean mask over `model.blockages` (rule in the module docstring)."""
    blockages = model.blockages
    filed = blockages["territoire"].notna().to_numpy(dtype=bool)
    by_territory = is_in(blockages["territoire"], nested.concerning).to_numpy(dtype=bool)
    by_scheme = is_in(blockages["dispositif"], schemes).to_numpy(dtype=bool)
    return pd.Series(np.where(filed, by_territory, by_scheme), index=blockages.index)


def restrict_to(model: Model, perimeter: str) -> Model:
    """`model` seen from `perimeter` only: every table cut by the rules above."""
    inside = model.communes_of(perimeter)
    in_scope = is_in(model.membership["commune"], inside)
    nested = nesting(model, inside, in_scope)
    membership = model.membership[in_scope]
    perimeters = model.perimeters[_index_in(model.perimeters, membership["perimeter"].unique())]
    schemes = model.schemes[is_in(model.schemes["perimetre"], perimeters.index)]
    actors = model.actors[actors_in_scope(model, inside, schemes, nested)]
    participations = model.participations
    participations = participations[
        is_in(participations["dispositif"], schemes.index)
        & is_in(participations["acteur"], actors.index)
    ]
    pilots = schemes["pilote"].where(is_in(schemes["pilote"], actors.index))
    schemes = schemes.assign(pilote=pilots)
    blockages = model.blockages[blockages_in_scope(model, schemes.index, nested)]
    return replace(
        model,
        communes=model.communes[_index_in(model.communes, inside)],
        actors=actors,
        perimeters=perimeters,
        membership=membership,
        schemes=schemes,
        participations=participations,
        blockages=blockages,
        scope=perimeter,
    )
