"""The problems go back to the analyst inside their own workbook, and nothing written is live."""

import csv
import io

import openpyxl
import pytest

from maillage.problem_report import (
    COLUMNS,
    PROBLEMS_SHEET,
    annotated_workbook,
    problems_csv,
    problems_table,
)
from maillage.problems import ERROR, WARNING, problem
from maillage.publishing import check
from tests.workbooks import csv_bytes, minimal_sheets, xlsx_bytes


def _broken_sheets() -> dict[str, list[dict]]:
    sheets = minimal_sheets()
    sheets["acteurs"][1]["champ"] = '=HYPERLINK("http://evil.example","clic")'
    sheets["dispositifs"][0]["perimetre"] = "P_INCONNU"
    return sheets


def _reopen(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _listed(workbook: openpyxl.Workbook) -> list[tuple]:
    rows = list(workbook[PROBLEMS_SHEET].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    return rows[1:]


def test_problems_sheet_lists_every_problem_with_its_place():
    files = [("territoire.xlsx", xlsx_bytes(_broken_sheets()))]
    _, validation = check(files)
    assert validation.problems, "the broken workbook must report problems"
    workbook = _reopen(annotated_workbook(files, validation.problems))
    listed = _listed(workbook)
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in listed] == [
        (p.sheet, p.row, p.column, p.value, p.message) for p in validation.problems
    ]
    assert workbook.sheetnames[0] == PROBLEMS_SHEET
    assert {"acteurs", "dispositifs"} <= set(workbook.sheetnames)  # the analyst's own sheets


def test_faulty_cell_is_filled_and_commented_others_untouched():
    sheets = _broken_sheets()
    files = [("territoire.xlsx", xlsx_bytes(sheets))]
    _, validation = check(files)
    faulty = next(
        p for p in validation.problems if p.sheet == "dispositifs" and p.column == "perimetre"
    )
    workbook = _reopen(annotated_workbook(files, validation.problems))
    sheet = workbook["dispositifs"]
    column = [c.value for c in sheet[1]].index("perimetre") + 1
    cell = sheet.cell(row=faulty.row, column=column)
    assert cell.value == "P_INCONNU"
    assert cell.fill.fill_type == "solid"
    assert faulty.message in cell.comment.text
    healthy = sheet.cell(row=faulty.row + 1, column=column)
    assert healthy.value == "P_PAT"
    assert healthy.fill.fill_type is None and healthy.comment is None


def test_header_named_differently_still_points_at_the_right_column():
    sheets = minimal_sheets()
    for row in sheets["dispositifs"]:
        row["Périmètre"] = row.pop("perimetre")
    sheets["dispositifs"][1]["Périmètre"] = "P_ABSENT"
    files = [("t.xlsx", xlsx_bytes(sheets))]
    _, validation = check(files)
    faulty = next(p for p in validation.problems if p.value == "P_ABSENT")
    sheet = _reopen(annotated_workbook(files, validation.problems))["dispositifs"]
    column = [c.value for c in sheet[1]].index("Périmètre") + 1
    assert sheet.cell(row=faulty.row, column=column).comment is not None


@pytest.mark.parametrize(
    "value",
    ["=1+1", '=HYPERLINK("http://evil.example","x")', "+33 4 70", "-2", "@SUM(A1)", "\tcmd"],
)
def test_formula_like_values_are_written_as_text(value):
    found = [
        problem(
            "unknown_code", sheet="acteurs", row=3, column="champ", value=value, allowed="social"
        )
    ]
    for files in (
        [("t.xlsx", xlsx_bytes(minimal_sheets()))],
        [("acteurs.csv", csv_bytes(minimal_sheets()["acteurs"]))],
    ):
        workbook = _reopen(annotated_workbook(files, found))
        cell = workbook[PROBLEMS_SHEET].cell(row=2, column=COLUMNS.index("Valeur") + 1)
        assert cell.value == value
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text even when the analyst edits the cell


def _with_text_cell(data: bytes, sheet: str, ref: str) -> bytes:
    """Make a cell a text cell that reads like a formula, as a spreadsheet typed with a
    leading apostrophe stores it (tests.workbooks would write a real formula)."""
    workbook = _reopen(data)
    workbook[sheet][ref].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_text_in_the_uploaded_sheets_that_looks_like_a_formula_stays_text():
    sheets = _broken_sheets()
    letter = "ABCDEFGHIJ"[list(sheets["acteurs"][0]).index("champ")]
    files = [("t.xlsx", _with_text_cell(xlsx_bytes(sheets), "acteurs", f"{letter}3"))]
    _, validation = check(files)
    sheet = _reopen(annotated_workbook(files, validation.problems))["acteurs"]
    column = [c.value for c in sheet[1]].index("champ") + 1
    cell = sheet.cell(row=3, column=column)
    assert cell.value.startswith("=HYPERLINK")
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert not sheet.cell(row=1, column=column).quotePrefix  # plain text is left as it was


def test_csv_and_ods_input_get_a_fresh_workbook_with_the_problems_only():
    sheets = minimal_sheets()
    sheets["acteurs"][0]["categorie"] = "inconnue"
    files = [(f"{name}.csv", csv_bytes(rows)) for name, rows in sheets.items()]
    _, validation = check(files)
    workbook = _reopen(annotated_workbook(files, validation.problems))
    assert workbook.sheetnames == [PROBLEMS_SHEET]
    assert [r[5] for r in _listed(workbook)] == [p.message for p in validation.problems]


def test_a_problems_sheet_sent_back_is_replaced_not_duplicated():
    files = [("t.xlsx", xlsx_bytes(_broken_sheets()))]
    _, validation = check(files)
    once = annotated_workbook(files, validation.problems)
    twice = _reopen(annotated_workbook([("t.xlsx", once)], validation.problems))
    assert twice.sheetnames.count(PROBLEMS_SHEET) == 1
    assert len(_listed(twice)) == len(validation.problems)


def test_problems_csv_is_french_excel_friendly_and_inert():
    found = [
        problem(
            "unknown_code", sheet="acteurs", row=3, column="champ", value="=1+1", allowed="social"
        ),
        problem("unknown_sheet", sheet="notes", severity=WARNING, allowed="acteurs"),
    ]
    data = problems_csv(found)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == COLUMNS
    assert rows[1][:5] == ["Erreur", "acteurs", "3", "champ", "'=1+1"]
    assert rows[1][5] == found[0].message
    assert rows[2][:4] == ["Avertissement", "notes", "", ""]


def test_problems_table_has_french_columns_and_keeps_order():
    found = [
        problem("missing_sheet", sheet="acteurs"),
        problem("unknown_sheet", sheet="notes", severity=WARNING, allowed="acteurs"),
    ]
    table = problems_table(found)
    assert tuple(table.columns) == COLUMNS
    assert table["Gravité"].tolist() == ["Erreur", "Avertissement"]
    assert table["Ligne"].isna().all()
    assert [p.severity for p in found] == [ERROR, WARNING]
