"""Vectorised helpers on text columns and `;`-list cells, shared across the domain.

`Series.isin` on pandas 3's Arrow-backed strings converts its values one by one (2 s for
200,000 ids against 100,000 here); Arrow's own `is_in` does the same in 0.08 s.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from maillage.schema import LIST_SEPARATOR


def is_in(series: pd.Series, values: Collection[str] | pd.Index) -> pd.Series:
    """Boolean mask: which cells are among `values` (missing cells never are)."""
    value_set = pa.array(list(values), type=pa.string())
    mask = pc.fill_null(pc.is_in(_arrow(series), value_set=value_set), False)
    return pd.Series(mask.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)


def list_items(series: pd.Series) -> pd.Series:
    """`a;b` cells as one row per stripped, non-empty item, indexed by the cell's row."""
    lists = pc.split_pattern(_arrow(series), LIST_SEPARATOR)
    values = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    rows = series.index[pc.list_parent_indices(lists).to_numpy()]
    items = pd.Series(values.to_numpy(zero_copy_only=False), index=rows, dtype="str")
    return items[items != ""]


def has_any_item(series: pd.Series, values: Collection[str]) -> pd.Series:
    """Boolean mask: which `a;b` cells hold one of `values` as an item (missing cells never
    do), without a Python call per cell."""
    lists = pc.split_pattern(_arrow(series), LIST_SEPARATOR)
    items = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    found = pc.fill_null(
        pc.is_in(items, value_set=pa.array(list(values), type=pa.string())), False
    ).to_numpy(zero_copy_only=False)
    mask = np.zeros(len(series), dtype=bool)
    mask[pc.list_parent_indices(lists).to_numpy()[found]] = True
    return pd.Series(mask, index=series.index, dtype=bool)


def join_items(items: pd.Series, index: pd.Index) -> pd.Series:
    """Back from items to `a;b` cells (first occurrence order, duplicates dropped), in Arrow:
    a pandas groupby-join slices a Series per cell (28 s for 250,000 items here)."""
    positions = index.get_indexer(items.index)
    frame = pd.DataFrame({"position": positions, "item": items.to_numpy()}).drop_duplicates()
    frame = frame.sort_values("position", kind="stable")
    counts = np.bincount(frame["position"].to_numpy(), minlength=len(index))
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), type=pa.int32())
    lists = pa.ListArray.from_arrays(offsets, pa.array(frame["item"], type=pa.string()))
    joined = pd.Series(
        pc.binary_join(lists, LIST_SEPARATOR).to_numpy(zero_copy_only=False),
        index=index,
        dtype="str",
    )
    return joined.where(counts > 0)


def _arrow(series: pd.Series) -> pa.Array:
    return pa.array(series.astype("str"), type=pa.string(), from_pandas=True)


def normalize_commune_codes(codes: pd.Series) -> pd.Series:
    """INSEE codes stay 5-character text even when Excel stored them as numbers."""
    codes = codes.str.strip().str.upper()
    numeric = codes.str.fullmatch(r"\d+(?:\.0+)?").fillna(False).astype(bool)
    padded = codes.str.replace(r"\.0+$", "", regex=True).str.zfill(5)
    return codes.where(~numeric, padded)


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in a unique `index`, -1 when absent.

    One factorize of both as Python objects: about ten times faster than `isin` or
    `get_indexer` on pandas' Arrow-backed strings at 200,000 participations."""
    codes, _ = pd.factorize(
        pd.concat(
            [pd.Series(index, dtype=object), pd.Series(values, dtype=object)], ignore_index=True
        )
    )
    found = codes[len(index) :]
    return np.where((found >= 0) & (found < len(index)), found, -1)


def as_dict(series: pd.Series) -> dict:
    """`series.to_dict()` without iterating Arrow-backed values one by one (10× faster on
    the 35 000 communes of the national list)."""
    return dict(zip(series.index.tolist(), series.tolist(), strict=True))
