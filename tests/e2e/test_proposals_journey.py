"""A committee's decision in a real browser: the analyst marks the first proposal « retenue »
on « Pistes d'action », a new version is published, and the decision is still there."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from maillage.decisions import latest
from tests.e2e.test_journeys import assert_clean, open_screen, settle, shot

COMMENT = "Retenue au COPIL du 12 mars"


def test_decide_publish_and_the_decision_is_kept(live, page: Page, artifacts):
    # the space in the address: a new session opens on the newest non-demo space, and other
    # journeys of this server publish their own
    store = live.store
    assert latest(store, live.space) == {}
    open_screen(page, f"{live.url}/pistes?espace={live.space}")
    assert_clean(page, "Pistes d’action")
    # the first card is the first form of the page: its status is « Retenue » by default
    page.get_by_label("Commentaire (obligatoire pour écarter)").first.fill(COMMENT)
    page.get_by_role("button", name="Enregistrer la décision").first.click()
    expect(page.get_by_text("Décision enregistrée : retenue.")).to_be_visible(timeout=60_000)
    settle(page)
    (decided,) = latest(store, live.space).values()
    assert (decided.status, decided.comment) == ("retenue", COMMENT)

    before = store.latest(live.space).version
    store.publish(live.space, store.load(live.space), file="nouvelle-version.xlsx", sha256=None)
    open_screen(page, f"{live.url}/pistes?espace={live.space}")
    assert_clean(page, "Pistes d’action après publication")
    expect(page.get_by_text(f"version {before + 1} publiée", exact=False)).to_be_visible()
    expect(page.get_by_text("Piste 1 · Mutualiser", exact=False).first).to_contain_text("Retenue")
    page.get_by_text("Décisions du comité (1)").first.click()
    expect(page.get_by_text(COMMENT, exact=False).first).to_be_visible()
    shot(page, artifacts, "pistes-decision-gardee")
