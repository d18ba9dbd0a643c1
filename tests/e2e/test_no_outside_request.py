"""Nothing leaves the machine: every request of every screen of the demo, of a share link and
of the login page, as the browser makes it (documents, scripts, fonts, icons, map styles,
tiles), goes to this server. Found: a Google font host for each `:material/…:` page icon,
CARTO's map style for each pydeck map (now drawn without any base map or style)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from bench.live import DECK, SETTLED, screens, url_path
from maillage import sharing

PAGE_TIMEOUT = 90_000


def _is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


INTERACTIVE = "atlas?carte=interactive"  # the map one explores: deck.gl


def _visit(page: Page, url: str, requested: list[str], maps: list[str] | None = None) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(SETTLED, timeout=PAGE_TIMEOUT)
    page.wait_for_timeout(300)
    page.wait_for_selector(SETTLED, timeout=PAGE_TIMEOUT)
    if url.endswith(INTERACTIVE):  # WebGL may draw well after the run on a loaded machine
        page.wait_for_selector(DECK, timeout=PAGE_TIMEOUT)
    if page.locator(DECK).count():
        if maps is not None:
            maps.append(url)
        page.mouse.move(700, 500)  # a map: hover it, its tooltip and style are loaded
    page.wait_for_timeout(1000)  # favicon, map style and late fonts come after the run


@pytest.mark.timeout(900)  # every screen in turn, on a shared 2-core machine
def test_no_page_of_the_demo_requests_a_third_party(live, page):
    requested: list[str] = []
    drawn: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    urls = [live.url, *(f"{live.url}/{url_path(file)}" for file, _t, _a in screens())]
    token, link = sharing.create(live.store, live.space)
    urls += [f"{live.url}/?partage={token}", f"{live.url}/atlas?partage={token}"]
    urls.append(f"{live.url}/{INTERACTIVE}")
    try:
        for url in urls:
            _visit(page, url, requested, drawn)
    finally:
        sharing.revoke(live.store, link.id)
    assert len(requested) > 3 * len(urls)  # the listener saw the pages' own requests
    outside = sorted({u for u in requested if not _is_loopback(u)})
    assert not outside, f"requêtes vers l’extérieur : {outside}"
    assert any(u.endswith(INTERACTIVE) for u in drawn)  # a map was drawn, and hovered


def test_the_login_page_requests_no_third_party(browser, tmp_path, artifacts):
    from bench.live import publish_base, streamlit_server

    db = tmp_path / "maillage.db"
    publish_base(db)
    requested: list[str] = []
    with streamlit_server(
        db, artifacts / "streamlit-connexion.log", env={"MAILLAGE_AUTH": "on"}
    ) as url:
        context = browser.new_context()
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        try:
            _visit(page, url, requested)
            assert page.get_by_text("Connexion").first.is_visible()
        finally:
            context.close()
    outside = sorted({u for u in requested if not _is_loopback(u)})
    assert not outside, f"requêtes vers l’extérieur : {outside}"
