"""Schemes that cover the same communes: overlaps, pooling candidates, calendars (SPEC §3).

Every pair is found at once with set algebra on the sparse commune × scheme incidence
matrix: `Mᵀ·M` counts the shared communes of all pairs, never a Python loop over pairs (at
France scale, 15,000 schemes make 112 million pairs; a naive loop takes minutes). Shared
population rides in the same product (see `_shared`), and the per-pair attributes (actors,
themes, calendars, diagnostics) are read only on the pairs that share at least one commune.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.columns import is_in, list_items
from maillage.formats import format_number, format_share
from maillage.model import Model
from maillage.schema import LIST_SEPARATOR
from maillage.texts import label
from maillage.vocabularies import VOCABULARIES

THRESHOLD = 0.5  # SPEC §3: "side by side, not crossing" and "pooling candidates"
DIAGNOSTIC_YEARS = 2  # two diagnostics this close on the same communes: one was enough
FLAGS = {  # flag column of `flagged_pairs`: its French name on the page
    "side_by_side_not_crossing": "Se côtoient sans se croiser",
    "pooling_candidate": "Candidats à la mutualisation",
    "duplicate_diagnostic": "Diagnostic en double",
    "duplicate_governance": "Instances en double",
}

COLUMNS = {
    "a": "str",
    "b": "str",
    "overlap": "float64",
    "shared_communes": "int64",
    "shared_population": "int64",
    "shared_days": "Int64",
    "common_actors": "int64",
    "common_themes": "int64",
    "size_a": "int64",
    "size_b": "int64",
    "pooling_candidate": "bool",
    "side_by_side_not_crossing": "bool",
}


def overlaps(model: Model, min_overlap: float = 0.0) -> pd.DataFrame:
    """One row per unordered pair of schemes sharing ≥ 1 commune (a < b), with overlap ≥
    `min_overlap`, sorted by a, b.

    `shared_days` counts the days of `debut..fin` common to both (ends included): 0 when the
    calendars are disjoint, <NA> when a date is missing. `pooling_candidate` and
    `side_by_side_not_crossing` use the SPEC threshold (0.5) whatever `min_overlap` is.
    """
    pairs = _pairs(model, min_overlap)
    if pairs is None:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in COLUMNS.items()})
    ids, a, b = pairs.ids, pairs.a, pairs.b
    schemes = model.schemes.reindex(ids)
    actors = _common(_scheme_items(model.participations, "dispositif", "acteur", ids), a, b)
    themes = _common(_themes(schemes), a, b)
    days = _shared_days(schemes, a, b)
    known = ~days.mask
    at_threshold = pairs.overlap >= THRESHOLD
    frame = pd.DataFrame(
        {
            "a": pd.array(ids[a], dtype="str"),
            "b": pd.array(ids[b], dtype="str"),
            "overlap": pairs.overlap,
            "shared_communes": pairs.communes,
            "shared_population": pairs.population,
            "shared_days": pd.arrays.IntegerArray(days.data, days.mask),
            "common_actors": actors,
            "common_themes": themes,
            "size_a": pairs.sizes[a],
            "size_b": pairs.sizes[b],
            "pooling_candidate": at_threshold & known & (days.data > 0) & (themes > 0),
            "side_by_side_not_crossing": at_threshold & (actors == 0),
        }
    )
    return frame.astype(COLUMNS)


def overlaps_json(model: Model, min_overlap: float = 0.0) -> list[dict]:
    """`maillage overlaps --json` (SPEC §4): plain Python values, shared_days null when unknown."""
    frame = overlaps(model, min_overlap)
    days = [None if pd.isna(d) else int(d) for d in frame["shared_days"]]
    return [
        {
            "a": a,
            "b": b,
            "overlap": float(o),
            "shared_communes": int(n),
            "shared_population": int(p),
            "shared_days": d,
            "common_actors": int(c),
            "pooling_candidate": bool(k),
        }
        for a, b, o, n, p, d, c, k in zip(
            frame["a"].tolist(),
            frame["b"].tolist(),
            frame["overlap"].tolist(),
            frame["shared_communes"].tolist(),
            frame["shared_population"].tolist(),
            days,
            frame["common_actors"].tolist(),
            frame["pooling_candidate"].tolist(),
            strict=True,
        )
    ]


_AT_THRESHOLD: weakref.WeakKeyDictionary[Model, pd.DataFrame] = weakref.WeakKeyDictionary()


def pairs_at_threshold(model: Model) -> pd.DataFrame:
    """`overlaps(model, THRESHOLD)`, computed once per model: the indicators and the
    proposals (`maillage.proposals`) read the same frame."""
    if model not in _AT_THRESHOLD:
        _AT_THRESHOLD[model] = overlaps(model, THRESHOLD)
    return _AT_THRESHOLD[model]


_at_threshold = pairs_at_threshold


def side_by_side_not_crossing(model: Model) -> list[tuple[str, str]]:
    """Pairs with overlap ≥ 0.5 and no actor in common (pilote included): « ils se côtoient
    sans se croiser »."""
    frame = _at_threshold(model)
    flagged = frame[frame["side_by_side_not_crossing"]]
    return list(zip(flagged["a"].tolist(), flagged["b"].tolist(), strict=True))


def pooling_candidates(model: Model) -> list[tuple[str, str]]:
    """Pairs with overlap ≥ 0.5, a common day and a common theme: the Allier CTG + GMR case."""
    frame = _at_threshold(model)
    flagged = frame[frame["pooling_candidate"]]
    return list(zip(flagged["a"].tolist(), flagged["b"].tolist(), strict=True))


def duplicate_diagnostics(model: Model, min_overlap: float = 0.0) -> pd.DataFrame:
    """Overlapping schemes whose last diagnostics are at most two years apart: the same
    communes were diagnosed twice where one shared diagnostic would have done."""
    frame = pairs_at_threshold(model) if min_overlap == THRESHOLD else overlaps(model, min_overlap)
    year_a, year_b, duplicate = _diagnostics(model, frame, _sides(model, frame))
    frame = frame.assign(year_a=year_a, year_b=year_b, years_apart=(year_a - year_b).abs())
    columns = ["a", "b", "overlap", "shared_communes", "year_a", "year_b", "years_apart"]
    return frame.loc[duplicate, columns].reset_index(drop=True)


def duplicate_governance(model: Model, min_overlap: float = 0.0) -> pd.DataFrame:
    """Overlapping schemes that each keep their own steering bodies (`instances`)."""
    frame = overlaps(model, min_overlap)
    instances_a, instances_b, duplicate = _governance(model, frame, _sides(model, frame))
    frame = frame.assign(instances_a=instances_a, instances_b=instances_b)
    columns = ["a", "b", "overlap", "shared_communes", "instances_a", "instances_b"]
    return frame.loc[duplicate, columns].reset_index(drop=True)


def flagged_pairs(model: Model, min_overlap: float = THRESHOLD) -> pd.DataFrame:
    """The pairs a director should look at, each with the reason in French and its numbers.

    Here the page's threshold replaces 0.5 in the SPEC rules, so that a director can widen
    or narrow the net; `maillage indicators` keeps the SPEC threshold. Reasons are written
    column-wise: at France scale there are hundreds of thousands of flagged pairs.
    """
    frame = overlaps(model, min_overlap)
    sides = _sides(model, frame)
    year_a, year_b, diagnostic = _diagnostics(model, frame, sides)
    instances_a, instances_b, governance = _governance(model, frame, sides)
    frame = frame.assign(
        side_by_side_not_crossing=frame["common_actors"].eq(0),
        pooling_candidate=frame["shared_days"].fillna(0).gt(0) & frame["common_themes"].gt(0),
        duplicate_diagnostic=diagnostic,
        duplicate_governance=governance,
        name_a=_pick(model.schemes["nom"], sides[0], frame.index),
        name_b=_pick(model.schemes["nom"], sides[1], frame.index),
        year_a=year_a,
        year_b=year_b,
        instances_a=instances_a,
        instances_b=instances_b,
        themes=_shared_theme_labels(model.schemes, *sides, frame.index),
    )
    frame = frame[frame[list(FLAGS)].any(axis=1)].reset_index(drop=True)
    frame["reason"] = _reasons(frame)
    return frame.sort_values(
        ["overlap", "shared_population"], ascending=False, kind="stable"
    ).reset_index(drop=True)


def _sides(model: Model, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row positions in model.schemes of the a and b of each pair (looked up once)."""
    index = model.schemes.index
    return index.get_indexer(frame["a"]), index.get_indexer(frame["b"])


def _pick(column: pd.Series, positions: np.ndarray, index: pd.Index) -> pd.Series:
    return column.iloc[positions].set_axis(index)


def _diagnostics(
    model: Model, frame: pd.DataFrame, sides
) -> tuple[pd.Series, pd.Series, pd.Series]:
    years = model.schemes["annee_diagnostic"].astype("Int64")
    year_a, year_b = (_pick(years, side, frame.index) for side in sides)
    return year_a, year_b, (year_a - year_b).abs().le(DIAGNOSTIC_YEARS).fillna(False)


def _governance(model: Model, frame: pd.DataFrame, sides) -> tuple[pd.Series, pd.Series, pd.Series]:
    instances = model.schemes["instances"].astype("str").str.strip()
    instances = instances.where(instances != "")
    instances_a, instances_b = (_pick(instances, side, frame.index) for side in sides)
    return instances_a, instances_b, instances_a.notna() & instances_b.notna()


def overlap_matrix(model: Model, schemes: list[str]) -> pd.DataFrame:
    """Square overlap coefficients of `schemes`, ordered by hierarchical clustering (average
    linkage on 1 - overlap) so that schemes covering the same communes sit together."""
    matrix, _, items = model.incidence("schemes")
    columns = pd.Index(items).get_indexer(schemes)
    sub = matrix[:, columns].astype(np.float64)
    shared = (sub.T @ sub).toarray()
    sizes = np.diag(shared).copy()
    smaller = np.minimum.outer(sizes, sizes)
    values = np.divide(shared, smaller, out=np.zeros_like(shared), where=smaller > 0)
    np.fill_diagonal(values, 1.0)
    order = np.arange(len(schemes))
    if len(schemes) > 2:  # scipy's clustering costs 0,25 s to import: only this page needs it
        from scipy.cluster.hierarchy import leaves_list, linkage
        from scipy.spatial.distance import squareform

        distance = squareform(1.0 - values, checks=False).clip(min=0.0)
        order = leaves_list(linkage(distance, method="average", optimal_ordering=True))
    ordered = [schemes[i] for i in order]
    return pd.DataFrame(values[np.ix_(order, order)], index=ordered, columns=ordered)


# ----- the sparse computation -------------------------------------------------------------------


class _Pairs:
    """Index pairs (a < b in sorted ids) sharing ≥ 1 commune, with their shared counts."""

    def __init__(self, ids, a, b, communes, population, sizes):
        self.ids, self.a, self.b = ids, a, b
        self.communes, self.population, self.sizes = communes, population, sizes
        self.overlap = communes / np.minimum(sizes[a], sizes[b])


def _pairs(model: Model, min_overlap: float) -> _Pairs | None:
    matrix, communes, items = model.incidence("schemes")
    if not items:
        return None
    order = np.argsort(np.asarray(items, dtype=object), kind="stable")
    ids = np.asarray(items, dtype=object)[order]
    matrix = matrix[:, order].tocsc()
    population = (
        model.communes["population"]
        .reindex(communes)
        .fillna(0)
        .to_numpy()
        .astype(np.int64)
        .clip(min=0)
    )
    shared_communes, shared_population, a, b = _shared(matrix, population)
    sizes = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    pairs = _Pairs(ids, a, b, shared_communes, shared_population, sizes)
    keep = pairs.overlap >= min_overlap
    if not keep.all():
        pairs = _Pairs(ids, a[keep], b[keep], shared_communes[keep], shared_population[keep], sizes)
    return pairs


def _shared(matrix: sparse.csc_matrix, population: np.ndarray):
    """Shared communes and shared population of every pair, in one sparse product.

    Each commune weighs `population · 2^k + 1`, with 2^k above the number of communes: in
    `Mᵀ·(weights·M)` the low k bits of a cell count the shared communes and the high bits sum
    their population. One product instead of two, and both fall on the same cells (a commune
    without inhabitants still counts). Past int64 (never at French scale), two products.
    """
    ones = matrix.astype(np.int64)
    shift = max(int(matrix.shape[0]).bit_length() + 1, 17)
    if int(population.sum()) < 1 << (62 - shift):
        packed = _upper(ones.T @ _scaled_rows(ones, (population << shift) + 1))
        a, b, values = packed
        return values & ((1 << shift) - 1), values >> shift, a, b
    a, b, counts = _upper(ones.T @ ones)
    _, _, weighted = _upper(ones.T @ _scaled_rows(ones, population + 1))  # same cells, all ≥ 1
    return counts, weighted - counts, a, b


def _upper(product: sparse.spmatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells above the diagonal (a < b) as row, column, value arrays sorted by row, column."""
    upper = sparse.triu(product, k=1).tocoo()
    a, b = upper.row.astype(np.int64), upper.col.astype(np.int64)
    order = np.lexsort((b, a))
    return a[order], b[order], upper.data[order]


def _scaled_rows(matrix: sparse.csc_matrix, weights: np.ndarray) -> sparse.csc_matrix:
    """diag(weights) · matrix, without the float cast of scipy's diags."""
    scaled = matrix.copy()
    scaled.data = scaled.data * weights[scaled.indices]
    return scaled


def _scheme_items(
    table: pd.DataFrame, scheme_column: str, item_column: str, ids: np.ndarray
) -> sparse.csr_matrix:
    """Binary scheme × item matrix (rows in the order of `ids`)."""
    links = table[[scheme_column, item_column]].dropna().drop_duplicates()
    rows = pd.Index(ids).get_indexer(links[scheme_column])
    inside = rows >= 0
    codes, uniques = pd.factorize(links[item_column][inside])
    data = np.ones(len(codes), dtype=np.int32)
    return sparse.csr_matrix((data, (rows[inside], codes)), shape=(len(ids), max(len(uniques), 1)))


def _themes(schemes: pd.DataFrame) -> sparse.csr_matrix:
    table = list_items(schemes["thematiques"]).rename("theme").rename_axis("scheme").reset_index()
    return _scheme_items(table, "scheme", "theme", schemes.index.to_numpy())


def _common(items: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Items in common for each pair: row-wise dot products of the scheme × item matrix,
    computed only on the candidate pairs (the full product would pair every scheme that a
    regional actor joins, or that shares the theme « santé »)."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.int64)
    both = items[a].multiply(items[b])
    return np.asarray(both.sum(axis=1)).ravel().astype(np.int64)


def _shared_days(schemes: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> np.ma.MaskedArray:
    start = schemes["debut"].to_numpy(dtype="datetime64[D]")
    end = schemes["fin"].to_numpy(dtype="datetime64[D]")
    unknown = np.isnat(start) | np.isnat(end)
    first = np.maximum(start[a], start[b])
    last = np.minimum(end[a], end[b])
    days = (last - first).astype("timedelta64[D]").astype(np.int64) + 1
    mask = unknown[a] | unknown[b]
    return np.ma.MaskedArray(np.where(mask, 0, days.clip(min=0)), mask=mask)


# ----- words for the page -----------------------------------------------------------------------


def _shared_theme_labels(
    schemes: pd.DataFrame, a: np.ndarray, b: np.ndarray, index: pd.Index
) -> pd.Series:
    """French labels of the themes common to each pair (« santé, mobilité »), via one bit per
    theme: the distinct combinations are few, so each is spelled once."""
    codes = sorted(VOCABULARIES["theme"])
    bit = {code: 1 << i for i, code in enumerate(codes)}
    themes = list_items(schemes["thematiques"].set_axis(np.arange(len(schemes))))
    themes = themes[is_in(themes, bit)].reset_index().drop_duplicates()
    masks = np.zeros(len(schemes), dtype=np.int64)
    np.add.at(masks, themes["index"].to_numpy(), themes.iloc[:, 1].map(bit).to_numpy())
    return _spelled(
        pd.Series(masks[a] & masks[b], index=index),
        lambda m: ", ".join(label("theme", c).lower() for c in codes if m & bit[c]),
    )


def _spelled(values: pd.Series, spell) -> pd.Series:
    """Apply a formatter once per distinct value ("" for missing ones)."""
    codes, uniques = pd.factorize(values)
    words = np.array([spell(u) for u in uniques.tolist()] + [""], dtype=object)
    return pd.Series(words[codes], index=values.index, dtype="str")


def _reasons(frame: pd.DataFrame) -> pd.Series:
    """Why each pair is flagged, in plain French, with its numbers."""
    share = _spelled(frame["overlap"], format_share)
    actors = _spelled(frame["common_actors"], format_number)
    days = _spelled(frame["shared_days"], format_number)
    first = pd.Series(
        np.where(
            frame["side_by_side_not_crossing"],
            "Ces deux dispositifs couvrent " + share + " des mêmes communes mais n’ont aucun "
            "acteur en commun.",
            "Ces deux dispositifs couvrent "
            + share
            + " des mêmes communes et ont "
            + actors
            + np.where(
                frame["common_actors"].gt(1), "\u00a0acteurs en commun.", "\u00a0acteur en commun."
            ),
        ),
        index=frame.index,
        dtype="str",
    )
    day_word = np.where(frame["shared_days"].fillna(0).gt(1), "\u00a0jours", "\u00a0jour")
    pooling = (
        "Calendriers communs sur "
        + days
        + day_word
        + " et thèmes partagés ("
        + frame["themes"]
        + ")\u00a0: candidats à une gouvernance et un diagnostic "
        "communs."
    )
    low = np.fmin(frame["year_a"].astype("float64"), frame["year_b"].astype("float64"))
    high = np.fmax(frame["year_a"].astype("float64"), frame["year_b"].astype("float64"))
    years = _spelled(
        pd.Series(
            list(zip(low.tolist(), high.tolist(), strict=True)), index=frame.index, dtype=object
        ),
        _years,
    )
    diagnostic = (
        "Chacun a fait son diagnostic (" + years + ") sur des communes en partie "
        "les mêmes\u00a0: un diagnostic partagé aurait suffi."
    )
    governance = (
        "Chacun garde ses propres instances (« "
        + _spelled(frame["instances_a"], _bodies)
        + " » et « "
        + _spelled(frame["instances_b"], _bodies)
        + " »)."
    )
    reason = first
    for part, flag in (
        (pooling, "pooling_candidate"),
        (diagnostic, "duplicate_diagnostic"),
        (governance, "duplicate_governance"),
    ):
        reason = reason.where(~frame[flag], reason + " " + part)
    return reason


def _years(pair: tuple[float, float]) -> str:
    low, high = pair
    if np.isnan(low):
        return ""
    return f"en {int(low)}" if low == high else f"en {int(low)} et {int(high)}"


def _bodies(cell: object) -> str:
    return ", ".join(c.strip() for c in str(cell).split(LIST_SEPARATOR) if c.strip())
