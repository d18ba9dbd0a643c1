"""Coverage of the territory by schemes (SPEC §3): who is reached, who is left out.

Everything is measured against T, the union of all perimeters of the model. A model
restricted to a perimeter (`Model.restrict`) has that perimeter's communes as T, and a model
restricted to scheme types keeps T whole: a type left out covers nothing, it does not shrink
the territory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.model import Model, once_per_model
from maillage.vocabularies import SOCIAL

COLUMNS = ["type", "communes_share", "population_share"]


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole else 0.0


def _reached(model: Model, groups: np.ndarray, count: int) -> sparse.csc_matrix:
    """Commune × group matrix, non-zero where a scheme of the group reaches the commune;
    `groups` gives each scheme's group (-1: none). One sparse product for every group."""
    matrix, _, _ = model.incidence("schemes")
    member = np.flatnonzero(groups >= 0)
    onehot = sparse.csr_matrix(
        (np.ones(len(member)), (member, groups[member])), shape=(len(groups), count)
    )
    reached = sparse.csc_matrix(matrix @ onehot)
    reached.sort_indices()
    return reached


def coverage(model: Model) -> pd.DataFrame:
    """One row per scheme type present: |union of C(d)| / |T|, also by population."""
    types = sorted(model.schemes["type"].dropna().unique())
    groups = pd.Categorical(model.schemes["type"], categories=types).codes.astype(np.int64)
    reached = _reached(model, groups, len(types))
    people = model.territory_population
    communes = len(model.territory)
    population = int(people.sum())
    rows = []
    for j, scheme_type in enumerate(types):
        positions = reached.indices[reached.indptr[j] : reached.indptr[j + 1]]
        rows.append(
            {
                "type": scheme_type,
                "communes_share": _share(len(positions), communes),
                "population_share": _share(int(people[positions].sum()), population),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


@once_per_model  # the indicators and the proposals read it
def blank_communes(model: Model) -> list[str]:
    """Communes of T that no scheme of a social-sector type reaches, sorted."""
    social = model.schemes["sector"].eq(SOCIAL).fillna(False).to_numpy()
    blank = np.ones(len(model.territory), dtype=bool)
    blank[_reached(model, np.where(social, 0, -1), 1).indices] = False
    return np.asarray(model.territory, dtype=object)[blank].tolist()


def blank_share(model: Model) -> tuple[float, float]:
    """Share of T's communes and of its population that are blank (0 when T is empty)."""
    territory = model.territory
    blank = blank_communes(model)
    return (
        _share(len(blank), len(territory)),
        _share(model.population(blank), model.population(territory)),
    )


def schemes_per_commune(model: Model) -> pd.Series:
    """Number of schemes reaching each commune of T (0 included), indexed by commune."""
    counts = model.scheme_communes["commune"].value_counts()
    index = pd.Index(model.territory, name="commune")
    return counts.reindex(index, fill_value=0).astype(int).rename("schemes")
