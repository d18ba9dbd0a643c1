"""Do schemes really bring social and local-development professionals together (SPEC §3)?

Transversality looks at who takes part in a scheme (its pilote included), bridging actors at
the sectors of the schemes an actor takes part in, late funders at the stage a funder joined.
Everything is counted with numpy over the participations' positions: no loop over them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.columns import is_in
from maillage.model import Model, once_per_model
from maillage.network import participation_positions
from maillage.vocabularies import BOTH, LOCAL_DEVELOPMENT, SOCIAL

FUNDER = "partenaire_financier"
START = "emergence"


@once_per_model  # the indicators, the pages and the proposals read it
def scheme_fields(model: Model) -> pd.DataFrame:
    """One row per scheme (index id): nom, type, sector, participants, social,
    developpement_local, transversal — the fields its participants bring (`les_deux` counts
    for both)."""
    actors, schemes, _ = participation_positions(model)
    champ = model.actors["champ"]
    count = len(model.schemes)

    def any_of(fields: list[str]) -> np.ndarray:
        flags = is_in(champ, fields).to_numpy(dtype=bool)[actors]
        return np.bincount(schemes, weights=flags, minlength=count) > 0

    members = sparse.csc_matrix(
        (np.ones(len(actors)), (actors, schemes)), shape=(len(model.actors), count)
    )
    members.sum_duplicates()  # one participant per actor, whatever its roles
    table = pd.DataFrame(
        {
            "nom": model.schemes["nom"],
            "type": model.schemes["type"],
            "sector": model.schemes["sector"],
            "participants": np.diff(members.indptr),
            SOCIAL: any_of([SOCIAL, BOTH]),
            LOCAL_DEVELOPMENT: any_of([LOCAL_DEVELOPMENT, BOTH]),
        },
        index=model.schemes.index,
    )
    table["transversal"] = table[SOCIAL] & table[LOCAL_DEVELOPMENT]
    return table


def transversality(model: Model) -> dict:
    """Share of all schemes whose participants include both fields, overall and by type.

    A scheme without participant is not transversal. With no scheme at all the share is 0.0,
    not null: SPEC §4 types it as a float, and "no scheme brings the fields together" is
    what a reader of an empty territory should see; `by_type` is then empty.
    """
    table = scheme_fields(model)
    if table.empty:
        return {"share": 0.0, "by_type": {}}
    by_type = table.groupby("type", sort=True)["transversal"].mean()
    return {
        "share": float(table["transversal"].mean()),
        "by_type": {str(t): float(s) for t, s in by_type.items()},
    }


@once_per_model
def bridging_actors(model: Model) -> list[str]:
    """Actors in at least one social-sector scheme and one local-development-sector scheme:
    the « personnes relais » of Cap Rural, sorted."""
    actors, schemes, _ = participation_positions(model)
    sector = model.schemes["sector"]
    count = len(model.actors)

    def takes_part_in(wanted: str) -> np.ndarray:
        flags = sector.eq(wanted).fillna(False).to_numpy(dtype=bool)[schemes]
        return np.bincount(actors, weights=flags, minlength=count) > 0

    social, local = takes_part_in(SOCIAL), takes_part_in(LOCAL_DEVELOPMENT)
    return sorted(str(a) for a in model.actors.index[social & local])


def late_funders(model: Model) -> float | None:
    """Among funder participations with a known entry stage, the share that did not join at
    the emergence; None when there is none (no funder, or no funder's stage is known)."""
    participations = model.participations
    stage = participations["stade_entree"][
        (participations["role"] == FUNDER) & participations["stade_entree"].notna()
    ]
    if stage.empty:
        return None
    return float((stage != START).mean())


def bridging_schemes(model: Model) -> pd.DataFrame:
    """What each bridging actor links (index actor id): nom, and the names of the social and
    of the local-development schemes it takes part in (`; `-joined, sorted), most schemes
    first — the list a phone shows instead of the network graph."""
    ids = bridging_actors(model)
    actors, schemes, _ = participation_positions(model)
    pairs = pd.DataFrame(
        {
            "actor": model.actors.index.to_numpy(dtype=object)[actors],
            "scheme": model.schemes.index.to_numpy(dtype=object)[schemes],
        }
    )
    pairs = pairs[pairs["actor"].isin(ids)].drop_duplicates()
    pairs = pairs.assign(
        sector=pairs["scheme"].map(model.schemes["sector"]),
        nom=pairs["scheme"].map(model.schemes["nom"]).astype(str),
    )

    def names(sector: str) -> pd.Series:
        chosen = pairs[pairs["sector"] == sector]
        return chosen.groupby("actor")["nom"].agg(lambda n: " ; ".join(sorted(set(n))))

    table = pd.DataFrame(
        {
            "nom": model.actors["nom"].reindex(ids),
            SOCIAL: names(SOCIAL).reindex(ids),
            LOCAL_DEVELOPMENT: names(LOCAL_DEVELOPMENT).reindex(ids),
        },
        index=pd.Index(ids, name="id"),
    )
    count = pairs.groupby("actor")["scheme"].nunique().reindex(ids)
    order = sorted(ids, key=lambda a: (-int(count[a]), str(table.loc[a, "nom"])))
    return table.loc[order]
