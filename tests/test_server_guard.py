"""The server's gate, attacked as it was found: a real `streamlit run serve.py` on a loopback
port, driven by a raw WebSocket that names any Host and Origin (DNS rebinding, a page of
another local site, a reverse proxy)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from websockets.exceptions import InvalidStatus

from bench.live import publish_base, streamlit_server
from tests.rawsession import (
    clear_cache,
    click_download,
    download_buttons,
    fragment_ids,
    open_session,
    page_hash,
    page_names,
    port_of,
    rerun,
    rerun_fragment,
    session_id,
    texts,
    upload,
)

HOME = "Qui fait quoi sur le territoire"
ANALYST_PAGES = {"Importer", "Partager"}
MODEL_BUILT = "Modèle construit"


class Served(NamedTuple):
    port: int
    db: Path


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """As `make run`: MAILLAGE_AUTH=off, MAILLAGE_URL unset (http://127.0.0.1:8501)."""
    folder = tmp_path_factory.mktemp("garde")
    db = folder / "maillage.db"
    publish_base(db)
    with streamlit_server(db, folder / "streamlit.log") as url:
        yield Served(port_of(url), db)


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    """A server deployed behind https://maillage.example.org (MAILLAGE_AUTH=off kept)."""
    folder = tmp_path_factory.mktemp("garde-public")
    db = folder / "maillage.db"
    publish_base(db)
    with streamlit_server(
        db, folder / "streamlit.log", env={"MAILLAGE_URL": "https://maillage.example.org"}
    ) as url:
        yield port_of(url)


def _refused(port: int, **how) -> int:
    with pytest.raises(InvalidStatus) as refused:
        open_session(port, **how)
    return refused.value.response.status_code


def test_the_local_analyst_opens_the_dashboard(local):
    with open_session(local.port) as ws:
        messages = rerun(ws)
    assert HOME in texts(messages)
    assert ANALYST_PAGES <= page_names(messages)


@pytest.mark.parametrize("origin", ["same", None, "http://rebind.attacker.example:1"])
def test_a_rebound_host_name_is_refused(local, origin):
    """DNS rebinding: the attacker's name now points at 127.0.0.1, the browser sends it."""
    assert _refused(local.port, host=f"rebind.attacker.example:{local.port}", origin=origin) == 403


@pytest.mark.parametrize("host", ["localhost:{other}", "127.0.0.1:{other}", "127.0.0.1"])
def test_the_port_is_part_of_the_host(local, host):
    assert _refused(local.port, host=host.format(other=local.port + 1), origin=None) == 403


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:{other}",  # any other local site, which Streamlit's own check accepts
        "http://127.0.0.1:{other}",
        "http://rebind.attacker.example:{port}",
        "null",
    ],
)
def test_a_page_of_another_site_cannot_open_the_websocket(local, origin):
    assert _refused(local.port, origin=origin.format(other=local.port + 1, port=local.port)) == 403


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP", "Via"])
def test_behind_a_proxy_the_login_is_asked_even_in_local_mode(local, header):
    value = "for=203.0.113.7" if header == "Forwarded" else "203.0.113.7"
    with open_session(local.port, headers={header: value}) as ws:
        messages = rerun(ws)
    shown = texts(messages)
    assert "Connexion" in shown and HOME not in shown
    # Not even the names of the analysts' pages (Streamlit lists the files of pages/ first).
    assert not {"Importer", "Partager", "importer", "partage"} & page_names(messages)


def test_a_public_server_answers_only_its_public_name(public):
    assert _refused(public, origin=None) == 403  # 127.0.0.1:port is not its name
    assert _refused(public, host="maillage.example.org", origin="http://localhost") == 403
    with open_session(
        public, host="maillage.example.org", origin="https://maillage.example.org"
    ) as ws:
        messages = rerun(ws)
    shown = texts(messages)
    assert "Connexion" in shown and HOME not in shown  # MAILLAGE_AUTH=off is not enough here


def test_an_anonymous_clear_cache_leaves_every_cache_warm(tmp_path):
    """Streamlit honours `clear_cache` from any session; from the login page it emptied every
    analyst's and committee's cache (a denial of service at France scale)."""
    import time

    from maillage import sharing
    from maillage.store import Store

    db = tmp_path / "maillage.db"
    space = publish_base(db)
    token, _ = sharing.create(Store(db), space)
    log = tmp_path / "streamlit.log"
    with streamlit_server(db, log, env={"MAILLAGE_AUTH": "on"}) as url:
        port = port_of(url)
        with open_session(port) as viewer, open_session(port) as anonymous:
            assert HOME in texts(rerun(viewer, f"partage={token}"))
            assert log.read_text().count(MODEL_BUILT) == 1
            assert "Connexion" in texts(rerun(anonymous))
            clear_cache(anonymous)
            time.sleep(1)
            assert HOME in texts(rerun(viewer, f"partage={token}"))
            assert "Connexion" in texts(rerun(anonymous))  # its session still answers
        assert log.read_text().count(MODEL_BUILT) == 1  # the model was not built again


def test_only_a_session_that_may_import_can_upload(local):
    """Found: 20 parallel 24 MB uploads from a session that was not logged in were accepted
    and held. Here a share link's session and a login page's session are refused before the
    body is read; the local analyst may upload, within a cap per session."""
    from maillage import sharing
    from maillage.store import Store
    from maillage.ui.guard import MEGABYTE, SESSION_UPLOAD_CAP

    workbook = b"PK" + bytes(1000)
    with open_session(local.port, headers={"X-Forwarded-For": "203.0.113.7"}) as anonymous:
        messages = rerun(anonymous)
        assert "Connexion" in texts(messages)
        assert upload(local.port, session_id(messages), workbook) == 403
    db = local.db
    token, link = sharing.create(Store(db), "demo")
    with open_session(local.port) as viewer:
        messages = rerun(viewer, f"partage={token}")
        assert HOME in texts(messages)
        assert upload(local.port, session_id(messages), workbook) == 403
    sharing.revoke(Store(db), link.id)
    with open_session(local.port) as analyst:
        messages = rerun(analyst)
        assert HOME in texts(messages)
        mine = session_id(messages)
        big = bytes(24 * MEGABYTE)
        held = [upload(local.port, mine, big) for _ in range(SESSION_UPLOAD_CAP // len(big))]
        assert held == [204] * len(held)
        assert upload(local.port, mine, big) == 413  # over the cap of this session
    assert upload(local.port, "no-such-session", workbook) == 403


def test_a_revoked_link_stops_deferred_downloads_and_fragment_reruns(local):
    """Found: after `share revoke`, the open page's « Rapport de réunion » still downloaded
    (deferred downloads run without a rerun) and the atlas fragment redrew."""
    from maillage import sharing
    from maillage.sharing import REFUSAL_MESSAGES
    from maillage.store import Store

    token, link = sharing.create(Store(local.db), "demo")
    query = f"partage={token}"
    with open_session(local.port) as home, open_session(local.port) as atlas:
        shown = rerun(home, query)
        report = download_buttons(shown)["Rapport de réunion"]
        assert b"<html" in click_download(home, local.port, session_id(shown), report)
        first = rerun(atlas, query)
        atlas_page = page_hash(first, "Atlas")
        drawn = rerun(atlas, query, atlas_page)
        assert "acteurs localisés" in texts(drawn)
        (fragment,) = fragment_ids(drawn)
        assert "acteurs localisés" in texts(rerun_fragment(atlas, fragment, query, atlas_page))

        sharing.revoke(Store(local.db), link.id)
        refused = click_download(home, local.port, session_id(shown), report)
        assert refused is None or b"Rapport" not in refused
        assert refused is None or REFUSAL_MESSAGES["revoque"].encode() in refused.replace(
            b"&#x27;", b"'"
        ).replace(b"&#8217;", "’".encode())
        again = texts(rerun_fragment(atlas, fragment, query, atlas_page))
        assert REFUSAL_MESSAGES["revoque"] in again
        assert "acteurs localisés" not in again


@pytest.mark.parametrize("forged", ["forged", "connexion_nom", "$$ID-0-connexion_nom"])
def test_a_forged_widget_id_does_not_break_the_login_page(local, forged):
    """Found: a widget id Streamlit never made became a session-state key, and the login page
    of that session crashed (KeyError in the log) on every run after."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from tests.rawsession import until_finished

    with open_session(local.port, headers={"X-Real-IP": "203.0.113.7"}) as ws:
        assert "Identifiant" in texts(rerun(ws))
        msg = BackMsg()
        widget = msg.rerun_script.widget_states.widgets.add()
        widget.id = forged
        widget.trigger_value = True
        ws.send(msg.SerializeToString())
        for messages in (list(until_finished(ws)), rerun(ws)):
            kinds = {
                m.delta.new_element.WhichOneof("type")
                for m in messages
                if m.WhichOneof("type") == "delta" and m.delta.HasField("new_element")
            }
            assert "exception" not in kinds
            assert "Identifiant" in texts(messages) and "Mot de passe" in texts(messages)
