"""What every rule reads, computed once per model from the indicators already there.

No rule recomputes an overlap or a betweenness: pairs come from
`overlaps.pairs_at_threshold`, fields from `transversality.scheme_fields`, betweenness from
`network.network_measures`, blank communes from `coverage.blank_communes`. What is new here
is only the matrix of the communes each actor acts on — its seat, its `ressort` and the
perimeters of the schemes it takes part in (SPEC §3.2, `ouvrir_a_l_autre_champ`) — kept
sparse so that a France-scale workbook costs a few products, not a loop over actors.
"""

from __future__ import annotations

import itertools
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from maillage.blockages import LIFTED, OPEN, blockage_territories
from maillage.columns import list_items, positions
from maillage.model import Model
from maillage.network import participation_positions
from maillage.overlaps import pairs_at_threshold
from maillage.transversality import scheme_fields
from maillage.vocabularies import BOTH, VOCABULARIES

WHOLE_TERRITORY = "territoire"  # the id part of a finding about the whole territory


class Findings:
    """Lazy, per-model views shared by the rules (a model is immutable)."""

    def __init__(self, model: Model, today: date):
        self.model = model
        self.today = np.datetime64(today, "D")

    # ----- names and sets ------------------------------------------------------------------
    @property
    def territory_id(self) -> str:
        return self.model.scope or WHOLE_TERRITORY

    @cached_property
    def territory_name(self) -> str:
        scope = self.model.scope
        if scope is None:
            return "le territoire"
        return str(self.model.perimeters["nom"].get(scope, scope))

    @cached_property
    def of_territory(self) -> str:
        """« du territoire », « de « CC du Bocage » »: how a sentence says « of it »."""
        if self.model.scope is None:
            return "du territoire"
        return f"de «\u00a0{self.territory_name}\u00a0»"

    @cached_property
    def _names(self) -> tuple[dict, dict, dict]:
        model = self.model

        def names(frame) -> dict:
            return dict(zip(frame.index.tolist(), frame["nom"].astype(str).tolist(), strict=True))

        return names(model.schemes), names(model.actors), names(model.perimeters)

    def scheme_name(self, sid: str) -> str:
        return self._names[0].get(sid, sid)

    def actor_name(self, aid: str) -> str:
        return self._names[1].get(aid, aid)

    def perimeter_name(self, pid: str) -> str:
        return self._names[2].get(pid, pid)

    @cached_property
    def scheme_perimeter(self) -> dict[str, str]:
        schemes = self.model.schemes
        return dict(
            zip(schemes.index.tolist(), schemes["perimetre"].astype(str).tolist(), strict=True)
        )

    @cached_property
    def scheme_position(self) -> dict[str, int]:
        return {sid: i for i, sid in enumerate(self.model.schemes.index.tolist())}

    def rows_of(self, schemes: pd.Series) -> np.ndarray:
        """Positions in model.schemes of scheme ids (-1 when unknown), looked up by Arrow:
        15× faster than a pandas index on the 170 000 pairs of France."""
        found = pc.index_in(pa.array(schemes.astype("str")), value_set=self._scheme_values)
        return found.fill_null(-1).to_numpy().astype(np.int64)

    @cached_property
    def _scheme_values(self) -> pa.Array:
        return pa.array(self.model.schemes.index.astype("str"))

    @cached_property
    def scheme_id_order(self) -> np.ndarray:
        """Scheme positions in id order."""
        return np.argsort(self.scheme_ids.astype(str), kind="stable")

    @cached_property
    def scheme_id_rank(self) -> np.ndarray:
        """The rank of each scheme's id among the ids (position → rank)."""
        rank = np.empty(len(self.scheme_ids), dtype=np.int64)
        rank[self.scheme_id_order] = np.arange(len(self.scheme_ids))
        return rank

    @cached_property
    def scheme_sizes(self) -> np.ndarray:
        """Communes of each scheme in the territory, by position."""
        return np.diff(self.scheme_incidence.indptr)

    @cached_property
    def actor_ids(self) -> np.ndarray:
        return self.model.actors.index.to_numpy(dtype=object)

    @cached_property
    def scheme_ids(self) -> np.ndarray:
        return self.model.schemes.index.to_numpy(dtype=object)

    def common_themes(self, *schemes: str) -> list[str]:
        mask = -1
        for sid in schemes:
            mask &= int(self.scheme_themes[self.scheme_position[sid]])
        return theme_codes(mask)

    def scheme_communes(self, sid: str) -> frozenset[str]:
        return self.model.communes_of(self.scheme_perimeter[sid])

    @cached_property
    def territory_population(self) -> int:
        return int(self.commune_population.sum())

    @cached_property
    def commune_population(self) -> np.ndarray:
        """Population of each commune of the territory, in territory order (unknown: 0)."""
        return self.model.territory_population.clip(min=0)

    def population_at(self, positions: np.ndarray) -> int:
        return int(self.commune_population[positions].sum())

    def positions_of(self, codes) -> np.ndarray:
        """Sorted territory positions of commune codes (codes outside it are dropped)."""
        found = self.commune_positions.get_indexer(pd.Index(list(codes), dtype=object))
        return np.unique(found[found >= 0])

    def perimeter_positions(self, pid: str) -> np.ndarray:
        """Sorted territory positions of a perimeter's communes (none when unknown)."""
        j = self._perimeter_column.get(pid)
        if j is None:
            return np.zeros(0, dtype=np.int64)
        by_column = self._perimeter_columns
        return by_column.indices[by_column.indptr[j] : by_column.indptr[j + 1]]

    @cached_property
    def _perimeter_column(self) -> dict[str, int]:
        return {str(p): j for j, p in enumerate(self.model.incidence("perimeters")[2])}

    @cached_property
    def _perimeter_columns(self) -> sparse.csc_matrix:
        columns = sparse.csc_matrix(self.model.incidence("perimeters")[0])
        columns.sort_indices()
        return columns

    def scheme_positions(self, sid: str) -> np.ndarray:
        matrix = self.scheme_incidence
        j = self.scheme_position[sid]
        return matrix.indices[matrix.indptr[j] : matrix.indptr[j + 1]]

    def union_sizes(self, rows: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """For each row of a (k × schemes) 0/1 matrix: how many territory communes the union
        of its schemes' communes holds, and their population — one sparse product."""
        reached = sparse.csr_matrix(rows @ self.scheme_incidence.T)
        reached.data[:] = 1.0
        population = reached @ self.commune_population.astype(np.float64)
        return np.diff(reached.indptr), population.astype(np.int64)

    def union_positions(self, schemes) -> np.ndarray:
        parts = [self.scheme_positions(s) for s in schemes]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    @cached_property
    def commune_positions(self) -> pd.Index:
        return pd.Index(self.model.territory, dtype=object)

    # ----- overlaps and fields ---------------------------------------------------------------
    @cached_property
    def pairs(self) -> pd.DataFrame:
        return pairs_at_threshold(self.model)

    @cached_property
    def fields(self) -> pd.DataFrame:
        return scheme_fields(self.model)

    @cached_property
    def pilots(self) -> dict[str, tuple[str, ...]]:
        """Scheme id → its pilots (the `pilote` column and `pilote` participations), sorted."""
        actors, schemes, rows = participation_positions(self.model)
        role = self.model.participations["role"].to_numpy(dtype=object)[rows]
        actors, schemes = actors[role == "pilote"], schemes[role == "pilote"]
        if not len(actors):
            return {}
        actor_ids = self.actor_ids.astype(str)
        rank = np.empty(len(actor_ids), dtype=np.int64)
        rank[np.argsort(actor_ids, kind="stable")] = np.arange(len(actor_ids))
        order = np.lexsort((rank[actors], schemes))
        actors, schemes = actors[order], schemes[order]
        new = np.r_[True, (schemes[1:] != schemes[:-1]) | (actors[1:] != actors[:-1])]
        actors, schemes = actors[new], schemes[new]  # one scheme–pilot pair once
        starts = np.flatnonzero(np.r_[True, schemes[1:] != schemes[:-1]]).tolist()
        bounds = [*starts, len(schemes)]
        names = actor_ids[actors]
        return {
            str(self.scheme_ids[schemes[s]]): tuple(names[s:e].tolist())
            for s, e in itertools.pairwise(bounds)
        }

    def pilots_of(self, *schemes: str) -> tuple[str, ...]:
        pilots = self.pilots
        found: set[str] = set()
        for sid in schemes:
            found.update(pilots.get(sid, ()))
        return tuple(sorted(found))

    # ----- calendars -------------------------------------------------------------------------
    def remaining_days(self, *schemes: str) -> int | None:
        """Days of the common calendar of `schemes` still to run from `today` (ends included),
        0 when it is over, None when a date is missing."""
        rows = [self.scheme_position[s] for s in schemes]
        start, end = self._dates[0][rows], self._dates[1][rows]
        if np.isnat(start).any() or np.isnat(end).any():
            return None
        first = max(start.max(), self.today)
        return max(int((end.min() - first).astype(np.int64)) + 1, 0)

    @cached_property
    def _dates(self) -> tuple[np.ndarray, np.ndarray]:
        schemes = self.model.schemes
        return (
            schemes["debut"].to_numpy(dtype="datetime64[D]"),
            schemes["fin"].to_numpy(dtype="datetime64[D]"),
        )

    def pairs_remaining(self, a: pd.Series, b: pd.Series) -> list[int | None]:
        """`remaining_days(a, b)` for many pairs at once."""
        rows_a = np.array([self.scheme_position[x] for x in a], dtype=np.int64)
        rows_b = np.array([self.scheme_position[x] for x in b], dtype=np.int64)
        start, end = self._dates
        first = np.maximum(np.maximum(start[rows_a], start[rows_b]), self.today)
        last = np.minimum(end[rows_a], end[rows_b])
        unknown = (
            np.isnat(start[rows_a])
            | np.isnat(start[rows_b])
            | np.isnat(end[rows_a])
            | np.isnat(end[rows_b])
        )
        days = ((last - first).astype("timedelta64[D]").astype(np.int64) + 1).clip(min=0)
        return [None if u else int(d) for u, d in zip(unknown.tolist(), days.tolist(), strict=True)]

    @cached_property
    def blockage_incidence(self) -> sparse.csr_matrix:
        """Open blockage × commune 0/1: the communes of each open blockage's territory."""
        perimeters, _, items = self.model.incidence("perimeters")
        where = positions(
            pd.Index(items, dtype=object), self.open_blockages["territoire"].astype(object)
        )
        rows = np.flatnonzero(where >= 0)
        chosen = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, where[rows])), shape=(len(self.open_blockages), len(items))
        )
        return sparse.csr_matrix(chosen @ perimeters.T.astype(np.float64))

    # ----- who acts where --------------------------------------------------------------------
    @cached_property
    def participation(self) -> sparse.csr_matrix:
        """Actor × scheme 0/1 matrix (rows model.actors, columns model.schemes)."""
        actors, schemes, _ = participation_positions(self.model)
        matrix = sparse.csr_matrix(
            (np.ones(len(actors)), (actors, schemes)),
            shape=(len(self.model.actors), len(self.model.schemes)),
        )
        matrix.data[:] = 1.0
        return matrix

    @cached_property
    def scheme_incidence(self) -> sparse.csc_matrix:
        """Commune × scheme 0/1, columns in model.schemes order, rows in territory order."""
        matrix, _, items = self.model.incidence("schemes")
        order = pd.Index(items, dtype=object).get_indexer(
            self.model.schemes.index.to_numpy(dtype=object)
        )
        matrix = matrix[:, order].astype(np.float64).tocsc()
        matrix.sort_indices()
        return matrix

    @cached_property
    def actor_communes(self) -> sparse.csr_matrix:
        """Actor × commune 0/1: the communes each actor acts on (seat, ressort, the perimeters
        of its schemes), restricted to the territory."""
        model = self.model
        actors = model.actors
        count, width = len(actors), len(self.commune_positions)
        seat = positions(self.commune_positions, actors["commune"])
        rows = np.flatnonzero(seat >= 0)
        seats = sparse.csr_matrix((np.ones(len(rows)), (rows, seat[rows])), shape=(count, width))
        perimeters, _, items = model.incidence("perimeters")
        ressort = positions(pd.Index(items, dtype=object), actors["ressort"])
        rows = np.flatnonzero(ressort >= 0)
        chosen = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, ressort[rows])), shape=(count, len(items))
        )
        acting = seats + chosen @ perimeters.T.astype(np.float64)
        acting = acting + self.participation @ self.scheme_incidence.T
        acting = sparse.csr_matrix(acting)
        acting.data[:] = 1.0
        return acting

    def actors_of_field(self, field: str) -> np.ndarray:
        """Positions of the actors that bring `field` (`les_deux` brings both)."""
        champ = self.model.actors["champ"].astype(object).to_numpy()
        return np.flatnonzero((champ == field) | (champ == BOTH))

    @cached_property
    def actor_themes(self) -> np.ndarray:
        return theme_masks(self.model.actors["thematiques"])

    @cached_property
    def scheme_themes(self) -> np.ndarray:
        return theme_masks(self.model.schemes["thematiques"])

    # ----- blockages -------------------------------------------------------------------------
    @cached_property
    def open_blockages(self) -> pd.DataFrame:
        """Blockages still open or in progress: id index; categorie, levier, territoire."""
        blockages = self.model.blockages
        status = blockages["statut"].fillna(OPEN)
        territory = blockage_territories(self.model)
        table = pd.DataFrame(
            {
                "categorie": blockages["categorie"],
                "levier": blockages["levier"],
                "territoire": territory,
            },
            index=blockages.index,
        )
        table = table[(status != LIFTED).to_numpy()]
        return table


def theme_masks(cells: pd.Series) -> np.ndarray:
    """One int64 per row: bit i set when the row lists the i-th theme code (sorted)."""
    codes = sorted(VOCABULARIES["theme"])
    items = list_items(cells.set_axis(np.arange(len(cells))))
    column = positions(pd.Index(codes, dtype=object), items)
    keep = column >= 0
    masks = np.zeros(len(cells), dtype=np.int64)
    np.bitwise_or.at(masks, items.index.to_numpy()[keep], np.left_shift(1, column[keep]))
    return masks


def theme_codes(mask: int) -> list[str]:
    codes = sorted(VOCABULARIES["theme"])
    return [code for i, code in enumerate(codes) if int(mask) >> i & 1]
