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
from maillage.workbook import raw_from_tables

ExportFormat = Literal["xlsx", "csv"]


def text_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each published sheet as text cells (NaN when empty) — the same text form contributions
    are validated in (`workbook.raw_from_tables`) — schema columns first, in the order of
    SPEC §2, rows numbered from 0."""
    raw = raw_from_tables(tables, "version")
    result = {}
    for name, sheet in SHEETS.items():
        if name not in raw.sheets:
            continue
        frame = raw.sheets[name].frame.reset_index(drop=True)
        columns = [
            *(c for c in sheet.column_names if c in frame.columns),
            *(c for c in frame.columns if c not in sheet.column_names),
        ]
        result[name] = frame[columns]
    return result


def _drop_empty_optional(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Optional schema columns left empty everywhere need not clutter the file."""
    sheet = SHEETS[name]
    empty = [
        c.name
        for c in sheet.columns
        if not c.required
        and c.name in frame.columns
        and frame[c.name].isna().all()
        and c.default is None
    ]
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


def export_tables(
    tables: Mapping[str, pd.DataFrame], target: str | Path, fmt: ExportFormat | None = None
) -> list[Path]:
    """Write `tables` to `target`: one .xlsx, or a folder of .csv files (one per sheet)."""
    target = Path(target)
    fmt = fmt or ("xlsx" if target.suffix.lower() == ".xlsx" else "csv")
    texts = {name: _drop_empty_optional(frame, name) for name, frame in text_tables(tables).items()}
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
