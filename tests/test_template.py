"""The Excel template: it reads back cleanly and its drop-downs hold exactly the vocabularies."""

from __future__ import annotations

import re

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

from maillage.cli import main
from maillage.schema import SHEETS
from maillage.template import (
    LAST_ROW,
    LISTS_SHEET,
    README_SHEET,
    write_template,
)
from maillage.texts import LABELS, SHEET_HELP, column_help
from maillage.validation import data_rows, validate
from maillage.vocabularies import VOCABULARIES
from maillage.workbook import read_paths
from tests.workbooks import minimal_sheets

SCHEMA_PROBLEMS = {"unknown_sheet", "missing_sheet", "missing_column", "duplicate_sheet", "formula"}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("template") / "modele.xlsx")


@pytest.fixture(scope="module")
def book(template):
    return openpyxl.load_workbook(template)


def _list_values(book, formula: str) -> list[str]:
    """Resolve a drop-down source like ='listes'!$A$2:$A$15 to its cell values."""
    match = re.fullmatch(r"='?(\w+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert match, formula
    sheet, first_col, first_row, last_col, last_row = match.groups()
    assert first_col == last_col
    column = column_index_from_string(first_col)
    cells = book[sheet].iter_rows(
        min_row=int(first_row),
        max_row=int(last_row),
        min_col=column,
        max_col=column,
        values_only=True,
    )
    return [row[0] for row in cells]


def test_template_reads_back_with_no_schema_problem(template):
    validation = validate(read_paths([template]))
    assert not {p.code for p in validation.problems} & SCHEMA_PROBLEMS
    # an empty template is refused (it would empty the space) only for lack of data
    required = {name for name, sheet in SHEETS.items() if sheet.required}
    assert {(p.code, p.sheet) for p in validation.problems} == {("no_data", n) for n in required}
    for name, sheet in SHEETS.items():
        assert list(validation.tables[name].columns) == list(sheet.column_names)
        assert validation.tables[name].empty


def test_sheets_headers_and_help(book):
    assert book.sheetnames == [README_SHEET, *SHEETS, LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert book.active.title == README_SHEET
    for name, sheet in SHEETS.items():
        worksheet = book[name]
        headers = [cell.value for cell in worksheet[1]]
        assert headers == list(sheet.column_names)
        assert worksheet.freeze_panes == "A2"
        fills = {c.required: set() for c in sheet.columns}
        for column, cell in zip(sheet.columns, worksheet[1], strict=True):
            assert cell.font.bold
            comment = cell.comment.text
            assert comment.startswith("Obligatoire." if column.required else "Facultatif.")
            expected = column_help(name, column.name)
            if expected:
                assert expected in comment
            if column.kind == "codes":
                assert all(code in comment for code in VOCABULARIES[column.vocabulary])
            fills[column.required].add(cell.fill.start_color.rgb)
        if len(fills) == 2:  # required and optional headers look different
            assert not fills[True] & fills[False]


def test_every_code_column_has_a_drop_down_of_its_vocabulary(book):
    for name, sheet in SHEETS.items():
        validations = book[name].data_validations.dataValidation
        by_range = {str(v.sqref): v for v in validations}
        code_columns = [(i, c) for i, c in enumerate(sheet.columns, 1) if c.kind == "code"]
        assert len(validations) == len(code_columns)
        for position, column in code_columns:
            letter = get_column_letter(position)
            rule = by_range[f"{letter}2:{letter}{LAST_ROW}"]
            assert rule.type == "list"
            # a warning, not a stop: the code typed by hand is legitimate too
            assert rule.showErrorMessage and rule.errorStyle == "warning"
            assert column.name in rule.error
            offered = _list_values(book, rule.formula1)
            assert offered == [
                LABELS[column.vocabulary][c] for c in VOCABULARIES[column.vocabulary]
            ]
            assert not set(offered) & set(VOCABULARIES[column.vocabulary]), offered


def test_lists_sheet_holds_every_vocabulary(book):
    headers = [cell.value for cell in book[LISTS_SHEET][1]]
    assert set(VOCABULARIES) <= set(headers)


def test_insee_columns_are_text_formatted(book):
    for name, sheet in SHEETS.items():
        for position, column in enumerate(sheet.columns, 1):
            if column.kind in ("commune", "communes"):
                letter = get_column_letter(position)
                assert book[name].column_dimensions[letter].number_format == "@", (name, column)


def test_readme_explains_each_sheet_and_the_rules(book):
    text = "\n".join(str(c.value) for c in book[README_SHEET]["A"] if c.value)
    for name in SHEETS:
        assert name in text
        assert SHEET_HELP[name] in text
    for rule in ("JJ/MM/AAAA", "« ; »", "03190", "epci:", "dep:03", "Développement local"):
        assert rule in text
    assert not any(str(c.value).startswith("=") for c in book[README_SHEET]["A"] if c.value)


def _fill(template, rows, target):
    book = openpyxl.load_workbook(template)
    for name, records in rows.items():
        worksheet = book[name]
        headers = [cell.value for cell in worksheet[1]]
        for number, record in enumerate(records, start=2):
            for key, value in record.items():
                worksheet.cell(row=number, column=headers.index(key) + 1, value=value)
    book.save(target)
    return target


def test_french_labels_typed_in_cells_import_as_codes(template, tmp_path):
    """What an analyst picks from the drop-downs (labels, not codes) is what gets published."""
    rows = minimal_sheets()
    expected = minimal_sheets()
    for name, records in rows.items():
        for record in records:
            for key, value in list(record.items()):
                column = SHEETS[name].column(key)
                if column.kind == "code" and value:
                    record[key] = LABELS[column.vocabulary][value]
                elif column.kind == "codes" and value:
                    record[key] = ";".join(LABELS[column.vocabulary][v] for v in value.split(";"))
    assert rows["acteurs"][0]["champ"] != expected["acteurs"][0]["champ"]
    validation = validate(read_paths([_fill(template, rows, tmp_path / "libelles.xlsx")]))
    assert [p.message for p in validation.problems if p.severity == "erreur"] == []
    for name, records in expected.items():
        for column in SHEETS[name].columns:
            if column.kind in ("code", "codes") and column.name in records[0]:
                published = validation.tables[name][column.name].tolist()
                typed = [r.get(column.name) for r in records]
                assert [p if isinstance(p, str) else None for p in published] == [
                    t or None for t in typed
                ], (name, column.name)


def test_rows_read_count_only_data_sheets(template, tmp_path):
    rows = minimal_sheets()
    workbook = read_paths([_fill(template, rows, tmp_path / "compte.xlsx")])
    assert {"lisez_moi", "listes"} <= set(workbook.sheets)  # read, but not data
    assert data_rows(workbook) == sum(len(records) for records in rows.values())


def test_filled_template_validates_without_error(template, tmp_path):
    book = openpyxl.load_workbook(template)
    rows = minimal_sheets()
    for name, records in rows.items():
        worksheet = book[name]
        headers = [cell.value for cell in worksheet[1]]
        for number, record in enumerate(records, start=2):
            for key, value in record.items():
                worksheet.cell(row=number, column=headers.index(key) + 1, value=value)
    filled = tmp_path / "rempli.xlsx"
    book.save(filled)
    validation = validate(read_paths([filled]))
    assert [p for p in validation.problems if p.severity == "erreur"] == []
    for name, records in rows.items():
        assert len(validation.tables[name]) == len(records)
    assert validation.tables["acteurs"]["commune"].tolist() == [
        r["commune"] for r in rows["acteurs"]
    ]


def test_cli_writes_the_template(tmp_path):
    target = tmp_path / "sous-dossier" / "modele.xlsx"
    assert main(["template", str(target)]) == 0
    assert openpyxl.load_workbook(target).sheetnames[0] == README_SHEET
