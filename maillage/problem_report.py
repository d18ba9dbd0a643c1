"""The validation problems handed back to the analyst, where they will fix them: in their own
workbook (a « problemes » sheet, faulty cells filled and commented) or as a CSV table.

Everything written here comes from an untrusted upload, and the result is opened in a
spreadsheet: a value such as `=HYPERLINK(…)` or `@SUM(…)` must stay inert text, never become
a formula (CSV/formula injection, OWASP). A text cell is not enough: the analyst who edits it
in Excel would turn it into a formula; such cells carry `quotePrefix` (Excel's leading `'`),
in the problems sheet and in the analyst's own sheets sent back.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from maillage.exports import csv_bytes, is_formula_like
from maillage.problems import ERROR, Problem
from maillage.schema import ALIASES, normalize_name
from maillage.texts import SEVERITY_LABELS

PROBLEMS_SHEET = "problemes"
COLUMNS = ("Gravité", "Feuille", "Ligne", "Colonne", "Valeur", "Message")
# Light tints, distinct in luminance as well as hue so they read without colour vision.
FILLS = {
    "erreur": PatternFill("solid", start_color="F4B183", end_color="F4B183"),
    "avertissement": PatternFill("solid", start_color="FFE699", end_color="FFE699"),
}
_AUTHOR = "maillage"
_HEADER_SEARCH_ROWS = 50  # the reader takes the first non-empty row as headers


def problems_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """One row per problem, French column names, in the order validation sorted them."""
    rows = [
        (SEVERITY_LABELS[p.severity], p.sheet, p.row, p.column, p.value, p.message)
        for p in problems
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["Ligne"] = table["Ligne"].astype("Int64")
    return table


def problems_csv(problems: Iterable[Problem]) -> bytes:
    """`;`-separated UTF-8 with BOM (what French Excel opens right); formula-like cells are
    prefixed with `'` so that no spreadsheet evaluates them."""
    return csv_bytes(problems_table(problems))


def annotated_workbook(files: Sequence[tuple[str, bytes]], problems: Sequence[Problem]) -> bytes:
    """The uploaded .xlsx with a « problemes » sheet and its faulty cells highlighted; for
    .ods or .csv input (which openpyxl cannot rewrite), a new .xlsx with that sheet only."""
    workbook = _open_xlsx(files)
    if workbook is None:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
    else:  # its text cells load as text (data_type "s") and are saved back as text
        _highlight(workbook, problems)
        _quote_formula_like(workbook)
    _write_problems_sheet(workbook, problems)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _open_xlsx(files: Sequence[tuple[str, bytes]]) -> openpyxl.Workbook | None:
    if len(files) != 1 or Path(files[0][0]).suffix.lower() != ".xlsx":
        return None
    # data_only: cached values instead of formulas (the reader never evaluates them either);
    # keep_vba/keep_links off: nothing active goes back to the analyst.
    return openpyxl.load_workbook(
        io.BytesIO(files[0][1]), read_only=False, keep_vba=False, data_only=True, keep_links=False
    )


def _write_text(cell, value: object) -> None:
    """Write a value; a formula-like string is stored as a text cell, never as a formula."""
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def _quote_formula_like(workbook: openpyxl.Workbook) -> None:
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "s" and is_formula_like(cell.value):
                    cell.quotePrefix = True


def _write_problems_sheet(workbook: openpyxl.Workbook, problems: Sequence[Problem]) -> None:
    if PROBLEMS_SHEET in workbook.sheetnames:  # a workbook sent back a second time
        workbook.remove(workbook[PROBLEMS_SHEET])
    sheet = workbook.create_sheet(PROBLEMS_SHEET, 0)
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, p in enumerate(problems, start=2):
        values = (SEVERITY_LABELS[p.severity], p.sheet, p.row, p.column, p.value, p.message)
        for column, value in enumerate(values, start=1):
            _write_text(sheet.cell(row=number, column=column), value)
        sheet.cell(row=number, column=1).fill = FILLS[p.severity]
    for column, width in zip(range(1, 7), (15, 20, 8, 20, 30, 100), strict=True):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:F{max(len(problems) + 1, 1)}"
    workbook.active = 0


def _highlight(workbook: openpyxl.Workbook, problems: Sequence[Problem]) -> None:
    """Fill and comment each problem's cell: the cell of its row and column; the header cell
    when the whole column is at stake; the row's first cell when no column is named; nothing
    when the problem concerns a whole sheet or a column that is missing."""
    sheets = {normalize_name(s.title): s for s in workbook.worksheets}
    notes: dict[tuple[str, int, int], list[Problem]] = {}
    headers: dict[str, tuple[int, dict[str, int]]] = {}
    for p in problems:
        if p.sheet is None or (sheet := sheets.get(normalize_name(p.sheet))) is None:
            continue
        if sheet.title not in headers:
            headers[sheet.title] = _header_columns(sheet)
        header_row, columns = headers[sheet.title]
        column = _find_column(columns, normalize_name(p.sheet), p.column)
        if p.column is not None and column is None:
            continue
        row = p.row if p.row is not None else header_row
        if p.row is None and p.column is None:
            continue
        notes.setdefault((sheet.title, row, column or 1), []).append(p)
    for (title, row, column), found in notes.items():
        cell = workbook[title].cell(row=row, column=column)
        severity = ERROR if any(p.severity == ERROR for p in found) else found[0].severity
        cell.fill = FILLS[severity]
        text = "\n".join(f"{SEVERITY_LABELS[p.severity]} : {p.message}" for p in found)
        cell.comment = Comment(text, _AUTHOR, width=320, height=40 + 60 * len(found))


def _header_columns(sheet: Worksheet) -> tuple[int, dict[str, int]]:
    """The header row (first non-empty row) and normalised header → column number."""
    for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, _HEADER_SEARCH_ROWS)):
        found: dict[str, int] = {}
        for cell in row:
            if cell.value is not None and str(cell.value).strip():
                found.setdefault(normalize_name(cell.value), cell.column)  # first one wins
        if found:
            return row[0].row, found
    return 1, {}


def _find_column(columns: dict[str, int], sheet: str, column: str | None) -> int | None:
    if column is None:
        return None
    wanted = normalize_name(column)
    if wanted in columns:
        return columns[wanted]
    aliases = ALIASES.get(sheet, {})
    matches = [number for header, number in columns.items() if aliases.get(header) == wanted]
    return min(matches) if matches else None
