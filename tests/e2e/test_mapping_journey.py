"""An analyst's own list in a real browser: upload a file with foreign headers, see the
proposed mapping, save it, publish; next month's file is recognised by its headers alone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_journeys import PAGE_TIMEOUT, assert_clean, open_screen, settle, shot, upload
from tests.test_mapping import her_workbook
from tests.workbooks import xlsx_bytes

SPACE = "bocage"


def choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    settle(page)


def into_space(page: Page, url: str, new: bool) -> None:
    open_screen(page, f"{url}/importer")
    if new:
        choose(page, "Espace de destination", "Nouvel espace")
        name = page.get_by_label("Nom du nouvel espace", exact=True)
        name.fill(SPACE)
        name.press("Enter")
    else:
        choose(page, "Espace de destination", SPACE)
    settle(page)


def publish(page: Page, version: int) -> None:
    button = page.get_by_role("button", name=re.compile("Publier"))
    expect(button).to_be_enabled(timeout=PAGE_TIMEOUT)
    settle(page)
    button.click()
    expect(page.get_by_text(f"Version {version} publiée dans l’espace « {SPACE} »")).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    settle(page)


def test_foreign_headers_mapped_saved_and_applied_next_month(live, browser, page, artifacts):
    into_space(page, live.url, new=True)
    upload(page, "partenaires.xlsx", xlsx_bytes(her_workbook()))
    expect(page.get_by_text("nom usuel de « commune »").first).to_be_visible(timeout=PAGE_TIMEOUT)
    settle(page)
    assert_clean(page, "Importer (correspondance)")
    shot(page, artifacts, "importer-correspondance")
    name = page.get_by_label("Nom de cette correspondance", exact=True)
    name.fill("Partenaires du bocage")
    name.press("Enter")
    settle(page)
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(page.get_by_text("Correspondance « Partenaires du bocage » enregistrée")).to_be_visible(
        timeout=PAGE_TIMEOUT
    )
    settle(page)
    publish(page, 1)
    assert_clean(page, "Importer (publication)")

    def next_month(rows):
        rows[0]["Nom de la structure"] = "Montluçon Communauté (nouveau siège)"

    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        later = other.new_page()
        later.set_default_timeout(60_000)
        into_space(later, live.url, new=False)
        upload(later, "partenaires-decembre.xlsx", xlsx_bytes(her_workbook(next_month)))
        expect(later.get_by_text(re.compile("reconnue d’après les en-têtes"))).to_be_visible(
            timeout=PAGE_TIMEOUT
        )
        publish(later, 2)
        assert_clean(later, "Importer (mois suivant)")
        shot(later, artifacts, "importer-correspondance-reconnue")
    finally:
        other.close()
    actors = live.store.load(SPACE)["acteurs"].set_index("id")
    assert actors.at["A_CC", "nom"] == "Montluçon Communauté (nouveau siège)"
    assert [v.version for v in live.store.history(SPACE)] == [2, 1]
