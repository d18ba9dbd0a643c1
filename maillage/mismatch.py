"""Mismatch of "ressorts territoriaux": how the borders of two kinds of perimeters disagree.

Professionals cannot tell who covers whom when EPCI, circonscriptions d’action sociale, CAF
and MSA territories each draw their own map (AdCF, 2015, quoted by Cap Rural, 2023). For two
perimeter types X and Y (SPEC §3) this module says which X are split between several Y, how
many people live in them, which communes X covers and Y does not, and — when both types
partition their communes — how far the two maps agree as clusterings of the same communes:
adjusted Rand index (Hubert & Arabie 1985) and homogeneity, completeness and V-measure
(Rosenberg & Hirschberg 2007, as used for regionalizations by Nowosad & Stepinski 2018),
X as classes and Y as clusters.

Everything comes from one sparse product: the contingency table Xᵀ·W·Y of the commune x
perimeter incidence matrix, W being 1 (communes) or the population of each commune.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.columns import as_dict, is_in
from maillage.model import Model
from maillage.vocabularies import PARTITIONING_PERIMETER_TYPES

Weight = Literal["communes", "population"]
WEIGHTS: tuple[str, ...] = ("communes", "population")


@dataclass(frozen=True, eq=False)  # DataFrames and matrices: compare by identity
class MismatchResult:
    x_type: str
    y_type: str
    weight: str
    x_ids: list[str]
    y_ids: list[str]
    split_rate: float | None  # share of X perimeters meeting ≥ 2 Y; None without X
    split_population: int  # population of the communes of split X perimeters
    x_population: int  # population of the communes covered by X
    uncovered_communes: list[str]  # communes of X covered by no Y, sorted
    x_duplicate_communes: list[str]  # communes in ≥ 2 X: X does not partition them
    y_duplicate_communes: list[str]
    common_communes: int  # communes covered by both types
    adjusted_rand: float | None  # None unless both types partition their communes
    homogeneity: float | None
    completeness: float | None
    v_measure: float | None
    rows: pd.DataFrame  # one row per X perimeter, see `_rows`
    names: dict[str, str]  # nom of every X and Y perimeter, for labels
    table: sparse.csr_matrix = field(repr=False)  # X x Y, weighted

    @property
    def split_count(self) -> int:
        return int((self.rows["y_count"] >= 2).sum())

    @property
    def split_population_share(self) -> float | None:
        return self.split_population / self.x_population if self.x_population else None

    @property
    def partitions(self) -> bool:
        return self.adjusted_rand is not None

    @cached_property
    def contingency(self) -> pd.DataFrame:
        """X rows x Y columns: communes (or inhabitants) of each x inside each y."""
        return pd.DataFrame(
            self.table.toarray(),
            index=pd.Index(self.x_ids, name="x"),
            columns=pd.Index(self.y_ids, name="y"),
        )

    def as_json(self) -> dict:
        """SPEC §4, plus the weight, the counts and the duplicates that explain a null metric."""
        return {
            "x_type": self.x_type,
            "y_type": self.y_type,
            "weight": self.weight,
            "split_rate": self.split_rate,
            "split_population": self.split_population,
            "split_population_share": self.split_population_share,
            "uncovered_communes": self.uncovered_communes,
            "adjusted_rand": self.adjusted_rand,
            "homogeneity": self.homogeneity,
            "completeness": self.completeness,
            "v_measure": self.v_measure,
            "x_count": len(self.x_ids),
            "y_count": len(self.y_ids),
            "split_count": self.split_count,
            "common_communes": self.common_communes,
            "x_duplicate_communes": self.x_duplicate_communes,
            "y_duplicate_communes": self.y_duplicate_communes,
            "rows": [
                {
                    "x": r.x,
                    "y_count": int(r.y_count),
                    "y_ids": list(r.y_ids),
                    "dominant_share": r.dominant_share,
                    "communes": int(r.communes),
                    "population": int(r.population),
                    "uncovered": int(r.uncovered),
                }
                for r in self.rows.itertuples(index=False)
            ],
        }


def mismatch(model: Model, x_type: str, y_type: str, weight: Weight = "communes") -> MismatchResult:
    """How the perimeters of type `x_type` are cut by those of type `y_type` (SPEC §3)."""
    if weight not in WEIGHTS:
        raise ValueError(f"unknown weight: {weight!r} (expected one of {WEIGHTS})")
    matrix, communes, items = model.incidence("perimeters")
    types = model.perimeters["type"].reindex(items).to_numpy()
    x_cols = np.flatnonzero(types == x_type)
    y_cols = np.flatnonzero(types == y_type)
    x_ids = [items[i] for i in x_cols]
    y_ids = [items[j] for j in y_cols]
    matrix = matrix.tocsc()
    in_x, in_y = matrix[:, x_cols].tocsr(), matrix[:, y_cols].tocsr()
    population = model.communes["population"].reindex(communes).fillna(0).to_numpy(dtype=np.int64)
    weights = np.ones(len(communes), dtype=np.int64) if weight == "communes" else population

    x_depth = np.asarray(in_x.sum(axis=1)).ravel()  # how many X hold each commune
    y_depth = np.asarray(in_y.sum(axis=1)).ravel()
    # int64 products: a population table sums at most the French population, far below 2⁶³
    x_t = in_x.T.astype(np.int64).tocsr()
    table = (x_t @ sparse.csr_matrix(in_y.multiply(weights[:, None]), dtype=np.int64)).tocsr()
    counts = (x_t @ in_y.astype(np.int64)).tocsr()  # communes per cell, whatever the weight
    names = as_dict(model.perimeters["nom"])
    rows = _rows(names, x_ids, y_ids, in_x, y_depth, table, counts, weights, population)

    split = rows["y_count"].to_numpy() >= 2
    split_communes = np.asarray(in_x[:, np.flatnonzero(split)].sum(axis=1)).ravel() > 0
    codes = np.asarray(communes, dtype=object)
    both = (x_depth > 0) & (y_depth > 0)
    partitions = bool(x_ids) and bool(y_ids) and (x_depth <= 1).all() and (y_depth <= 1).all()
    metrics = _metrics(table) if partitions and table.sum() > 0 else (None,) * 4
    return MismatchResult(
        x_type=x_type,
        y_type=y_type,
        weight=weight,
        x_ids=x_ids,
        y_ids=y_ids,
        split_rate=float(split.mean()) if x_ids else None,
        split_population=int(population[split_communes].sum()),
        x_population=int(population[x_depth > 0].sum()),
        uncovered_communes=sorted(codes[(x_depth > 0) & (y_depth == 0)]),
        x_duplicate_communes=sorted(codes[x_depth >= 2]),
        y_duplicate_communes=sorted(codes[y_depth >= 2]),
        common_communes=int(both.sum()),
        adjusted_rand=metrics[0],
        homogeneity=metrics[1],
        completeness=metrics[2],
        v_measure=metrics[3],
        rows=rows,
        table=table,
        names={p: str(names[p]) for p in (*x_ids, *y_ids)},
    )


def _rows(
    names: dict[str, str],
    x_ids: list[str],
    y_ids: list[str],
    in_x: sparse.csr_matrix,
    y_depth: np.ndarray,
    table: sparse.csr_matrix,
    counts: sparse.csr_matrix,
    weights: np.ndarray,
    population: np.ndarray,
) -> pd.DataFrame:
    """One row per x: the y it meets, its dominant share, and its pieces (one per y met)."""
    in_x_csc = in_x.tocsc()
    totals = in_x_csc.T @ weights  # communes or inhabitants of each x
    x_communes = np.diff(in_x_csc.indptr)
    x_population = in_x_csc.T @ population
    uncovered = in_x_csc.T @ (y_depth == 0).astype(np.int64)
    uncovered_population = in_x_csc.T @ np.where(y_depth == 0, population, 0)
    cells = counts.tocoo()  # every (x, y) sharing ≥ 1 commune, whatever the weight
    xi, yj, n = cells.row, cells.col, cells.data.astype(np.int64)
    value = np.asarray(table[xi, yj]).ravel().astype(np.int64) if len(xi) else n
    total = totals[xi].astype(np.float64)
    share = np.divide(value, total, out=np.full(len(xi), np.nan), where=total > 0)
    y_rank = np.argsort(np.argsort(np.asarray(y_ids, dtype=object)))
    order = np.lexsort((y_rank[yj], -n, -np.nan_to_num(share), xi))  # largest piece first
    pieces: list[list[dict]] = [[] for _ in x_ids]
    for i, j, k, v, sh in zip(
        xi[order].tolist(),
        yj[order].tolist(),
        n[order].tolist(),
        value[order].tolist(),
        share[order].tolist(),
        strict=True,
    ):
        pieces[i].append(
            {
                "y": y_ids[j],
                "nom": names.get(y_ids[j]),
                "communes": k,
                "weight": v,
                "share": None if np.isnan(sh) else sh,
            }
        )
    records = [
        {
            "x": x,
            "nom": names.get(x),
            "y_count": len(parts),
            "y_ids": sorted(p["y"] for p in parts),
            "dominant_share": (parts[0]["share"] if parts else 0.0) if totals[i] else None,
            "dominant_y": parts[0]["y"] if parts else None,
            "communes": int(x_communes[i]),
            "population": int(x_population[i]),
            "uncovered": int(uncovered[i]),
            "uncovered_population": int(uncovered_population[i]),
            "pieces": parts,
        }
        for i, (x, parts) in enumerate(zip(x_ids, pieces, strict=True))
    ]
    columns = [
        "x",
        "nom",
        "y_count",
        "y_ids",
        "dominant_share",
        "dominant_y",
        "communes",
        "population",
        "uncovered",
        "uncovered_population",
        "pieces",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def _metrics(table: sparse.csr_matrix) -> tuple[float, float, float, float]:
    """ARI, homogeneity, completeness, V-measure of a contingency table (X classes, Y clusters).

    Cells are item counts (communes or inhabitants). The pair counts use Python integers,
    exact for any population; the entropies use float64 over the non-empty cells only.
    """
    cells = [int(v) for v in table.data if v]
    rows = [int(v) for v in np.asarray(table.sum(axis=1)).ravel() if v]
    cols = [int(v) for v in np.asarray(table.sum(axis=0)).ravel() if v]
    n = sum(cells)
    return (_adjusted_rand(cells, rows, cols, n), *_v_measure(table, rows, cols, n))


def _pairs(values: list[int]) -> int:
    return sum(v * (v - 1) // 2 for v in values)


def _adjusted_rand(cells: list[int], rows: list[int], cols: list[int], n: int) -> float:
    """Hubert & Arabie's ARI; 1.0 when both sides are one block or all singletons (as sklearn)."""
    index, a, b, total = _pairs(cells), _pairs(rows), _pairs(cols), _pairs([n])
    if total == 0:
        return 1.0
    expected = a * b / total
    maximum = (a + b) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def _v_measure(
    table: sparse.csr_matrix, rows: list[int], cols: list[int], n: int
) -> tuple[float, float, float]:
    """Rosenberg & Hirschberg: h = 1 - H(X|Y)/H(X), c = 1 - H(Y|X)/H(Y), V their harmonic mean."""
    coo = table.tocoo()
    keep = coo.data > 0
    cell = coo.data[keep].astype(np.float64)
    row_sum = np.asarray(table.sum(axis=1), dtype=np.float64).ravel()[coo.row[keep]]
    col_sum = np.asarray(table.sum(axis=0), dtype=np.float64).ravel()[coo.col[keep]]
    h_x, h_y = _entropy(rows, n), _entropy(cols, n)
    h_x_given_y = -float(np.sum(cell / n * np.log(cell / col_sum)))
    h_y_given_x = -float(np.sum(cell / n * np.log(cell / row_sum)))
    homogeneity = 1.0 if h_x == 0 else 1.0 - h_x_given_y / h_x
    completeness = 1.0 if h_y == 0 else 1.0 - h_y_given_x / h_y
    total = homogeneity + completeness
    v = 0.0 if total == 0 else 2 * homogeneity * completeness / total
    return homogeneity, completeness, v


def _entropy(sizes: list[int], n: int) -> float:
    p = np.asarray(sizes, dtype=np.float64) / n
    return float(-np.sum(p * np.log(p)))


def duplicate_coverage(model: Model) -> dict[str, list[str]]:
    """For each partitioning type present, the communes in ≥ 2 of its perimeters (SPEC §3)."""
    types = model.perimeters["type"]
    present = [t for t in PARTITIONING_PERIMETER_TYPES if t in set(types)]
    pairs = model.membership.assign(type=model.membership["perimeter"].map(types))
    pairs = pairs[is_in(pairs["type"], present)].drop_duplicates(["type", "perimeter", "commune"])
    depth = pairs.groupby(["type", "commune"]).size()
    doubled = depth[depth >= 2].reset_index()
    found = doubled.groupby("type")["commune"].agg(sorted).to_dict()
    return {t: list(found.get(t, [])) for t in present}
