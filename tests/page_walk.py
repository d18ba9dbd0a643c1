"""Walk every screen of the real app the way a visitor sees it, and read everything it sent.

`walk()` opens each page in AppTest (through a share link when a token is given), gathers
the text of every element of the delta — markdown, captions, metrics, widget labels and
options, dataframe cells, plotly and pydeck specs (labels, hover texts, tooltips) — and runs
every deferred download the page offers (tables, the meeting report), as the browser would
when the button is clicked. Tests then search that text for what must not be there: the
check does not trust `restrict()` or any other code under test.
"""

from __future__ import annotations

import csv
import html
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from google.protobuf.json_format import MessageToDict
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def _screens(analyst_only: bool) -> tuple[str, ...]:
    """Pages of the menu (maillage.ui.navigation), read here so the walks grow with it."""
    from maillage.ui.navigation import HOME, SCREENS

    return tuple(s.file for s in SCREENS if s is not HOME and (s.needs is not None) is analyst_only)


READ_ONLY_PAGES = _screens(False)
ANALYST_PAGES = _screens(True)


@dataclass
class Screen:
    page: str  # "" for the home page
    texts: list[str] = field(default_factory=list)
    elements: list[tuple[str, dict]] = field(default_factory=list)  # (type, proto as dict)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass
class Walk:
    screens: list[Screen]
    downloads: dict[str, str]  # file name → its text (cells of a workbook, CSV, HTML)

    def everything(self) -> str:
        return "\n".join([*(s.text for s in self.screens), *self.downloads.values()])

    def where(self, needle: str) -> list[str]:
        """Pages and files whose text holds `needle` (for a readable failure)."""
        found = [s.page or "synthese" for s in self.screens if needle in s.text]
        return found + [name for name, text in self.downloads.items() if needle in text]


def _strings(value, out: list[str]) -> None:
    """Every string inside a proto's dict; JSON strings (plotly, pydeck) are opened too."""
    if isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    elif isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in "{[":
            try:
                _strings(json.loads(stripped), out)
                return
            except ValueError:
                pass
        out.append(value)


def _nodes(node):
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    if getattr(node, "proto", None) is not None:
        yield node
    for child in children.values():
        yield from _nodes(child)


def read_screen(at: AppTest, page: str) -> Screen:
    screen = Screen(page)
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if node.type in ("dataframe", "arrow_data_frame", "table"):
            frame = node.value
            screen.texts.append(" ".join(map(str, frame.columns)))
            screen.texts.append(frame.to_csv(sep="\t", index=False))
            continue
        as_dict = MessageToDict(proto, preserving_proto_field_name=True)
        screen.elements.append((node.type, as_dict))
        _strings(as_dict, screen.texts)
    return screen


def file_text(name: str, data: bytes | str) -> str:
    """What a person opening the file reads: cells of a workbook, a CSV, an HTML page, a PDF."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [
            str(v)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        ]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # the raw XML too
            raw = [
                archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
            ]
        return "\n".join(cells + [html.unescape(x) for x in raw])
    if name.endswith(".pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    text = data.decode("utf-8-sig")
    if name.endswith(".csv"):
        return "\n".join(";".join(row) for row in csv.reader(io.StringIO(text), delimiter=";"))
    return text + "\n" + html.unescape(text)


class _Recorder:
    """Keeps the deferred download callables each run registers, to run them afterwards."""

    def __init__(self):
        self.calls: dict[str, object] = {}
        self._original = MediaFileManager.add_deferred

    def __enter__(self):
        recorder = self

        def add_deferred(manager, data_callable, mimetype, coordinates, file_name=None, **kwargs):
            recorder.calls[file_name or coordinates] = data_callable
            return recorder._original(
                manager, data_callable, mimetype, coordinates, file_name=file_name, **kwargs
            )

        MediaFileManager.add_deferred = add_deferred
        return self

    def __exit__(self, *exc):
        MediaFileManager.add_deferred = self._original


def walk(
    query: dict[str, str] | None = None, pages: tuple[str, ...] = READ_ONLY_PAGES, setup=None
) -> Walk:
    """Every page (the home page first) with `query` in its address; `setup(at)` may set
    widgets before the walk's own run."""
    screens, downloads = [], {}
    for page in ("", *pages):
        with _Recorder() as recorder:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
            if page:
                at.switch_page(f"pages/{page}")
            for key, value in (query or {}).items():
                at.query_params[key] = value
            if setup:
                setup(at)
            at.run()
            assert not at.exception, (page, [e.value for e in at.exception])
        screens.append(read_screen(at, page))
        for name, make in recorder.calls.items():
            downloads[f"{page or 'synthese'}:{name}"] = file_text(name, make())
    return Walk(screens, downloads)
