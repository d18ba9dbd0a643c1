"""The territory as the indicators see it: perimeters as sets of communes, and the rest.

Built from the cleaned tables of a published version and the reference of communes. The
commune × perimeter incidence matrix is the core of every indicator: overlaps and mismatches
are set algebra on it (scipy.sparse), never loops over pairs and never polygons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, wraps
from typing import TypeVar, cast

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.bidi import neutralise_bidi_columns
from maillage.columns import is_in, list_items, positions
from maillage.reference import Reference, load_reference
from maillage.schema import LIST_SEPARATOR
from maillage.vocabularies import BOTH, SCHEME_SECTOR

EMPTY_TABLES = {
    "participations": ["dispositif", "acteur", "role", "stade_entree", "nature"],
    "blocages": [
        "id",
        "categorie",
        "sous_categorie",
        "description",
        "territoire",
        "dispositif",
        "date",
        "source",
        "statut",
        "levier",
    ],
}


@dataclass(frozen=True, eq=False)
class Model:
    communes: pd.DataFrame  # index code: nom, population, latitude, longitude, epci, departement
    actors: pd.DataFrame  # index id
    perimeters: pd.DataFrame  # index id: nom, type
    membership: pd.DataFrame  # perimeter, commune (one row per pair, composition expanded)
    schemes: pd.DataFrame  # index id; + sector
    participations: pd.DataFrame  # dispositif, acteur, role, stade_entree, nature (pilote incl.)
    blockages: pd.DataFrame  # index id
    scope: str | None = None  # perimeter id the model is restricted to
    extra: Mapping[str, object] = field(default_factory=dict)

    @cached_property
    def memo(self) -> dict[object, object]:
        """Results derived from this immutable model, which live and die with it (a module-level
        cache keyed weakly on the model would keep alive any result that refers back to it).
        Not pickled: what is derived is derived again."""
        return {}

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "memo"}

    # ----- sets of communes ---------------------------------------------------------------
    @cached_property
    def perimeter_communes(self) -> dict[str, frozenset[str]]:
        grouped = self.membership.groupby("perimeter", observed=True)["commune"]
        sets = {pid: frozenset(codes) for pid, codes in grouped}
        return {pid: sets.get(pid, frozenset()) for pid in self.perimeters.index}

    def communes_of(self, perimeter: str) -> frozenset[str]:
        return self.perimeter_communes.get(perimeter, frozenset())

    @cached_property
    def territory(self) -> list[str]:
        """T: the union of all perimeters, sorted."""
        return sorted(self.membership["commune"].unique())

    def population(self, codes: Iterable[str]) -> int:
        """pop(S): summed population of the communes `codes` (unknown counts 0)."""
        known = self._populations
        if isinstance(codes, pd.api.extensions.ExtensionArray | pd.Series | pd.Index):
            codes = codes.to_numpy(dtype=object)  # iterating Arrow strings is 10× slower
        return sum(known.get(code, 0) for code in codes)

    @cached_property
    def territory_population(self) -> np.ndarray:
        """Population of each commune of T, in T's order (unknown: 0)."""
        population = self.communes["population"].reindex(self.territory)
        return population.fillna(0).to_numpy(dtype=np.int64)

    @cached_property
    def _populations(self) -> dict[str, int]:
        population = self.communes["population"].dropna()
        return dict(zip(population.index, population.astype(int).tolist(), strict=True))

    @cached_property
    def scheme_communes(self) -> pd.DataFrame:
        """scheme, commune: C(d) = C(perimetre(d)), one row per pair."""
        links = self.schemes[["perimetre"]].rename_axis("scheme").reset_index()
        merged = links.merge(self.membership, left_on="perimetre", right_on="perimeter")
        return merged[["scheme", "commune"]]

    def incidence(self, kind: str = "schemes") -> tuple[sparse.csr_matrix, list[str], list[str]]:
        """Boolean commune × (scheme|perimeter) matrix with its row and column labels.

        Built once per model: overlaps, mismatch and coverage all start from it."""
        return self._scheme_incidence if kind == "schemes" else self._perimeter_incidence

    @cached_property
    def _scheme_incidence(self) -> tuple[sparse.csr_matrix, list[str], list[str]]:
        """C(d) = C(perimetre(d)): the columns of the perimeter matrix, one per scheme (an
        empty one when its perimeter is unknown) — a column copy, not a lookup per link."""
        matrix, rows, perimeters = self._perimeter_incidence
        at = pd.Index(perimeters, dtype=object).get_indexer(
            self.schemes["perimetre"].to_numpy(dtype=object)
        )
        columns = matrix.tocsc()[:, np.maximum(at, 0)]
        if (at < 0).any():
            columns = columns @ sparse.diags((at >= 0).astype(np.int32), format="csc")
            columns.eliminate_zeros()
        return sparse.csr_matrix(columns), rows, list(self.schemes.index)

    @cached_property
    def _perimeter_incidence(self) -> tuple[sparse.csr_matrix, list[str], list[str]]:
        pairs = self.membership
        return _incidence(
            pairs["commune"], pairs["perimeter"], self.territory, self.perimeters.index
        )

    @cached_property
    def participation_positions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(actor positions, scheme positions, participation row numbers) of the
        participations whose actor and scheme are both in the model."""
        participations = self.participations
        actors = positions(self.actors.index, participations["acteur"])
        schemes = positions(self.schemes.index, participations["dispositif"])
        rows = np.flatnonzero((actors >= 0) & (schemes >= 0))
        return actors[rows], schemes[rows], rows

    # ----- restriction ---------------------------------------------------------------------
    def restrict(
        self, perimeter: str | None = None, scheme_types: Iterable[str] | None = None
    ) -> Model:
        """The same model seen from one sub-territory and/or some scheme types only.

        Every perimeter is cut to the communes of `perimeter`; schemes, actors,
        participations and blockages are kept by the rules of `maillage.scope`, so nothing
        outside the scope can leak.
        """
        model = self
        if perimeter is not None:
            model = model._restrict_to(perimeter)
        if scheme_types is not None:
            types = set(scheme_types)
            schemes = model.schemes[is_in(model.schemes["type"], types)]
            model = replace(
                model,
                schemes=schemes,
                participations=model.participations[
                    is_in(model.participations["dispositif"], schemes.index)
                ],
            )
        return model

    def _restrict_to(self, perimeter: str) -> Model:
        from maillage.scope import restrict_to  # the rules of scope live in one module

        return restrict_to(self, perimeter)


Derived = TypeVar("Derived")


def once_per_model(compute: Callable[[Model], Derived]) -> Callable[[Model], Derived]:
    """`compute(model)` kept in `model.memo`: what the indicators, the proposals and the
    comparison of two versions all read is derived once per model. The result is shared
    between its readers: never change it in place."""
    key = ("once per model", compute.__module__, compute.__qualname__)

    @wraps(compute)
    def once(model: Model) -> Derived:
        if key not in model.memo:
            model.memo[key] = compute(model)
        return cast(Derived, model.memo[key])

    return once


def _incidence(communes: pd.Series, items: pd.Series, rows: list[str], columns: pd.Index):
    """Sparse 0/1 matrix; positions looked up on object arrays (Arrow-backed lookups are slow)."""
    row = pd.Index(rows, dtype=object).get_indexer(communes.to_numpy(dtype=object))
    col = pd.Index(columns, dtype=object).get_indexer(items.to_numpy(dtype=object))
    keep = (row >= 0) & (col >= 0)
    data = np.ones(int(keep.sum()), dtype=np.int32)
    matrix = sparse.csr_matrix((data, (row[keep], col[keep])), shape=(len(rows), len(columns)))
    matrix.data[:] = 1
    return matrix, list(rows), list(columns)


def build_model(tables: Mapping[str, pd.DataFrame], reference: Reference | None = None) -> Model:
    """Expand perimeters into communes and gather what the indicators need."""
    reference = reference or load_reference()
    communes = _communes(reference, tables.get("communes"))
    perimeters = tables["perimetres"].set_index("id")
    membership = _membership(perimeters, tables.get("perimetre_communes"), reference, communes)
    schemes = tables["dispositifs"].set_index("id")
    sector = schemes["type"].map(SCHEME_SECTOR)
    schemes = schemes.assign(sector=sector.fillna(schemes["secteur"]))
    actors = _actors(tables["acteurs"].set_index("id"), communes)
    return Model(
        communes=neutralise_bidi_columns(communes, ["nom"]),
        actors=neutralise_bidi_columns(actors, _free_text(actors, ACTOR_CODES)),
        perimeters=neutralise_bidi_columns(perimeters[["nom", "type"]], ["nom"]),
        membership=membership,
        schemes=neutralise_bidi_columns(schemes, _free_text(schemes, SCHEME_CODES)),
        participations=_participations(schemes, tables.get("participations")),
        blockages=neutralise_bidi_columns(
            _table(tables, "blocages").set_index("id"), ["sous_categorie", "description", "source"]
        ),
    )


# Columns holding codes or ids (kept byte for byte: other rows refer to them); every other
# text column of actors and schemes is free text, shown without its bidi controls.
ACTOR_CODES = {"categorie", "forme", "champ", "commune", "ressort", "echelle", "thematiques"}
SCHEME_CODES = {"type", "perimetre", "pilote", "stade", "thematiques", "secteur", "sector"}


def _free_text(frame: pd.DataFrame, codes: set[str]) -> list[str]:
    return [c for c in frame.columns if c not in codes]


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    if name in tables:
        return tables[name]
    return pd.DataFrame({c: pd.Series(dtype="str") for c in EMPTY_TABLES[name]})


def _communes(reference: Reference, overrides: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["nom", "population", "latitude", "longitude", "epci", "departement"]
    communes = reference.communes[columns].copy()
    if overrides is not None and len(overrides):
        local = overrides.drop_duplicates("code").set_index("code")[columns]
        known = local.index.intersection(communes.index)
        merged = local.loc[known].combine_first(communes.loc[known])
        communes = pd.concat([communes.drop(known), merged, local.drop(known)])
    return communes


def _expand_items(cells: pd.Series, reference: Reference, communes: pd.DataFrame) -> pd.DataFrame:
    """perimeter id → ;-list of codes / epci:SIREN / dep:CODE, as (perimeter, commune) rows."""
    items = list_items(cells).rename("item")
    items = items.rename_axis("perimeter").reset_index()
    prefix = items["item"].str.extract(r"^(epci|dep):(.+)$")
    plain = items[prefix[0].isna()].rename(columns={"item": "commune"})
    by_epci = communes["epci"].dropna().rename_axis("commune").reset_index()
    by_dep = communes["departement"].dropna().rename_axis("commune").reset_index()
    epci = items[prefix[0] == "epci"].assign(epci=prefix[1]).merge(by_epci, on="epci")
    dep = items[prefix[0] == "dep"].assign(departement=prefix[1]).merge(by_dep, on="departement")
    return pd.concat(
        [
            plain[["perimeter", "commune"]],
            epci[["perimeter", "commune"]],
            dep[["perimeter", "commune"]],
        ],
        ignore_index=True,
    )


def _membership(
    perimeters: pd.DataFrame,
    listed: pd.DataFrame | None,
    reference: Reference,
    communes: pd.DataFrame,
) -> pd.DataFrame:
    direct = _expand_items(perimeters["communes"], reference, communes)
    if listed is not None:
        extra = listed.rename(columns={"perimetre": "perimeter"})[["perimeter", "commune"]]
        direct = pd.concat([direct, extra], ignore_index=True)
    composition = perimeters["composition"].dropna().str.split(LIST_SEPARATOR).to_dict()
    if not composition:
        return direct.drop_duplicates().sort_values(["perimeter", "commune"]).reset_index(drop=True)
    pairs = direct.astype(object)  # iterating Arrow-backed strings is 10× slower
    sets = {pid: set(codes) for pid, codes in pairs.groupby("perimeter")["commune"]}
    resolved: dict[str, set[str]] = {}

    def expand(pid: str, path: frozenset = frozenset()) -> set[str]:
        if pid not in resolved:
            result = set(sets.get(pid, ()))
            for child in composition.get(pid, []):
                if child not in path:  # validation refuses cycles; stay finite regardless
                    result |= expand(child, path | {pid})
            resolved[pid] = result
        return resolved[pid]

    rows = [(pid, code) for pid in perimeters.index for code in expand(pid)]
    membership = pd.DataFrame(rows, columns=["perimeter", "commune"])
    return membership.sort_values(["perimeter", "commune"]).reset_index(drop=True)


def _actors(actors: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Actors located at their coordinates, else at their commune's representative point."""
    seat = communes.reindex(actors["commune"])
    latitude = actors["latitude"].fillna(pd.Series(seat["latitude"].to_numpy(), actors.index))
    longitude = actors["longitude"].fillna(pd.Series(seat["longitude"].to_numpy(), actors.index))
    return actors.assign(latitude=latitude, longitude=longitude)


def _participations(schemes: pd.DataFrame, listed: pd.DataFrame | None) -> pd.DataFrame:
    """Listed participations plus one `pilote` row per scheme's pilote (SPEC §2)."""
    columns = EMPTY_TABLES["participations"]
    pilots = schemes["pilote"].dropna().rename("acteur").rename_axis("dispositif").reset_index()
    pilots = pilots.assign(role="pilote", stade_entree=pd.NA, nature=pd.NA)
    frames = [pilots[columns]]
    if listed is not None and len(listed):
        frames.insert(0, listed[columns])
    participations = pd.concat(frames, ignore_index=True)
    return participations.drop_duplicates(["dispositif", "acteur", "role"]).reset_index(drop=True)


def fields_of(field_code: str | None) -> set[str]:
    """`les_deux` counts for both fields."""
    if field_code == BOTH:
        return {"social", "developpement_local"}
    return {field_code} if field_code else set()
