"""What every rule reads, computed once per model from the indicators already there.

No rule recomputes an overlap or a betweenness: pairs come from
`overlaps.pairs_at_threshold`, fields from `transversality.scheme_fields`, betweenness from
`network.network_measures`, blank communes from `coverage.blank_communes`. What is new here
is only the matrix of the communes each actor acts on — its seat, its `ressort` and the
perimeters of the schemes it takes part in (SPEC §3.2, `ouvrir_a_l_autre_champ`) — kept
sparse so that a France-scale workbook costs a few products, not a loop over actors.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.blockages import LIFTED, OPEN, blockage_territories
from maillage.columns import list_items
from maillage.model import Model
from maillage.network import participation_positions, positions
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
    def _names(self) -> tuple[dict, dict, dict]:
        model = self.model
        return tuple(dict(zip(frame.index.tolist(), frame["nom"].astype(str).tolist(),
                              strict=True))
                     for frame in (model.schemes, model.actors, model.perimeters))

    def scheme_name(self, sid: str) -> str:
        return self._names[0].get(sid, sid)

    def actor_name(self, aid: str) -> str:
        return self._names[1].get(aid, aid)

    def perimeter_name(self, pid: str) -> str:
        return self._names[2].get(pid, pid)

    @cached_property
    def scheme_perimeter(self) -> dict[str, str]:
        schemes = self.model.schemes
        return dict(zip(schemes.index.tolist(), schemes["perimetre"].astype(str).tolist(),
                        strict=True))

    @cached_property
    def scheme_position(self) -> dict[str, int]:
        return {sid: i for i, sid in enumerate(self.model.schemes.index.tolist())}

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
        return self.model.population(self.model.territory)

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
        participations = self.model.participations
        pilots = participations[participations["role"] == "pilote"]
        pilots = pilots[pilots["acteur"].isin(self.model.actors.index)]
        grouped = pilots.groupby("dispositif")["acteur"]
        return {str(s): tuple(sorted(set(a))) for s, a in grouped}

    def pilots_of(self, *schemes: str) -> tuple[str, ...]:
        return tuple(sorted({a for s in schemes for a in self.pilots.get(s, ())}))

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
        return (schemes["debut"].to_numpy(dtype="datetime64[D]"),
                schemes["fin"].to_numpy(dtype="datetime64[D]"))

    # ----- who acts where --------------------------------------------------------------------
    @cached_property
    def participation(self) -> sparse.csr_matrix:
        """Actor × scheme 0/1 matrix (rows model.actors, columns model.schemes)."""
        actors, schemes, _ = participation_positions(self.model)
        matrix = sparse.csr_matrix((np.ones(len(actors)), (actors, schemes)),
                                   shape=(len(self.model.actors), len(self.model.schemes)))
        matrix.data[:] = 1.0
        return matrix

    @cached_property
    def scheme_incidence(self) -> sparse.csc_matrix:
        """Commune × scheme 0/1, columns in model.schemes order, rows in territory order."""
        matrix, _, items = self.model.incidence("schemes")
        order = pd.Index(items, dtype=object).get_indexer(
            self.model.schemes.index.to_numpy(dtype=object))
        return matrix[:, order].astype(np.float64).tocsc()

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
        chosen = sparse.csr_matrix((np.ones(len(rows)), (rows, ressort[rows])),
                                   shape=(count, len(items)))
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
        """Blockages still open or in progress: id index; categorie, levier, territoire and
        the communes of that territory (empty when it names none)."""
        blockages = self.model.blockages
        status = blockages["statut"].fillna(OPEN)
        territory = blockage_territories(self.model)
        table = pd.DataFrame({"categorie": blockages["categorie"], "levier": blockages["levier"],
                              "territoire": territory}, index=blockages.index)
        table = table[(status != LIFTED).to_numpy()]
        table["communes"] = [self.model.communes_of(t) if t else frozenset()
                             for t in table["territoire"]]
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
