"""An analyst publishes her own space beside the demo and works on it: every page reached from
the menu or from a link of a page, a reload and the copied address opened by someone else all
show her space, territory, scheme types and page choices. Her own server and database (the
other journeys expect the demo to be the only space)."""

from __future__ import annotations

import getpass
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from bench.live import (
    EXCEPTION,
    ROOT,
    SETTLED,
    demo_workbook_bytes,
    publish_base,
    screens,
    streamlit_server,
)
from maillage.model import build_model
from maillage.overlaps import flagged_pairs
from maillage.store import Store

PAGE_TIMEOUT = 90_000
SIDEBAR = '[data-testid="stSidebar"]'
NAV = '[data-testid="stSidebarNav"]'
MAIN = '[data-testid="stMain"]'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPACE = "essai"
TYPES = ["CTG", "GMR"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, artifacts):
    folder = tmp_path_factory.mktemp("etat")
    db = folder / "maillage.db"
    publish_base(db)  # the demo, alone
    with streamlit_server(db, artifacts / "streamlit-etat.log") as url:
        yield url, db


def settle(page: Page) -> None:
    page.wait_for_selector(SETTLED, timeout=PAGE_TIMEOUT)
    page.wait_for_timeout(300)  # a rerun triggered by a widget starts a beat later
    page.wait_for_selector(SETTLED, timeout=PAGE_TIMEOUT)


def assert_clean(page: Page, where: str) -> None:
    assert page.locator(EXCEPTION).count() == 0, f"{where} : boîte d’exception affichée"
    assert "Traceback" not in page.locator('[data-testid="stApp"]').inner_text(), where


def choose(page: Page, name: str, text: str, where: str = SIDEBAR) -> None:
    """Type into a Streamlit selectbox or multiselect and take the first match."""
    box = page.locator(where).get_by_role("combobox", name=name)
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page)


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def shown_space(page: Page) -> str:
    caption = page.get_by_text(re.compile(r"^Espace « .+ » · version")).first
    expect(caption).to_be_visible(timeout=PAGE_TIMEOUT)
    return re.search(r"Espace « (.+?) »", caption.inner_text()).group(1)


def assert_view(page: Page, where: str, territory: str | None, pid: str | None) -> None:
    """The space on screen and, on pages with filters, the territory and the types."""
    assert_clean(page, where)
    assert shown_space(page) == SPACE, where
    found = params(page)
    assert found.get("espace") == [SPACE], (where, page.url)
    sidebar = page.locator(SIDEBAR)
    if territory is not None and sidebar.get_by_role("combobox", name="Territoire").count():
        expect(sidebar.get_by_role("combobox", name="Territoire")).to_have_value(
            re.compile(re.escape(territory))
        )
        for kind in TYPES:
            expect(sidebar.get_by_text(re.compile(f"^{kind} — ")).first).to_be_visible()
        assert found.get("territoire") == [pid], (where, page.url)
        assert sorted(found.get("types", [])) == TYPES, (where, page.url)


def open_nav(page: Page, title: str) -> None:
    nav = page.locator(NAV)
    more = nav.get_by_text(re.compile(r"^(View|Voir) (more|plus)"))
    if more.count():
        more.first.click()
    nav.get_by_role("link", name=title, exact=True).click()
    settle(page)


@pytest.mark.timeout(900)  # a publication and a dozen page loads on a shared 2-core machine
def test_her_space_and_filters_follow_her_everywhere(server, browser, page, artifacts):
    url, db = server
    page.goto(url, wait_until="domcontentloaded")
    settle(page)

    # publish a second space from the import page: the destination is the space on screen
    open_nav(page, "Importer")
    destination = page.get_by_role("combobox", name="Espace de destination")
    expect(destination).to_have_value("demo")
    choose(page, "Espace de destination", "Nouvel espace", where=MAIN)
    name = page.get_by_label("Nom du nouvel espace")
    name.fill(SPACE)
    name.press("Enter")
    settle(page)
    file_name, data = demo_workbook_bytes()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": file_name, "mimeType": XLSX, "buffer": data}]
    )
    publish = page.get_by_role("button", name=re.compile("Publier"))
    expect(publish).to_be_enabled(timeout=PAGE_TIMEOUT)
    settle(page)
    publish.click()
    expect(page.get_by_text(f"Version 1 publiée dans l’espace « {SPACE} »")).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    settle(page)
    assert shown_space(page) == SPACE  # the screen follows what was just published

    # the territory with two CTG–GMR pairs, and both types, chosen on the home page
    model = build_model(Store(db).load(SPACE))
    pid = "cas_moulins" if "cas_moulins" in model.perimeters.index else model.perimeters.index[0]
    territory = str(model.perimeters.loc[pid, "nom"])
    open_nav(page, "Synthèse")
    choose(page, "Territoire", territory)
    for kind in TYPES:
        choose(page, "Types de dispositifs", f"{kind} — ")
    assert_view(page, "Synthèse", territory, pid)

    # every screen through the menu
    for _file, title, _analyst in screens():
        open_nav(page, title)
        assert_view(page, title, territory, pid)
    # a page choice: the second pair to look at, kept after a filter of the page changes
    open_nav(page, "Chevauchements")
    pairs = flagged_pairs(model.restrict(perimeter=pid, scheme_types=tuple(TYPES)), 0.5)
    assert len(pairs) >= 2, "il faut deux paires pour que le choix compte"
    names = model.schemes["nom"]
    a, b = pairs["a"].iloc[1], pairs["b"].iloc[1]
    chosen = f"{names[a]} × {names[b]}"
    choose(page, "Paire à regarder de près", chosen, where=MAIN)
    pair = page.get_by_role("combobox", name="Paire à regarder de près")
    expect(pair).to_have_value(chosen)
    assert params(page)["paire"] == [f"{a}|{b}"]
    page.get_by_role("slider").first.focus()  # a filter of the page: one step down
    page.keyboard.press("ArrowLeft")
    settle(page)
    assert params(page)["chevauchement"] == ["45"]
    expect(pair).to_have_value(chosen)
    chosen_code = params(page)["paire"]
    # through a link of the home page, then back through the menu
    open_nav(page, "Synthèse")
    page.get_by_role("link", name="Où ils se chevauchent").click()
    settle(page)
    assert_view(page, "Chevauchements (lien de la synthèse)", territory, pid)
    expect(page.get_by_role("combobox", name="Paire à regarder de près")).to_have_value(chosen)
    assert params(page)["paire"] == chosen_code
    open_nav(page, "Synthèse")
    page.get_by_role("link", name="Voir qui est où sur l’atlas").click()
    settle(page)
    assert_view(page, "Atlas (lien de la synthèse)", territory, pid)

    # a reload, then the copied address in a fresh browser (a new session)
    open_nav(page, "Chevauchements")
    page.reload(wait_until="domcontentloaded")
    settle(page)
    assert_view(page, "Chevauchements (rechargée)", territory, pid)
    expect(page.get_by_role("combobox", name="Paire à regarder de près")).to_have_value(chosen)
    copied = page.url
    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        visitor = other.new_page()
        visitor.set_default_timeout(60_000)
        visitor.goto(copied, wait_until="domcontentloaded")
        settle(visitor)
        assert_view(visitor, "Adresse copiée", territory, pid)
        # a new session draws the whole page before its widgets: give it the page's own time
        expect(visitor.get_by_role("combobox", name="Paire à regarder de près")).to_have_value(
            chosen, timeout=60_000
        )
        visitor.screenshot(path=str(artifacts / "etat-adresse-copiee.png"), full_page=True)
    finally:
        other.close()

    # a fresh session with no address opens on her space, not the demo
    fresh = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        newcomer = fresh.new_page()
        newcomer.goto(url, wait_until="domcontentloaded")
        settle(newcomer)
        assert shown_space(newcomer) == SPACE
    finally:
        fresh.close()

    # who published is recorded, and said by the command line
    command = Path(sys.executable).parent / "maillage"
    history = subprocess.run(
        [str(command), "history", "--json", "--space", SPACE, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    (version,) = json.loads(history.stdout)
    assert version["author"] == getpass.getuser()
