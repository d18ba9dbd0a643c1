"""Open a screen of the real app in AppTest, and publish a workbook for it to show.

AppTest runs a page switched to without `app.py`'s router; every page calls the shared frame
itself, so what is tested is what users see (DESIGN.md, known trap)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from maillage.publishing import import_files
from maillage.store import Store
from maillage.ui.navigation import screen
from tests.workbooks import minimal_sheets, xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]


def page_file(stem: str) -> str:
    """`pages/<stem>.py` of a registered screen (KeyError for an unknown one)."""
    return f"pages/{screen(stem.removesuffix('.py')).file}"


def open_page(page: str | None = None, query: dict | None = None) -> AppTest:
    """`app.py`, switched to the screen `page` (its stem; the home when None), with `query` in
    the address, run once without exception. The one way tests open a screen."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if page:
        at.switch_page(page_file(page))
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def publish(db_path: Path, sheets: dict | None = None, space: str = "principal") -> int:
    """Publish `sheets` (the minimal workbook by default) through the real import path."""
    files = [("t.xlsx", xlsx_bytes(sheets or minimal_sheets()))]
    outcome = import_files(Store(db_path), space, files)
    assert outcome.version is not None, [p.message for p in outcome.validation.problems]
    return outcome.version.version
