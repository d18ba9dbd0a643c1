"""Workbook text stays text in a real browser (finding 9 of issue 18): on every screen of a
space whose names hold a markdown image, links, an `<img onerror>` and a bidi override, the
browser requests nothing from the trap address, opens no dialog and builds no link or image
from the data — hovering the charts included."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from bench.live import EXCEPTION, PLOTLY, SETTLED, screens, streamlit_server, url_path
from maillage.publishing import import_files
from maillage.store import Store
from tests.hostile_text import TRAP, hostile_sheets
from tests.workbooks import xlsx_bytes

PAGE_TIMEOUT = 90_000
# Elements the data could have become: a link to the trap, an image, a link with its words.
FROM_DATA = (
    f'a[href*="{TRAP}"], img[src="x"], img[src*="{TRAP}"], [src*="{TRAP}"], [href*="{TRAP}"]'
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, artifacts):
    db = tmp_path_factory.mktemp("texte") / "maillage.db"
    name = f"![f](http://{TRAP}/f.png).xlsx"
    outcome = import_files(Store(db), "principal", [(name, xlsx_bytes(hostile_sheets()))])
    assert outcome.version is not None
    with streamlit_server(db, artifacts / "streamlit-texte.log") as url:
        yield url


def settle(page: Page) -> None:
    page.wait_for_selector(SETTLED, timeout=PAGE_TIMEOUT)
    page.wait_for_timeout(300)
    page.wait_for_selector(SETTLED, timeout=PAGE_TIMEOUT)


def test_no_markup_from_data_on_any_screen(hostile, page: Page, artifacts):
    requests, dialogs = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for file, title, _analyst_only in [("", "Synthèse", False), *screens()]:
        page.goto(f"{hostile}/{url_path(file) if file else ''}", wait_until="domcontentloaded")
        settle(page)
        assert page.locator(EXCEPTION).count() == 0, title
        charts = page.locator(PLOTLY)
        for index in range(min(charts.count(), 4)):  # plotly draws its hover labels as SVG
            box = charts.nth(index).bounding_box()
            if box:
                for fx, fy in ((0.5, 0.5), (0.3, 0.3), (0.7, 0.6)):
                    page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                    page.wait_for_timeout(150)
        page.wait_for_timeout(500)
        made = page.locator(FROM_DATA).count()
        links = page.evaluate("""() => [...document.querySelectorAll('a')]
            .map(a => a.textContent)
            .filter(t => t.includes('lien piégé') || t.trim() === 'ici' || t.includes('piege'))
        """)
        assert made == 0 and links == [], (title, made, links)
        page.screenshot(
            path=str(artifacts / f"texte-{url_path(file) or 'synthese'}.png"), full_page=True
        )
    assert [u for u in requests if TRAP in u] == []
    assert dialogs == []
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "\u202e" not in text
