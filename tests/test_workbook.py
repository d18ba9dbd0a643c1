"""Reading real files: formats, encodings, formulas, and files that must be refused cleanly."""

import io
import time
import tracemalloc
import zipfile

import openpyxl
import pandas as pd
import pytest

from maillage.publishing import check
from maillage.workbook import UnreadableWorkbook, read_workbook
from tests.workbooks import csv_bytes, minimal_sheets, xlsx_bytes


def csv_files(delimiter=";", encoding="utf-8"):
    return [
        (f"{name}.csv", csv_bytes(rows, delimiter, encoding))
        for name, rows in minimal_sheets().items()
    ]


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_csv_files_are_sheets_whatever_separator_and_encoding(delimiter, encoding):
    _, validation = check(csv_files(delimiter, encoding))
    assert validation.valid, [p.message for p in validation.problems]
    names = validation.tables["acteurs"].set_index("id")["nom"]
    assert names["A_CAF"] == "CAF de l’Allier"
    assert validation.tables["dispositifs"]["thematiques"].iloc[0] == "enfance_jeunesse;sante"


def test_ods_is_read_like_xlsx(tmp_path):
    path = tmp_path / "classeur.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in minimal_sheets().items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, index=False)
    _, validation = check([(path.name, path.read_bytes())])
    assert validation.valid, [p.message for p in validation.problems]
    assert len(validation.tables["acteurs"]) == len(minimal_sheets()["acteurs"])


def test_rows_are_numbered_as_the_spreadsheet_numbers_them_even_with_blank_rows():
    sheets = minimal_sheets()
    sheets["acteurs"].insert(1, {})  # an empty row 3
    sheets["acteurs"][3]["champ"] = "inconnu"  # now on sheet row 5
    _, validation = check([("c.xlsx", xlsx_bytes(sheets))])
    bad = [p for p in validation.problems if p.code == "unknown_code"]
    assert [(p.sheet, p.row, p.column) for p in bad] == [("acteurs", 5, "champ")]


def test_header_not_on_first_row_keeps_true_row_numbers():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "acteurs"
    sheet["A3"], sheet["B3"] = "id", "nom"
    sheet["A4"], sheet["B4"] = "X1", "Nom"
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = read_workbook([("c.xlsx", buffer.getvalue())])
    assert list(raw.sheets["acteurs"].frame.index) == [4]


def test_formulas_are_not_evaluated_and_are_reported():
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in minimal_sheets().items():
        sheet = workbook.create_sheet(name)
        headers = list(rows[0])
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
    workbook["acteurs"]["B2"] = '=CONCATENATE("Mont","luçon")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, validation = check([("c.xlsx", buffer.getvalue())])
    notices = [p for p in validation.problems if p.code == "formula"]
    assert [(p.sheet, p.severity) for p in notices] == [("acteurs", "avertissement")]
    assert "B2" in notices[0].message
    assert notices[0].message.startswith("La feuille contient 1\u00a0formule (ex. B2) : ")


def zip_with(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


VALID = xlsx_bytes(minimal_sheets())
HOSTILE = {
    "empty file": ("vide.xlsx", b"", "vide"),
    "not a workbook": ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "lisible"),
    "truncated zip": ("coupe.xlsx", VALID[: len(VALID) // 2], "lisible"),
    "wrong extension": ("notes.txt", b"id;nom\n1;x\n", "Formats acceptés"),
    "legacy or encrypted": (
        "ancien.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        "mot de passe",
    ),
    "zip bomb": (
        "bombe.xlsx",
        zip_with(
            {
                "xl/workbook.xml": b"<workbook/>",
                "xl/worksheets/sheet1.xml": b"<" + b"a" * 300_000_000,
            }
        ),
        "anormalement compressé",
    ),
    "xml entity bomb": (
        "entites.xlsx",
        zip_with(
            {
                "xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><workbook>&lol2;</workbook>',
            }
        ),
        "DOCTYPE",
    ),
    "macros": (
        "macros.xlsx",
        zip_with({"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"\0" * 10}),
        "macros",
    ),
    "over the size limit": ("gros.xlsx", b"PK" + b"\0" * (26 * 1024 * 1024), "limite"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_files_get_a_french_message_quickly_and_in_bounded_memory(case):
    name, data, words = HOSTILE[case]
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UnreadableWorkbook) as refused:
        read_workbook([(name, data)])
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert words in str(refused.value)
    assert name in str(refused.value)
    assert elapsed < 5
    assert peak < 64 * 1024 * 1024
