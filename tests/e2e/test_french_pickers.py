"""Selectboxes and multiselects in a real browser: French placeholders, no « Select all »
row, « Aucun résultat » over Streamlit's « No results », and the overlaps' reasons written
out whole. Real server, real chromium (tests/e2e/conftest)."""

from __future__ import annotations

from playwright.sync_api import Page

from bench.live import url_path
from maillage.ui.style import NO_MATCH
from tests.e2e.test_journeys import assert_clean, open_screen
from tests.e2e.test_share_journey import settle

ENGLISH = ("Choose an option", "Choose options", "No options to select", "Select all", "No results")


def _listbox_text(page: Page) -> str:
    return " ".join(page.locator('[role="listbox"], [role="option"]').all_inner_texts())


def test_pickers_speak_french_in_the_browser(live, page: Page):
    open_screen(page, live.url)
    open_screen(page, f"{live.url}/{url_path('who_does_what.py')}")
    assert_clean(page, "Qui fait quoi")
    # a selectbox filtered down to nothing: our words drawn over Streamlit's
    commune = page.get_by_role("combobox", name="Commune")
    commune.click()
    page.keyboard.type("zzzzqx")
    page.wait_for_timeout(500)
    empty = page.get_by_text("No results", exact=True)
    assert empty.count() == 1, "the empty list's element was not found"
    drawn = empty.evaluate(
        "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
    )
    assert drawn == ["0px", f'"{NO_MATCH}"'], drawn
    page.keyboard.press("Escape")
    # a multiselect's list: no « Select all » row
    open_screen(page, f"{live.url}/{url_path('atlas.py')}")
    page.get_by_role("combobox", name="Thématiques").click()
    page.wait_for_timeout(500)
    options = _listbox_text(page)
    assert options.strip(), "the multiselect's list did not open"
    assert "Select all" not in options and "Select " not in options, options
    page.keyboard.press("Escape")
    settle(page)
    visible = page.locator('[data-testid="stApp"]').inner_text()
    assert [w for w in ENGLISH if w in visible] == []


def test_overlap_reasons_are_readable_at_1400_px(live, page: Page):
    open_screen(page, live.url)
    open_screen(page, f"{live.url}/{url_path('overlaps.py')}")
    assert_clean(page, "Chevauchements")
    heading = page.get_by_text("Pourquoi ces paires sont signalées")
    heading.scroll_into_view_if_needed()
    first = page.locator('[data-testid="stMarkdownContainer"] li').first
    box = first.bounding_box()
    main = page.locator('[data-testid="stMain"] .block-container').bounding_box()
    assert box and main and box["x"] + box["width"] <= main["x"] + main["width"] + 1
    # whole: the text wraps inside the page, nothing cut by an ellipsis or hidden overflow
    assert first.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert "Ces deux dispositifs couvrent" in first.inner_text()
