"""A login that lasts, in chromium against `streamlit run serve.py`: log in at /connexion,
reload, open a second tab — still logged in; log out — the old cookie opens nothing."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from bench.live import publish_base, streamlit_server
from maillage import sessions
from maillage.accounts import READER, Accounts
from maillage.store import Store
from tests.e2e.test_journeys import settle

PASSWORD = "correct horse battery"
HOME = "Qui fait quoi sur le territoire"


@pytest.fixture(scope="module")
def server(tmp_path_factory, artifacts):
    db = tmp_path_factory.mktemp("connexion") / "maillage.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAILLAGE_AUTH", "on")
        publish_base(db)
        Accounts(Store(db)).add("paul", READER, PASSWORD)
        with streamlit_server(db, artifacts / "serve.log", env={"MAILLAGE_AUTH": "on"}) as url:
            yield url, Store(db)


def log_in(page, url: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/connexion")
    page.get_by_label("Identifiant").fill("paul")
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_a_login_survives_a_reload_and_a_new_tab_until_logout(server, browser, artifacts):
    url, store = server
    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        log_in(page, url, "pas le bon mot de passe")
        expect(page.get_by_text("Identifiant ou mot de passe incorrect.")).to_be_visible()
        log_in(page, url)
        settle(page)
        expect(page.get_by_role("heading", name=HOME)).to_be_visible()
        (cookie,) = [c for c in context.cookies() if c["name"] == sessions.COOKIE]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
        page.reload()
        settle(page)
        expect(page.get_by_role("heading", name=HOME)).to_be_visible()
        expect(page.get_by_text("Connecté·e : paul")).to_be_visible()
        second = context.new_page()
        second.goto(url)
        settle(second)
        expect(second.get_by_role("heading", name=HOME)).to_be_visible()
        page.screenshot(path=str(artifacts / "connexion-durable.png"), full_page=True)
        second.close()
        page.get_by_role("button", name="Se déconnecter").click()
        settle(page)
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
        assert sessions.resolve(store, cookie["value"]) is None
    finally:
        context.close()
    stolen = browser.new_context(locale="fr-FR")  # the old cookie, replayed elsewhere
    try:
        stolen.add_cookies([{**cookie, "expires": -1}])
        page = stolen.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        settle(page)
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
        assert page.get_by_role("heading", name=HOME).count() == 0
    finally:
        stolen.close()


def test_a_post_from_another_origin_is_refused(server):
    url, store = server
    before = len(sessions.sessions(store))
    body = urllib.parse.urlencode({"nom": "paul", "mot_de_passe": PASSWORD}).encode()
    for headers in ({"Origin": "http://evil.example"}, {}):
        request = urllib.request.Request(f"{url}/connexion", data=body, headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403
        assert "refusée" in refused.value.read().decode()  # by the server's gate or the form
    assert len(sessions.sessions(store)) == before
