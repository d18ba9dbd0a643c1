"""Tables as files a director opens in a spreadsheet: .xlsx and .csv.

What is exported came from analysts' workbooks, so any text may be hostile: a name such as
`=HYPERLINK("http://…")` or `@SUM(…)` must stay inert text when the file is opened (CSV or
formula injection, OWASP). In .xlsx, xlsxwriter is told never to turn a string into a formula
(`strings_to_formulas=False`) and every string starting with a formula character is also
written explicitly as a text cell with Excel's quote prefix, so that editing the cell keeps
it text. In .csv, where there are no types, such a cell gets a leading `'`. Bidirectional
control characters are removed from every cell (`maillage.bidi`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from datetime import date, datetime

import numpy as np
import pandas as pd
import xlsxwriter

from maillage.bidi import neutralise_bidi
from maillage.formats import format_cell, wall_clock

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
ABOUT_SHEET = "À propos"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60
_WIDTH_SAMPLE = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """Text a spreadsheet would run as a formula (the OWASP list of leading characters)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _is_blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A meaningful index (ids) becomes the first column(s); a plain row number is dropped."""
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        return frame
    return frame.reset_index()


def sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub(" ", str(name)).strip().strip("'")[:31] or "Feuille"
    candidate, number = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate


def xlsx_bytes(tables: Mapping[str, pd.DataFrame], about: Mapping[str, str] | None = None) -> bytes:
    """One sheet per table (header row bold and frozen, filters on), plus an « À propos »
    sheet saying where the numbers come from (space, version, date) when `about` is given."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "nan_inf_to_errors": True,
        },
    )
    formats = {
        "header": workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "text": workbook.add_format({"quote_prefix": True}),
        "date": workbook.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
    }
    taken: set[str] = set()
    for name, frame in tables.items():
        _write_sheet(workbook.add_worksheet(sheet_name(name, taken)), _flat(frame), formats)
    if about:
        sheet = workbook.add_worksheet(sheet_name(ABOUT_SHEET, taken))
        for row, (key, value) in enumerate(about.items()):
            _write_cell(sheet, row, 0, key, formats)
            _write_cell(sheet, row, 1, value, formats)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 1, 60)
    workbook.close()
    return buffer.getvalue()


def _write_sheet(sheet, frame: pd.DataFrame, formats: dict) -> None:
    headers = [str(c) for c in frame.columns]
    for column, header in enumerate(headers):
        _write_cell(sheet, 0, column, header, formats, header=True)
    for column in range(frame.shape[1]):
        values = frame.iloc[:, column].tolist()
        for row, value in enumerate(values, start=1):
            _write_cell(sheet, row, column, value, formats)
        sample = [len(_display(v)) for v in values[:_WIDTH_SAMPLE]]
        width = max([len(headers[column]), *sample, 6])
        sheet.set_column(column, column, min(width + 2, _MAX_WIDTH))
    sheet.freeze_panes(1, 0)
    if len(headers):
        sheet.autofilter(0, 0, len(frame), len(headers) - 1)


def _display(value: object) -> str:
    return "" if _is_blank(value) else str(value)


def _write_cell(
    sheet, row: int, column: int, value: object, formats: dict, header: bool = False
) -> None:
    if _is_blank(value):
        return
    if isinstance(value, bool | np.bool_):
        sheet.write_boolean(row, column, bool(value))
    elif isinstance(value, int | float | np.integer | np.floating):
        sheet.write_number(row, column, float(value) if isinstance(value, np.floating) else value)
    elif isinstance(value, datetime | pd.Timestamp):
        moment = wall_clock(pd.Timestamp(value).to_pydatetime())
        timed = moment != datetime(moment.year, moment.month, moment.day)
        sheet.write_datetime(row, column, moment, formats["datetime" if timed else "date"])
    elif isinstance(value, date):
        sheet.write_datetime(
            row, column, datetime(value.year, value.month, value.day), formats["date"]
        )
    else:
        text = neutralise_bidi(value if isinstance(value, str) else str(value))
        if is_formula_like(text):  # inert text, and stays text when edited in Excel
            sheet.write_string(row, column, text, formats["text"])
        else:
            sheet.write_string(row, column, text, formats["header"] if header else None)


def neutralised_csv_cell(value: object) -> str:
    """A cell as French Excel reads it: blank, `1234,5`, `21/11/2026`, or text with a `'`
    in front when it would otherwise start a formula."""
    if _is_blank(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "oui" if value else "non"
    if isinstance(value, float | np.floating):
        return repr(float(value)).replace(".", ",").removesuffix(",0")
    if isinstance(value, int | np.integer):
        return str(value)
    if isinstance(value, datetime | date):  # pandas Timestamps included
        return format_cell(value)
    text = neutralise_bidi(str(value))
    return f"'{text}" if is_formula_like(text) else text


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """`;`-separated UTF-8 with BOM, decimal comma: what French Excel opens right."""
    frame = _flat(frame)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised_csv_cell(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([neutralised_csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")
