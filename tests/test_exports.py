"""Exports: every formula-like string stays inert text; the meeting report is self-contained."""

import csv
import io
import re
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import pytest

from maillage.exports import csv_bytes, sheet_name, xlsx_bytes
from maillage.model import build_model
from maillage.report import ReportSource, meeting_report
from maillage.validation import validate
from maillage.workbook import read_workbook
from tests.workbooks import minimal_sheets
from tests.workbooks import xlsx_bytes as workbook_bytes

HOSTILE = [
    "=1+2",
    "+33 4 70 00 00 00",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=cmd|' /C calc'!A0",
    '\r=HYPERLINK("http://x")',
    '=HYPERLINK("http://evil.example","clic")',
]
PLAIN = ["Centre social", "", "a=b", "Montluçon"]


def _frame() -> pd.DataFrame:
    texts = HOSTILE + PLAIN
    return pd.DataFrame(
        {
            "nom": texts,
            "=colonne": texts[::-1],
            "nombre": [float(i) / 2 for i in range(len(texts))],
            "entier": pd.array([*range(len(texts) - 1), None], dtype="Int64"),
            "date": pd.to_datetime(["2026-11-21"] * len(texts)),
        }
    )


def _cells(data: bytes):
    """Every cell; OOXML escapes a carriage return as `_x000D_`, which openpyxl leaves as is."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value.replace("_x000D_", "\r") if cell.data_type == "s" else None
                yield cell, text


def test_xlsx_writes_every_formula_like_string_as_text():
    data = xlsx_bytes({"acteurs": _frame()}, about={"Espace": "=demo", "Version": "3"})
    cells = list(_cells(data))
    assert not [c for c, _ in cells if c.data_type == "f"]
    assert b"<f>" not in _sheet_xml(data)
    risky = [(c, t) for c, t in cells if t and t.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert len(risky) == 2 * len(HOSTILE) + 2  # two columns, the header, the about sheet
    for cell, _ in risky:
        assert cell.quotePrefix, cell.coordinate  # Excel keeps it text even when edited
    values = {t for _, t in cells if t is not None}
    assert set(HOSTILE) <= values  # written as given, not altered


def _sheet_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(n) for n in archive.namelist() if "worksheets/" in n)


def test_xlsx_keeps_numbers_dates_and_blanks():
    frame = _frame()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": frame})))
    sheet = book["t"]
    header = [c.value for c in sheet[1]]
    assert header == list(frame.columns)
    assert sheet.cell(row=3, column=3).value == frame["nombre"].iloc[1]
    assert sheet.cell(row=3, column=4).value == 1
    assert sheet.cell(row=len(frame) + 1, column=4).value is None
    assert sheet.cell(row=2, column=5).value == datetime(2026, 11, 21)
    assert sheet.freeze_panes == "A2"


def test_xlsx_index_becomes_a_column_and_sheet_names_are_valid():
    frame = pd.DataFrame({"nom": ["a"]}, index=pd.Index(["A1"], name="id"))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"a/b:c" * 10: frame, "a/b:c": frame})))
    assert [c.value for c in book.worksheets[0][1]] == ["id", "nom"]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in book.sheetnames)
    assert len(set(book.sheetnames)) == 2
    assert sheet_name("x", {"X"}) == "x (2)"


def test_csv_prefixes_every_formula_like_cell():
    rows = list(csv.reader(io.StringIO(csv_bytes(_frame()).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][1] == "'=colonne"
    cells = [cell for row in rows for cell in row]
    for value in HOSTILE:
        assert f"'{value}" in cells
        assert value not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "Centre social" in cells and "a=b" in cells
    assert rows[2][2] == "0,5" and rows[1][4] == "21/11/2026"


def test_csv_is_excel_friendly():
    data = csv_bytes(pd.DataFrame({"nom": ["é"]}))
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig") == "nom\r\né\r\n"


@pytest.fixture(scope="module")
def model():
    sheets = minimal_sheets()
    sheets["acteurs"][0]["nom"] = "<script>alert(1)</script>"
    sheets["dispositifs"][0]["nom"] = "<img src=x onerror=alert(1)>"
    return build_model(validate(read_workbook([("t.xlsx", workbook_bytes(sheets))])).tables)


def test_meeting_report_is_self_contained_and_escaped(model):
    source = ReportSource("principal", 4, "2026-11-20T13:05:00+00:00", "Montluçon <est>")
    html = meeting_report(model, source, now=datetime(2026, 11, 21, 10, tzinfo=UTC))
    assert html.startswith("<!DOCTYPE html>") and 'lang="fr"' in html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    tags = " ".join(re.findall(r"<[^>]+>", html))
    assert not re.search(r"""\b(src|href)\s*=|@import|url\(""", tags, re.IGNORECASE)
    assert "Montluçon &lt;est&gt;" in html
    assert "@media print" in html and "<svg" in html
    assert "version 4 publiée le 20/11/2026 à 14:05" in html
    assert "Rapport du 21/11/2026" in html


def test_meeting_report_numbers_come_from_the_model(model):
    source = ReportSource("principal", 1, "2026-11-20T13:05:00+00:00", "Tout le territoire")
    html = meeting_report(model, source)
    text = re.sub(r"<[^>]+>", " ", html)
    assert re.search(rf"\b{len(model.territory)}\s+communes\b", text)
    assert re.search(rf"\b{len(model.actors)}\s+acteurs\b", text)
    assert re.search(rf"\b{len(model.schemes)}\s+dispositifs\b", text)
    for scheme_type in set(model.schemes["type"]):
        assert scheme_type in text
