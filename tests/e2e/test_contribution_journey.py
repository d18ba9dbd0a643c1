"""Partners contribute through a link on a phone; the analyst moderates and publishes one
version. Real server, real browser (tests/e2e/conftest)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from bench.live import EXCEPTION, SETTLED
from maillage import contributions as c
from maillage.model import build_model

PHONE = {"width": 390, "height": 844}
HOSTILE = '<img src=x onerror=alert(1)> =HYPERLINK("http://x")'
CONTACT = "contact-secret@example.org"


def settle(page: Page) -> None:
    page.wait_for_selector(SETTLED, timeout=90_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(SETTLED, timeout=90_000)


def choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    settle(page)


def fill_form(page: Page, name: str, commune: str, *, contact: str = "", send: bool = True) -> None:
    page.get_by_label("Nom", exact=True).fill(name)
    page.get_by_text("Collectif d’habitants", exact=True).click()
    choose(page, "Famille", "Association")
    page.get_by_text("Les deux", exact=True).click()
    choose(page, "Commune où vous êtes installés", commune)
    if contact:
        page.get_by_label("Un e-mail ou un téléphone (facultatif)", exact=True).fill(contact)
    if send:
        page.get_by_role("button", name="Envoyer ma contribution").click()
        settle(page)


def test_partners_contribute_and_the_analyst_publishes_one_version(live, browser, page):
    full = build_model(live.store.load(live.space))
    epci = (
        "epci_bocage"
        if "epci_bocage" in full.perimeters.index
        else str(full.perimeters.index[full.perimeters["type"] == "epci"][0])
    )
    inside = full.restrict(epci)
    outside_scheme = next(s for s in full.schemes.index if s not in inside.schemes.index)
    communes = inside.communes["nom"]
    seated = inside.actors[inside.actors["commune"].isin(communes.index)]
    twin_id = str(seated.index[-1])
    twin_name, twin_commune = str(seated.loc[twin_id, "nom"]), str(seated.loc[twin_id, "commune"])
    token, _ = c.create_link(live.store, live.space, epci)
    before = [v.version for v in live.store.history(live.space)]

    partner = browser.new_context(viewport=PHONE, locale="fr-FR", timezone_id="Europe/Paris")
    dialogs: list[str] = []
    try:
        phone = partner.new_page()
        phone.set_default_timeout(60_000)
        phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        phone.goto(live.url + c.contribution_path(token), wait_until="domcontentloaded")
        settle(phone)
        expect(
            phone.get_by_role("heading", name="Contribuer à la carte des acteurs")
        ).to_be_visible()
        assert phone.locator('[data-testid="stSidebarNav"]').count() == 0
        offered = phone.get_by_role("combobox", name="Dispositifs (facultatif)")
        offered.click()
        options = phone.get_by_role("option").all_inner_texts()
        assert str(full.schemes.loc[outside_scheme, "nom"]) not in options
        phone.keyboard.press("Escape")
        first_commune = str(communes.sort_values().iloc[0])
        fill_form(phone, HOSTILE, first_commune, contact=CONTACT)
        expect(phone.get_by_text("Merci !", exact=False)).to_be_visible()
        for name, commune in (
            (twin_name, str(communes[twin_commune])),
            ("Association à rejeter", first_commune),
        ):
            phone.get_by_role("button", name="Envoyer une autre contribution").click()
            settle(phone)
            fill_form(phone, name, commune)
            expect(phone.get_by_text("Merci !", exact=False)).to_be_visible()
        assert phone.locator(EXCEPTION).count() == 0
    finally:
        partner.close()
    items = c.queue(live.store, live.space)
    hostile, twin, rejected = items[-3:]
    assert hostile.submission.name == HOSTILE and twin.submission.name == twin_name

    # 11 within a minute on one link: the 11th, from another browser, is refused in French
    other = browser.new_context(viewport=PHONE, locale="fr-FR")
    try:
        late = other.new_page()
        late.set_default_timeout(60_000)
        late.goto(live.url + c.contribution_path(token), wait_until="domcontentloaded")
        settle(late)
        fill_form(late, "Onzième structure", first_commune, send=False)
        for n in range(10):  # fill the minute's quota, whatever the phone's three left of it
            try:
                c.submit(
                    live.store,
                    token,
                    c.Submission(f"Structure {n}", "autre", "social", str(communes.index[0])),
                )
            except c.CannotContribute:
                break
        late.get_by_role("button", name="Envoyer ma contribution").click()
        settle(late)
        expect(late.get_by_text("patientez une minute", exact=False)).to_be_visible()
    finally:
        other.close()
    extras = [i for i in c.queue(live.store, live.space) if i.submission.name.startswith("Struc")]
    assert "Onzième structure" not in {i.submission.name for i in c.queue(live.store, live.space)}
    for extra in extras:
        c.review(live.store, live.space, extra.id, "rejetee", reason="Essai de limite")

    page.goto(f"{live.url}/contributions", wait_until="domcontentloaded")
    settle(page)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator(f".st-key-contribution_{twin.id}_fusionner button").click()
    settle(page)
    page.locator(f".st-key-contribution_{hostile.id}_accepter button").click()
    settle(page)
    page.locator(f".st-key-contribution_{rejected.id}_raison input").fill("Hors du territoire")
    page.keyboard.press("Enter")
    settle(page)
    page.locator(f".st-key-contribution_{rejected.id}_rejeter button").click()
    settle(page)
    page.get_by_role("button", name=re.compile("Publier les contributions acceptées")).click()
    settle(page)
    expect(page.get_by_text("contributions acceptées", exact=False).first).to_be_visible()
    assert page.locator(EXCEPTION).count() == 0
    assert dialogs == []

    after = [v.version for v in live.store.history(live.space)]
    assert after[0] == before[0] + 1 and len(after) == len(before) + 1
    published = live.store.load(live.space)
    names = set(published["acteurs"]["nom"])
    assert HOSTILE in names and "Association à rejeter" not in names
    cells = [str(v) for t in published.values() for v in t.to_numpy().ravel()]
    assert not any(CONTACT in cell for cell in cells)
