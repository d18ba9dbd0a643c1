"""The atlas of a whole region (Auvergne-Rhône-Alpes, 4,025 communes) in headless chromium:
the map is drawn, and what the server sends the browser for it stays under 5 MB."""

from __future__ import annotations

from playwright.sync_api import Page

from bench.indicators_scale import synthetic_tables
from bench.live import DECK, EXCEPTION, SETTLED, streamlit_server, url_path
from maillage.reference import load_reference
from maillage.store import Store

MAP_BUDGET_BYTES = 5_000_000


def test_the_atlas_of_a_region_is_drawn_with_under_five_megabytes(page: Page, tmp_path, artifacts):
    db = tmp_path / "region.db"
    tables = synthetic_tables("region", seed=0)
    Store(db).publish("region", tables, file="region.xlsx", sha256=None)
    region = load_reference().communes.query("region == '84'")
    received: list[int] = []
    page.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda frame: received.append(len(frame))),
    )
    with streamlit_server(db, artifacts / "streamlit-region.log") as url:
        page.goto(f"{url}/{url_path('atlas.py')}?carte=interactive", wait_until="domcontentloaded")
        page.wait_for_selector(DECK, timeout=180_000)
        page.wait_for_selector(SETTLED, timeout=180_000)
        page.wait_for_timeout(1_000)  # let deck.gl paint before the screenshot
        page.screenshot(path=str(artifacts / "atlas-auvergne-rhone-alpes.png"))
        assert page.locator(EXCEPTION).count() == 0
        assert page.locator(DECK).first.is_visible()
    assert len(region) == 4025
    assert sum(received) < MAP_BUDGET_BYTES + 1_000_000  # the map, plus the page around it
