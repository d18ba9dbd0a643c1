"""Read an analyst's files into raw sheets of text, safely.

Uploaded files are untrusted. Before any parser sees a zip-based workbook we check what the
zip declares and what it really holds (size, compression ratio, macros, XML DOCTYPE): a
1.8 MB upload holding 394 MB of sheet XML is refused in milliseconds instead of driving the
reader to gigabytes of memory. Cells are read as text by calamine (fastexcel), formulas are
never evaluated (their cached values are read, with a warning), and every value keeps the
spreadsheet row it came from so that problems can point at it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import defusedxml.ElementTree as SafeET
import fastexcel
import pandas as pd

from maillage.formats import counted, format_bytes, format_date, format_dates, format_number
from maillage.problems import WARNING, Problem, problem
from maillage.schema import normalize_name
from maillage.texts import UNREADABLE

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 5_000
MAX_COLUMNS = 200
MAX_ROWS = 1_500_000
EXTENSIONS = {".xlsx", ".ods", ".csv"}
_CHUNK = 4 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class UnreadableWorkbook(Exception):
    """The file cannot be opened as a workbook at all; the message says why, in French."""


@dataclass(frozen=True)
class RawSheet:
    name: str  # as written in the file
    source: str  # file name
    frame: pd.DataFrame  # text cells (NaN when empty), headers as written, index = sheet row
    header_row: int = 1


@dataclass(frozen=True)
class RawWorkbook:
    sheets: dict[str, RawSheet]  # by normalised sheet name
    files: tuple[str, ...]
    sha256: str
    notices: tuple[Problem, ...] = field(default=())


@dataclass(frozen=True)
class _XlsxSheetFacts:
    first_row: int
    formula_count: int
    formula_cells: tuple[str, ...]


def raw_from_tables(tables: Mapping[str, pd.DataFrame], source: str) -> RawWorkbook:
    """Published sheets (codes, dates, numbers) back as the text cells a reader would give,
    so that rows added on top of a version are validated by the same rules as an upload."""
    sheets = {}
    for name, table in tables.items():
        text = table.reset_index(drop=True).apply(_as_cells)
        text.index = pd.RangeIndex(2, 2 + len(text))
        sheets[normalize_name(name)] = RawSheet(name, source, _clean(text) if len(text) else text)
    return RawWorkbook(sheets, (source,), sha256="")


def _as_cells(column: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column):
        return format_dates(column)
    values = column.astype(object)
    return values.map(_as_cell)


def _as_cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return format_date(value)
    return str(value)


def read_files(
    paths: Iterable[str | Path], max_bytes: int = MAX_FILE_BYTES
) -> list[tuple[str, bytes]]:
    """The files' names and bytes, refusing a missing or oversized file before reading it."""
    files = []
    for path in map(Path, paths):
        if not path.is_file():
            raise UnreadableWorkbook(UNREADABLE["missing"].format(name=path))
        if path.stat().st_size > max_bytes:
            _refuse("too_large", path.name, size=path.stat().st_size, limit=max_bytes)
        files.append((path.name, path.read_bytes()))
    return files


def read_paths(paths: Iterable[str | Path], max_bytes: int = MAX_FILE_BYTES) -> RawWorkbook:
    return read_workbook(read_files(paths, max_bytes), max_bytes)


_INVISIBLE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def base_name(name: str) -> str:
    """`../../x.xlsx` or `C:\\dossier\\x.xlsx` → `x.xlsx`, without control or bidi
    characters (which would reorder the text around it), at most 200 characters."""
    kept = _INVISIBLE.sub("", str(name).replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return kept[-200:] or "classeur"


def read_workbook(
    files: Iterable[tuple[str, bytes]], max_bytes: int = MAX_FILE_BYTES
) -> RawWorkbook:
    """Read one workbook (.xlsx/.ods) or several .csv files (one sheet each). A file's name
    comes from the browser: only its base name is kept (it is stored with the version)."""
    files = sorted((base_name(name), data) for name, data in files)
    if not files:
        raise UnreadableWorkbook(UNREADABLE["no_files"])
    digest = hashlib.sha256()
    sheets: dict[str, RawSheet] = {}
    notices: list[Problem] = []
    for name, data in files:
        digest.update(data)
        for sheet, facts_notice in _read_file(name, data, max_bytes):
            key = normalize_name(sheet.name)
            if key in sheets:
                notices.append(problem("duplicate_sheet", sheet=sheet.name))
                continue
            sheets[key] = sheet
            if facts_notice:
                notices.append(facts_notice)
    return RawWorkbook(sheets, tuple(n for n, _ in files), digest.hexdigest(), tuple(notices))


def _read_file(name: str, data: bytes, max_bytes: int):
    if not data:
        _refuse("empty", name)
    if len(data) > max_bytes:
        _refuse("too_large", name, size=len(data), limit=max_bytes)
    extension = Path(name).suffix.lower()
    if data[:8] == _OLE_MAGIC:
        _refuse("legacy_or_encrypted", name)
    if extension not in EXTENSIONS:
        _refuse("extension", name)
    if extension == ".csv":
        return [(_read_csv(name, data), None)]
    facts = _inspect_zip(name, data, extension)
    return _read_with_calamine(name, data, facts)


def _refuse(code: str, name: str, **params: str | int) -> NoReturn:
    if "size" in params:
        params["size"] = format_bytes(int(params["size"]))
        params["limit"] = format_bytes(int(params["limit"]))
    raise UnreadableWorkbook(UNREADABLE[code].format(name=name, **params))


def _inspect_zip(name: str, data: bytes, extension: str) -> dict[str, _XlsxSheetFacts]:
    """Refuse bombs, macros and DOCTYPEs; for .xlsx, learn each sheet's first row and formulas."""
    kind = "Excel (.xlsx)" if extension == ".xlsx" else "OpenDocument (.ods)"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse("not_zip", name, kind=kind)
    with archive:
        if len(members) > MAX_ZIP_MEMBERS:
            _refuse("bomb", name, detail=f"{format_number(len(members))} éléments")
        declared = sum(m.file_size for m in members)
        if declared > MAX_UNCOMPRESSED_BYTES:
            _refuse("bomb", name, detail=f"{format_bytes(declared)} une fois décompressé")
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO:
                _refuse("bomb", name, detail=f"taux de compression {format_number(ratio)}")
            lowered = member.filename.lower()
            if lowered.endswith("vbaproject.bin") or lowered.startswith("basic/"):
                _refuse("macros", name)
            if member.flag_bits & 0x1:
                _refuse("legacy_or_encrypted", name)
        names = {m.filename for m in members}
        needed = "xl/workbook.xml" if extension == ".xlsx" else "content.xml"
        if needed not in names:
            _refuse("not_zip", name, kind=kind)
        try:
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as stream:
                        head = stream.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        _refuse("dtd", name)
            return _xlsx_sheet_facts(archive) if extension == ".xlsx" else {}
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, SafeET.ParseError):
            _refuse("not_zip", name, kind=kind)


def _xlsx_sheet_facts(archive: zipfile.ZipFile) -> dict[str, _XlsxSheetFacts]:
    """Map sheet name → facts, streaming each sheet's XML once (this also checks its CRC)."""
    workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
    facts = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        path = posixpath.normpath(path)
        if path in archive.namelist():
            facts[sheet.get("name")] = _scan_sheet_xml(archive, path)
    return facts


_FIRST_VALUE = re.compile(rb'<c r="[A-Z]+(\d+)"[^>]*>(?:(?!</c>).){0,200}?<(?:v|is)[ >]', re.S)
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*>\s*<f[ >/]')


def _scan_sheet_xml(archive: zipfile.ZipFile, path: str) -> _XlsxSheetFacts:
    first_row, count, tail = None, 0, b""
    cells: list[str] = []
    with archive.open(path) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk  # the tail lets a tag cut between two chunks be seen whole
            if first_row is None and (match := _FIRST_VALUE.search(window)):
                first_row = int(match.group(1))
            new = max(len(tail) - 2, 0)  # tags starting earlier were counted with the tail
            found = window.count(b"<f>", new) + window.count(b"<f ", new)
            if found:
                count += found
                if len(cells) < 5:
                    cells += [m.group(1).decode() for m in _FORMULA_CELL.finditer(window)]
                    cells = list(dict.fromkeys(cells))[:5]
            tail = window[-512:]
    return _XlsxSheetFacts(first_row or 1, count, tuple(cells))


def _read_with_calamine(name: str, data: bytes, facts: dict[str, _XlsxSheetFacts]):
    try:
        reader = fastexcel.read_excel(data)
        sheet_names = reader.sheet_names
    except Exception as error:  # calamine raises several exception types for broken files
        _refuse("parse", name, detail=str(error).splitlines()[0][:200])
    result = []
    for sheet_name in sheet_names:
        try:
            loaded = reader.load_sheet(sheet_name, header_row=None, dtypes="string")
            if loaded.width > MAX_COLUMNS or loaded.height > MAX_ROWS:
                limit = f"{format_number(MAX_ROWS)} lignes, {MAX_COLUMNS} colonnes"
                raise UnreadableWorkbook(
                    UNREADABLE["too_many_cells"].format(
                        name=name,
                        sheet=sheet_name,
                        rows=format_number(loaded.height),
                        columns=format_number(loaded.width),
                        limit=limit,
                    )
                )
            grid = loaded.to_pandas()
        except UnreadableWorkbook:
            raise
        except Exception as error:
            _refuse("parse", name, detail=str(error).splitlines()[0][:200])
        sheet_facts = facts.get(sheet_name)
        header_row = sheet_facts.first_row if sheet_facts else 1
        notice = None
        if sheet_facts and sheet_facts.formula_count:
            notice = problem(
                "formula",
                sheet=sheet_name,
                severity=WARNING,
                count=counted(sheet_facts.formula_count, "formule"),
                cells=", ".join(sheet_facts.formula_cells) or "—",
            )
        result.append((_frame_from_grid(sheet_name, name, grid, header_row), notice))
    return result


def _frame_from_grid(sheet: str, source: str, grid: pd.DataFrame, header_row: int) -> RawSheet:
    """First row = headers; keep the sheet row number of every data row; drop empty rows."""
    if grid.empty:
        return RawSheet(sheet, source, pd.DataFrame(), header_row)
    headers = [_header(v, i) for i, v in enumerate(grid.iloc[0].tolist())]
    body = grid.iloc[1:].copy()
    body.columns = headers
    body.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(body))
    return RawSheet(sheet, source, _clean(body), header_row)


def _header(value: object, position: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip():
        return f"colonne_{position + 1}"
    return str(value).strip()


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with spaces stripped and blanks as NaN; drop rows and unnamed columns
    that hold nothing."""
    frame = frame.astype("str")
    frame = frame.apply(lambda column: column.str.strip().mask(lambda c: c == ""))
    frame = frame.dropna(how="all")
    unnamed = [c for c in frame.columns if c.startswith("colonne_") and frame[c].isna().all()]
    return frame.drop(columns=unnamed)


def _read_csv(name: str, data: bytes) -> RawSheet:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - latin-1 decodes every byte string
        _refuse("encoding", name)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:  # newline="": a lone \r (old Mac files) ends a line instead of breaking the parse
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:  # e.g. binary bytes renamed to .csv
        _refuse("parse", name, detail="structure CSV illisible")
    if not rows:
        return RawSheet(Path(name).stem, name, pd.DataFrame())
    width = max(len(r) for r in rows)
    if width > MAX_COLUMNS or len(rows) > MAX_ROWS:
        raise UnreadableWorkbook(
            UNREADABLE["too_many_cells"].format(
                name=name,
                sheet=Path(name).stem,
                rows=format_number(len(rows)),
                columns=format_number(width),
                limit=f"{format_number(MAX_ROWS)} lignes, {MAX_COLUMNS} colonnes",
            )
        )
    grid = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
    return _frame_from_grid(Path(name).stem, name, grid, 1)
