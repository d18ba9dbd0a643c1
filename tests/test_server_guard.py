"""The server's gate, attacked as it was found: a real `streamlit run serve.py` on a loopback
port, driven by a raw WebSocket that names any Host and Origin (DNS rebinding, a page of
another local site, a reverse proxy)."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus

from bench.live import publish_base, streamlit_server
from tests.rawsession import open_session, page_names, port_of, rerun, texts

HOME = "Qui fait quoi sur le territoire"
ANALYST_PAGES = {"Importer", "Partager"}


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """As `make run`: MAILLAGE_AUTH=off, MAILLAGE_URL unset (http://127.0.0.1:8501)."""
    folder = tmp_path_factory.mktemp("garde")
    db = folder / "maillage.db"
    publish_base(db)
    with streamlit_server(db, folder / "streamlit.log") as url:
        yield port_of(url)


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """A server deployed behind https://maillage.example.org (MAILLAGE_AUTH=off kept)."""
    folder = tmp_path_factory.mktemp("garde-public")
    db = folder / "maillage.db"
    publish_base(db)
    with streamlit_server(db, folder / "streamlit.log",
                          env={"MAILLAGE_URL": "https://maillage.example.org"}) as url:
        yield port_of(url)


def _refused(port: int, **how) -> int:
    with pytest.raises(InvalidStatus) as refused:
        open_session(port, **how)
    return refused.value.response.status_code


def test_the_local_analyst_opens_the_dashboard(local):
    with open_session(local) as ws:
        messages = rerun(ws)
    assert HOME in texts(messages)
    assert ANALYST_PAGES <= page_names(messages)


@pytest.mark.parametrize("origin", ["same", None, "http://rebind.attacker.example:1"])
def test_a_rebound_host_name_is_refused(local, origin):
    """DNS rebinding: the attacker's name now points at 127.0.0.1, the browser sends it."""
    assert _refused(local, host=f"rebind.attacker.example:{local}", origin=origin) == 403


@pytest.mark.parametrize("host", ["localhost:{other}", "127.0.0.1:{other}", "127.0.0.1"])
def test_the_port_is_part_of_the_host(local, host):
    assert _refused(local, host=host.format(other=local + 1), origin=None) == 403


@pytest.mark.parametrize("origin", [
    "http://localhost:{other}",  # any other local site, which Streamlit's own check accepts
    "http://127.0.0.1:{other}",
    "http://rebind.attacker.example:{port}",
    "null",
])
def test_a_page_of_another_site_cannot_open_the_websocket(local, origin):
    assert _refused(local, origin=origin.format(other=local + 1, port=local)) == 403


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP", "Via"])
def test_behind_a_proxy_the_login_is_asked_even_in_local_mode(local, header):
    value = "for=203.0.113.7" if header == "Forwarded" else "203.0.113.7"
    with open_session(local, headers={header: value}) as ws:
        messages = rerun(ws)
    shown = texts(messages)
    assert "Connexion" in shown and HOME not in shown
    assert not ANALYST_PAGES & page_names(messages) - {"importer", "partage"}


def test_a_public_server_answers_only_its_public_name(public):
    assert _refused(public, origin=None) == 403  # 127.0.0.1:port is not its name
    assert _refused(public, host="maillage.example.org", origin="http://localhost") == 403
    with open_session(public, host="maillage.example.org",
                      origin="https://maillage.example.org") as ws:
        messages = rerun(ws)
    shown = texts(messages)
    assert "Connexion" in shown and HOME not in shown  # MAILLAGE_AUTH=off is not enough here
