"""A steering committee's screens, through a share link, on a projector (1920×1080) and on a
phone (390×844): the territory named in the tab title, the shared-view notice in the page
itself, French only, and a phone layout without the network graph. Every page is saved as a
screenshot under test-artifacts/ecrans/ (gitignored), for a human to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from bench.live import screens, streamlit_server, url_path
from maillage import sharing
from maillage.model import build_model
from maillage.reference import load_reference
from maillage.ui import maps
from tests import walk
from tests.apptests import publish
from tests.e2e.conftest import Live
from tests.e2e.test_share_journey import PAGE_TIMEOUT, settle
from tests.workbooks import ardeche_sheets

SIZES = {"projecteur": (1920, 1080), "telephone": (390, 844)}
# The app scrolls inside its own container: let the page grow so a screenshot shows it all.
WHOLE_PAGE = (
    "[data-testid=stAppViewContainer],[data-testid=stMain],html,body,#root,.stApp"
    "{height:auto!important;overflow:visible!important}"
)


def _link(live, space: str, perimeter: str | None = None):
    """A link scoped to one EPCI of `space` (its first, or `perimeter`): (token, name, codes,
    link) — codes are every identifier a reader could meet as a bare number."""
    full = build_model(live.store.load(space))
    epci = full.perimeters[full.perimeters["type"] == "epci"]
    chosen = perimeter or epci.index[0]
    token, link = sharing.create(live.store, space, chosen)
    codes = {
        *load_reference().communes.index,
        *load_reference().epci.index,
        *full.perimeters.index,
        *full.actors.index,
        *full.schemes.index,
    }
    return token, str(epci.loc[chosen, "nom"]), codes, link


@pytest.fixture(scope="module")
def committee(live):
    token, name, codes, link = _link(live, live.space)
    yield token, name, codes
    sharing.revoke(live.store, link.id)


@pytest.fixture(scope="module")
def spaces(live, committee, tmp_path_factory, artifacts):
    """The demo's link, and one on another territory (an EPCI of Ardèche) served by its own
    server: the session's server keeps the demo as its only space. Space → (url, link)."""
    db = tmp_path_factory.mktemp("ardeche") / "maillage.db"
    publish(db, ardeche_sheets(), space="ardeche")
    other = Live("", db, "ardeche")
    perimeters = build_model(other.store.load("ardeche")).perimeters
    (privas,) = perimeters.index[perimeters["nom"] == "CA Privas Centre Ardèche"]
    token, name, codes, _link_row = _link(other, "ardeche", privas)
    with streamlit_server(db, artifacts / "streamlit-ardeche.log") as url:
        yield {"demo": (live.url, committee), "ardeche": (url, (token, name, codes))}


def _pages() -> list[tuple[str, str]]:
    return [
        ("", "synthese"),
        *((url_path(f), url_path(f)) for f, _t, analyst_only in screens() if not analyst_only),
    ]


@pytest.mark.parametrize("space", ["demo", "ardeche"])
@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_every_shared_page_reads_french_at_both_sizes(browser, spaces, artifacts, size, space):
    url, (token, name, codes) = spaces[space]
    width, height = SIZES[size]
    folder = artifacts.parent / "ecrans"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="fr-FR",
        timezone_id="Europe/Paris",
        is_mobile=size == "telephone",
        has_touch=size == "telephone",
    )
    page: Page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT)
    problems = []
    try:
        for path, stem in _pages():
            page.goto(f"{url}/{path}?{sharing.QUERY_PARAM}={token}", wait_until="domcontentloaded")
            settle(page)
            page.wait_for_timeout(800)
            main = page.locator('[data-testid="stMain"]')
            expect(main.get_by_text("Vue partagée", exact=False).first).to_be_visible()
            assert name in page.title(), (stem, page.title())
            text = main.inner_text()
            texts = [("page", line) for line in text.splitlines() if line.strip()]
            for label, found in (
                ("anglais", walk.english(texts)),
                ("code brut", walk.codes_shown(texts, walk.raw_codes())),
                ("nombre sans séparateur", walk.bare_numbers(texts, codes)),
                ("point décimal", walk.decimal_points(texts)),
            ):
                problems += [f"{space}, {stem} ({size}) — {label} : {f}" for f in found]
            if size == "telephone" and stem == url_path("who_does_what.py"):
                expect(page.locator(".st-key-reseau")).to_be_hidden()
                expect(page.locator(".st-key-relais_liste")).to_be_visible()
                sidebar = page.locator('[data-testid="stSidebar"]')
                assert (
                    not sidebar.is_visible() or sidebar.get_attribute("aria-expanded") == "false"
                ), "les filtres ne sont pas repliés"
            page.add_style_tag(content=WHOLE_PAGE)
            page.wait_for_timeout(300)
            shot = folder / f"{space}-{stem}-{width}x{height}.png"
            page.screenshot(path=str(shot), full_page=True)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_small_print_is_at_least_16_px_for_the_committee(live, page, committee):
    token, _name, _codes = committee
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live.url}/?{sharing.QUERY_PARAM}={token}", wait_until="domcontentloaded")
    settle(page)
    sizes = page.eval_on_selector_all(
        '[data-testid="stMain"] [data-testid="stCaptionContainer"], '
        '[data-testid="stMain"] [data-testid="stMetricLabel"]',
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert sizes and min(sizes) >= 16, sizes
    assert re.search(r"\d", page.locator('[data-testid="stMetricValue"]').first.inner_text())


def test_a_tap_on_the_phone_names_a_commune_of_the_atlas(live, browser, committee, artifacts):
    """A phone has no hover: a tap writes the commune's name and detail above the map."""
    token, _name, _codes = committee
    width, height = SIZES["telephone"]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="fr-FR",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT)
    try:
        page.goto(
            f"{live.url}/{url_path('atlas.py')}?{sharing.QUERY_PARAM}={token}",
            wait_until="domcontentloaded",
        )
        settle(page)
        drawing = page.locator(".maillage-dessin svg")
        expect(drawing.get_by_text(maps.TAP_HINT)).to_be_visible()
        # A point of the screen where a commune (not an actor's dot) is on top.
        drawing.scroll_into_view_if_needed()
        x, y = page.evaluate(
            """() => {
              for (const shape of document.querySelectorAll('.maillage-dessin g.t > path')) {
                const box = shape.getBoundingClientRect();
                const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
                if (document.elementFromPoint(x, y) === shape) return [x, y];
              }
            }"""
        )
        page.touchscreen.tap(x, y)
        tapped = drawing.locator("g.t:focus")
        expect(tapped).to_have_count(1)
        band = tapped.locator("text")
        expect(band).to_be_visible()
        assert re.match(r"\S.* \(\d[\dAB]\d{3}\)", band.locator("tspan").first.text_content() or "")
        size = band.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        width = drawing.evaluate("e => e.getBoundingClientRect().width")
        on_screen = size * width / maps.SVG_WIDTH  # drawing units to screen pixels
        assert on_screen >= 15, on_screen  # readable on a 390 px screen
        assert band.evaluate("e => e.getBBox().width") <= maps.SVG_WIDTH  # and not cut
        expect(drawing.get_by_text(maps.TAP_HINT)).to_be_hidden()
        page.screenshot(path=str(artifacts / "atlas-toucher.png"))
    finally:
        context.close()
