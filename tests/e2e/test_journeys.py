"""The journeys of the product, in a real browser against the real server.

Home page; import the demo workbook through the upload widget and publish it; import a bad
workbook and see every problem with its sheet, row and column; every screen of the menu
(maillage.ui.navigation.SCREENS, read at test time) drawn without an exception box; a
shared link that reproduces a filtered view. One screenshot per page in test-artifacts/e2e/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from bench.live import (
    ANY_DRAWING,
    DATAFRAME,
    DRAWING,
    EXCEPTION,
    METRIC,
    SETTLED,
    VERSION_CAPTION,
    demo_workbook_bytes,
    screens,
    url_path,
)
from tests.workbooks import minimal_sheets, xlsx_bytes

PAGE_TIMEOUT = 90_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The main drawing of a screen, when we know which it is; any chart, map or table otherwise.
MAIN_DRAWING = {
    "importing.py": DATAFRAME,  # the history of versions
    "atlas.py": DRAWING,
    "sharing.py": '[data-testid="stForm"]',  # the form that creates a link
    "contributions.py": '[data-testid="stForm"]',  # the form that creates a partner's link
    "evolutions.py": '[data-testid="stDownloadButton"]',  # the dossier, even with one version
    "methode.py": '[data-testid="stMarkdown"] h2',  # the guides of docs/: text, not drawings
}


def settle(page: Page, timeout: float = PAGE_TIMEOUT) -> None:
    """Wait until Streamlit is connected and its script has finished running."""
    page.wait_for_selector(SETTLED, timeout=timeout)
    page.wait_for_timeout(300)  # a rerun triggered by a widget starts a beat later
    page.wait_for_selector(SETTLED, timeout=timeout)


def open_screen(page: Page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    settle(page)


def assert_clean(page: Page, where: str) -> None:
    assert page.locator(EXCEPTION).count() == 0, f"{where} : boîte d’exception affichée"
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Traceback" not in text, f"{where} : une trace Python est affichée"
    assert "This app has encountered an error" not in text, f"{where} : erreur affichée"


def shot(page: Page, artifacts, name: str) -> None:
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1_000


def shown_version(page: Page) -> int:
    caption = page.get_by_text(VERSION_CAPTION).first
    expect(caption).to_be_visible()
    return int(VERSION_CAPTION.search(caption.inner_text()).group(1))


def upload(page: Page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": XLSX, "buffer": data}]
    )


def test_home_shows_the_published_version(live, page, artifacts):
    open_screen(page, live.url)
    assert_clean(page, "Synthèse")
    assert shown_version(page) == live.store.latest(live.space).version
    expect(page.locator(METRIC).first).to_be_visible()
    shot(page, artifacts, "00-synthese")


@pytest.mark.parametrize("screen", screens(), ids=lambda s: s[0])
def test_every_screen_draws_without_error(live, page, artifacts, screen):
    file, title, _analyst_only = screen
    open_screen(page, f"{live.url}/{url_path(file)}")
    assert_clean(page, title)
    drawing = page.locator(MAIN_DRAWING.get(file, ANY_DRAWING)).first
    expect(drawing, f"{title} : ni graphique, ni carte, ni tableau").to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    page.wait_for_timeout(500)  # let plotly and deck.gl finish their first frame
    assert_clean(page, title)
    # Opened by its address, the screen still has the French menu, not Streamlit's list of
    # the files of pages/ (« app, atlas, blockages… »).
    navigation = page.locator('[data-testid="stSidebarNav"]')
    expect(navigation.get_by_text("Synthèse", exact=True)).to_be_visible()
    expect(navigation.get_by_text("app", exact=True)).to_have_count(0)
    shot(page, artifacts, f"page-{url_path(file)}")


def test_import_and_publish_the_demo_workbook(live, page, artifacts):
    before = live.store.latest(live.space).version
    open_screen(page, f"{live.url}/importer")
    name, data = demo_workbook_bytes()
    upload(page, name, data)
    publish = page.get_by_role("button", name=re.compile("Publier"))
    expect(publish).to_be_enabled(timeout=PAGE_TIMEOUT)
    settle(page)
    assert_clean(page, "Importer (vérification)")
    publish.click()
    # the success message, not the page caption (« … · version N publiée le … ») which also
    # says it once the rerun has read the new version
    published = page.get_by_text(f"Version {before + 1} publiée dans l’espace")
    expect(published).to_be_visible(timeout=PAGE_TIMEOUT)
    settle(page)
    assert_clean(page, "Importer (publication)")
    assert live.store.latest(live.space).version == before + 1
    assert shown_version(page) == before + 1
    shot(page, artifacts, "importer-publie")
    open_screen(page, live.url)  # every page now reads the new version
    assert shown_version(page) == before + 1


def bad_sheets() -> dict[str, list[dict]]:
    """The small workbook with three errors, each at a known sheet, row and column."""
    sheets = minimal_sheets()
    sheets["acteurs"][1]["id"] = "A_CC"  # duplicate id, row 3
    sheets["dispositifs"][0]["perimetre"] = "P_INCONNU"  # dangling reference, row 2
    sheets["participations"][1]["role"] = "chef"  # unknown code, row 3
    return sheets


def test_bad_workbook_lists_its_problems_and_cannot_be_published(live, page, artifacts):
    before = live.store.latest(live.space).version
    open_screen(page, f"{live.url}/importer")
    upload(page, "classeur-faux.xlsx", xlsx_bytes(bad_sheets()))
    expect(page.get_by_text(re.compile(r"erreurs? à corriger")).first).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    settle(page)
    assert_clean(page, "Importer (classeur faux)")
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    # The grid draws on a canvas and mirrors its visible cells in a table inside it.
    headers = grid.locator('[role="columnheader"]').all_inner_texts()
    assert headers[:4] == ["Gravité", "Feuille", "Ligne", "Colonne"], headers
    rows = [
        row.locator('[role="gridcell"]').all_inner_texts()[1:4]
        for row in grid.locator('tbody [role="row"]').all()
    ]
    for where in (
        ["acteurs", "3", "id"],
        ["dispositifs", "2", "perimetre"],
        ["participations", "3", "role"],
    ):
        assert where in rows, (where, rows)
    expect(page.get_by_role("button", name=re.compile("Publier"))).to_be_disabled()
    shot(page, artifacts, "importer-problemes")
    assert live.store.latest(live.space).version == before


def test_a_shared_link_reproduces_the_filtered_view(live, browser, page, artifacts):
    """Filters are bound to the address: a copied link opened by someone else (a new browser
    context, so a new session) shows the same territory."""
    perimeters = live.store.load(live.space)["perimetres"].sort_values(["type", "nom"])
    chosen = str(perimeters["nom"].iloc[-1])
    open_screen(page, live.url)
    territory = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Territoire")
    territory.click()
    territory.fill(chosen)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]territoire="))
    settle(page)
    link = page.url
    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        visitor = other.new_page()
        open_screen(visitor, link)
        assert_clean(visitor, "Lien partagé")
        shared = visitor.locator('[data-testid="stSidebar"]').get_by_role(
            "combobox", name="Territoire"
        )
        expect(shared).to_have_value(re.compile(re.escape(chosen)))
        assert shown_version(visitor) == live.store.latest(live.space).version
        shot(visitor, artifacts, "lien-partage")
    finally:
        other.close()


def test_a_share_link_opens_a_read_only_view_of_one_territory(live, page, artifacts):
    """A committee member follows a share link: no account, no import screen, one territory."""
    from datetime import timedelta

    from maillage import sharing

    perimeters = live.store.load(live.space)["perimetres"]
    chosen = perimeters.iloc[0]
    token, _link = sharing.create(live.store, live.space, str(chosen["id"]), timedelta(days=7))
    open_screen(page, f"{live.url}/?{sharing.QUERY_PARAM}={token}")
    assert_clean(page, "Lien de partage")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("lecture seule").first).to_be_visible()
    expect(sidebar.get_by_text(str(chosen["nom"])).first).to_be_visible()
    navigation = sidebar.locator('[data-testid="stSidebarNav"]')
    expect(navigation.get_by_text("Synthèse")).to_be_visible()
    for _file, title, analyst_only in screens():
        if analyst_only:
            expect(navigation.get_by_text(title, exact=True)).to_have_count(0)
    shot(page, artifacts, "lien-de-partage")
    # The address of the import screen, typed by hand with the link: still no upload.
    open_screen(page, f"{live.url}/importer?{sharing.QUERY_PARAM}={token}")
    assert_clean(page, "Lien de partage (Importer)")
    expect(page.locator('[data-testid="stFileUploaderDropzoneInput"]')).to_have_count(0)
