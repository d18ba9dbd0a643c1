"""The « Partager » page hands out the whole link, ready to paste in an e-mail."""

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from maillage import sharing
from maillage.accounts import ANALYST, Accounts
from maillage.store import Store
from maillage.ui import auth
from tests.apptests import ROOT, page_file, publish


def open_page(page: str) -> AppTest:
    """As a logged-in analyst: a public MAILLAGE_URL turns the local no-login mode off."""
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    book = Accounts(Store(), fast)
    if book.get("claire") is None:
        book.add("claire", ANALYST, "un mot de passe solide")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.switch_page(page_file(page))
    at.session_state[auth.SESSION_USER] = "claire"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("configured", "prefix"),
    [
        ("https://maillage.allier.fr", "https://maillage.allier.fr/?partage="),
        (None, "http://127.0.0.1:8501/?partage="),  # AppTest has no browser address: the default
    ],
)
def test_the_page_shows_the_whole_link(db_path, store, monkeypatch, configured, prefix):
    if configured:
        monkeypatch.setenv("MAILLAGE_URL", configured)
    publish(db_path)
    at = open_page("sharing.py")
    at.button[0].click().run()
    assert not at.exception
    (code,) = at.code
    assert code.value.startswith(prefix)
    link = sharing.resolve(store, code.value.removeprefix(prefix))
    assert isinstance(link, sharing.ShareLink) and link.space == "principal"
    assert any("copie le lien entier" in c.value for c in at.caption)


def test_an_unreadable_public_address_is_explained_and_issues_no_link(db_path, store, monkeypatch):
    monkeypatch.setenv("MAILLAGE_URL", "maillage.allier.fr")
    publish(db_path)
    at = open_page("sharing.py")
    assert any("MAILLAGE_URL" in e.value for e in at.error)
    assert at.button[0].disabled
    assert not at.code and sharing.links(store) == []
