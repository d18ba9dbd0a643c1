"""The real server and a real browser for the journeys (see bench/live.py).

One `streamlit run serve.py` (the app behind its gate, MAILLAGE_AUTH=off as `make run`) per
test session, on a free loopback port, with a temporary database where the demo is published;
Debian's chromium, never a downloaded one. When chromium is missing the journeys fail with a
French message: they are never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.live import (
    CHROMIUM_ARGS,
    MISSING_CHROMIUM,
    ROOT,
    chromium_path,
    publish_base,
    streamlit_server,
)
from maillage.store import Store

ARTIFACTS = ROOT / "test-artifacts"


@dataclass(frozen=True)
class Live:
    url: str
    db: Path
    space: str

    @property
    def store(self) -> Store:
        return Store(self.db)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = ARTIFACTS / "e2e"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory, artifacts) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("serveur")
    db = folder / "maillage.db"
    space = publish_base(db)
    with streamlit_server(db, artifacts / "streamlit.log") as url:
        yield Live(url, db, space)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def page(browser, request, artifacts):
    """A fresh browser context (a new Streamlit session); a screenshot is kept on failure."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="fr-FR", timezone_id="Europe/Paris"
    )
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    yield opened
    if getattr(request.node, "call_failed", False):
        name = "".join(c if c.isalnum() else "-" for c in request.node.name)
        opened.screenshot(path=str(artifacts / f"echec-{name}.png"), full_page=True)
    context.close()
