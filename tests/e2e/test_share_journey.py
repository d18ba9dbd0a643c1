"""A steering committee opens a share link: one EPCI, read-only, on every screen; a revoked
link shows its French refusal and nothing else. Real server, real browser (tests/e2e/conftest)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bench.live import EXCEPTION, METRIC, SETTLED, screens, url_path
from maillage import sharing
from maillage.model import build_model
from maillage.sharing import REFUSAL_MESSAGES

PAGE_TIMEOUT = 90_000
# The demo counts Cap Rural among its actors, and every lever quotes Cap Rural's report:
# the name in a quotation is ours, not a leak.
OUR_WORDS = {"Cap Rural"}
SIDEBAR = '[data-testid="stSidebar"]'
NAV = '[data-testid="stSidebarNav"]'


def settle(page: Page) -> None:
    page.wait_for_selector(SETTLED, timeout=PAGE_TIMEOUT)
    page.wait_for_timeout(300)
    page.wait_for_selector(SETTLED, timeout=PAGE_TIMEOUT)


def app_text(page: Page) -> str:
    return page.locator('[data-testid="stApp"]').inner_text()


@pytest.fixture
def scoped(live):
    """A link to the EPCI of the space that leaves out the most actors, and what it hides."""
    full = build_model(live.store.load(live.space))
    epci = full.perimeters.index[full.perimeters["type"] == "epci"]
    assert len(epci), "l’espace de démonstration n’a aucun EPCI"
    best = max(epci, key=lambda p: len(full.actors) - len(full.restrict(perimeter=p).actors))
    inside = full.restrict(perimeter=best)
    hidden = sorted(
        set(full.actors["nom"]) - set(inside.actors["nom"]) - OUR_WORDS, key=len, reverse=True
    )
    assert hidden, "cet EPCI ne cache aucun acteur : le test ne prouverait rien"
    token, link = sharing.create(live.store, live.space, best)
    yield token, str(full.perimeters.loc[best, "nom"]), hidden
    sharing.revoke(live.store, link.id)


def test_scoped_link_shows_only_its_epci_on_every_screen(live, page, scoped, artifacts):
    token, name, hidden = scoped
    page.goto(live.url + sharing.share_path(token), wait_until="domcontentloaded")
    settle(page)
    expect(page.locator(SIDEBAR).get_by_text("Vue partagée en lecture seule")).to_be_visible()
    nav = page.locator(NAV).inner_text() if page.locator(NAV).count() else ""
    assert "Importer" not in nav and "Partager" not in nav
    for file, title, analyst_only in [("", "Synthèse", False), *screens()]:
        page.goto(
            f"{live.url}/{url_path(file) if file else ''}?partage={token}",
            wait_until="domcontentloaded",
        )
        settle(page)
        assert page.locator(EXCEPTION).count() == 0, title
        text = app_text(page)
        assert "Traceback" not in text, title
        leaked = [actor for actor in hidden if actor in text]
        assert not leaked, f"{title} : acteurs hors du lien affichés : {leaked[:5]}"
        assert page.locator('[data-testid="stFileUploader"]').count() == 0, title
        if analyst_only:  # the page is not served: no upload, no share form
            assert "Créer le lien" not in text and "Publier" not in text, title
        page.screenshot(
            path=str(artifacts / f"partage-{url_path(file) or 'synthese'}.png"), full_page=True
        )
    territory = page.locator(SIDEBAR).get_by_role("combobox", name="Territoire")
    if territory.count():
        expect(territory).to_have_value(f"Tout « {name} »")


def test_scoped_link_survives_a_page_change(live, page, scoped):
    token, _name, hidden = scoped
    page.goto(live.url + sharing.share_path(token), wait_until="domcontentloaded")
    settle(page)
    links = page.locator(NAV).get_by_role("link")
    if links.count() < 2:
        pytest.fail("le menu n’a qu’une page : rien à parcourir")
    links.nth(1).click()
    settle(page)
    page.reload(wait_until="domcontentloaded")  # the token is put back in the address
    settle(page)
    assert f"partage={token}" in page.url
    expect(page.locator(SIDEBAR).get_by_text("Vue partagée en lecture seule")).to_be_visible()
    text = app_text(page)
    assert not [actor for actor in hidden if actor in text]


def test_revoked_link_is_refused(live, page, artifacts):
    token, link = sharing.create(live.store, live.space)
    page.goto(live.url + sharing.share_path(token), wait_until="domcontentloaded")
    settle(page)
    expect(page.locator(METRIC).first).to_be_visible()  # it worked before revocation
    assert sharing.revoke(live.store, link.id)
    page.goto(live.url + sharing.share_path(token), wait_until="domcontentloaded")
    settle(page)
    expect(page.get_by_text(REFUSAL_MESSAGES["revoque"])).to_be_visible()
    assert page.locator(METRIC).count() == 0
    assert page.locator(NAV).count() == 0
    assert page.locator('[data-testid="stSelectbox"]').count() == 0
    page.screenshot(path=str(artifacts / "partage-revoque.png"), full_page=True)
    page.goto(
        f"{live.url}/{url_path('importing.py')}?partage={token}", wait_until="domcontentloaded"
    )
    settle(page)
    expect(page.get_by_text(REFUSAL_MESSAGES["revoque"])).to_be_visible()
    assert page.locator('[data-testid="stFileUploader"]').count() == 0


def test_altered_link_is_refused(live, page):
    token, _ = sharing.create(live.store, live.space)
    page.goto(
        live.url + sharing.share_path(token[:-1] + ("x" if token[-1] != "x" else "y")),
        wait_until="domcontentloaded",
    )
    settle(page)
    expect(page.get_by_text(REFUSAL_MESSAGES["inconnu"])).to_be_visible()
    assert page.locator(METRIC).count() == 0
