"""A published version back as a workbook in the template's format (`maillage export`).

The analyst re-opens her space, fixes it in her spreadsheet and imports it again: so every
value is written as the template expects it — codes, `;`-lists, INSEE codes as text, dates
JJ/MM/AAAA, numbers at full precision — one sheet per sheet of SPEC §2, unknown columns kept.
The same text form is what `completer` starts from before adding a file's rows. Text that a
spreadsheet would run as a formula is written inert (see `exports.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import pandas as pd

from maillage.exports import csv_bytes, xlsx_bytes
from maillage.schema import SHEETS

ExportFormat = Literal["xlsx", "csv"]


def _as_text(series: pd.Series, kind: str) -> pd.Series:
    if kind == "date":
        dates = pd.to_datetime(series, errors="coerce")
        return dates.dt.strftime("%d/%m/%Y").where(dates.notna()).astype("str")
    if kind == "number":
        numbers = pd.to_numeric(series, errors="coerce")
        return numbers.map(lambda x: repr(float(x)).removesuffix(".0"),
                           na_action="ignore").astype("str")
    if kind in ("integer", "year"):
        numbers = pd.to_numeric(series, errors="coerce").astype("Int64")
        return numbers.astype("str").where(numbers.notna())
    return series.astype("str")


def text_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each published sheet as text cells (NaN when empty), schema columns first, in the order
    of SPEC §2, rows numbered from 0."""
    result = {}
    for name, sheet in SHEETS.items():
        if name not in tables:
            continue
        frame = tables[name].reset_index(drop=True)
        kinds = {c.name: c.kind for c in sheet.columns}
        columns = [*sheet.column_names, *(c for c in frame.columns if c not in kinds)]
        text = pd.DataFrame(index=frame.index)
        for column in columns:
            if column in frame.columns:
                text[column] = _as_text(frame[column], kinds.get(column, "text"))
        result[name] = text
    return result


def _drop_empty_optional(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Optional schema columns left empty everywhere need not clutter the file."""
    sheet = SHEETS[name]
    empty = [c.name for c in sheet.columns if not c.required and c.name in frame.columns
             and frame[c.name].isna().all() and c.default is None]
    return frame.drop(columns=empty)


def _numbers_as_numbers(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """In a .csv a negative number written as text would get the inert-text quote: numbers
    go out as numbers there (shortest exact form, decimal comma). In .xlsx they stay text,
    because a spreadsheet reader rounds numeric cells to ten digits."""
    frame = frame.copy()
    for column in SHEETS[name].columns:
        if column.kind == "number" and column.name in frame.columns:
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("object")
    return frame


def export_tables(tables: Mapping[str, pd.DataFrame], target: str | Path,
                  fmt: ExportFormat | None = None) -> list[Path]:
    """Write `tables` to `target`: one .xlsx, or a folder of .csv files (one per sheet)."""
    target = Path(target)
    fmt = fmt or ("xlsx" if target.suffix.lower() == ".xlsx" else "csv")
    texts = {name: _drop_empty_optional(frame, name)
             for name, frame in text_tables(tables).items()}
    if fmt == "xlsx":
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx") if target.suffix else target / "maillage.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(xlsx_bytes(texts))
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in texts.items():
        path = target / f"{name}.csv"
        path.write_bytes(csv_bytes(_numbers_as_numbers(frame, name)))
        written.append(path)
    return written
