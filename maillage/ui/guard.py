"""The server's gate, in front of Streamlit: which Host and Origin may talk to it, which
sessions may upload, and which browser messages are never honoured.

Mounted by `serve.py` as an ASGI middleware of `st.App` (the supported hook of Streamlit 1.67
for code that runs before its routes). Streamlit's own `server.allowedHosts` is not enough on
its own: it checks only the WebSocket, ignores the port, and its Origin check accepts any page
served from `localhost` or `127.0.0.1` on any port; uploads check neither. So here:

- **Host and Origin** (DNS rebinding): every request must name this server — the loopback
  names with the port it listens on when `MAILLAGE_URL` is a loopback address (the default,
  `http://127.0.0.1:8501`), else exactly the host of `MAILLAGE_URL`. A WebSocket or a
  non-GET request that carries an Origin must come from that same address.
- **Uploads**: only a session whose access may import (recorded by `maillage.ui.auth` at
  every run) may send a file, within a cap per session and in total, counted before the body
  is read. Streamlit drops a session's files when the session ends.
- **`clear_cache`**: Streamlit honours this browser message from any session, whatever the
  toolbar shows, and it empties every cache of every user. It is dropped here, for everyone:
  published versions are immutable and cached by version number, so nothing needs clearing.
- **the list of pages**: in its old multipage mode (which `serve.py` turns off) Streamlit's
  first message to a session names every file of `pages/`; the gate keeps the main page only
  whatever the mode, so a login page or a share link never learns that « importer » or
  « partage » exist (the menu comes from `st.navigation`).
- **forged widget ids**: a widget state whose id Streamlit never generated is dropped (it
  would become a session-state key and crash that session's page).
"""

from __future__ import annotations

import logging
import os
from urllib.parse import urlsplit

DEFAULT_URL = "http://127.0.0.1:8501"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
UPLOAD_PREFIX = "/_stcore/upload_file/"
HEALTH = "/_stcore/health"  # answered to any Host: a probe of the machine carries no data
MEGABYTE = 1024 * 1024
SESSION_UPLOAD_CAP = 60 * MEGABYTE  # two workbooks of 25 Mo and their headers
TOTAL_UPLOAD_CAP = 250 * MEGABYTE  # every session together
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LOG = logging.getLogger("maillage.guard")

_active = False  # set when the middleware is mounted: `app.py` refuses to serve without it
_importers: set[str] = set()  # ids of the sessions whose access may import
_in_flight: dict[str, int] = {}  # bytes announced by uploads under way, by session


class BadPublicUrl(ValueError):
    """MAILLAGE_URL is not an http(s) address; the message is French."""


def public_url() -> str:
    return (os.environ.get("MAILLAGE_URL") or "").strip() or DEFAULT_URL


def check_public_url(url: str | None = None) -> str:
    url = url or public_url()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadPublicUrl(
            f"MAILLAGE_URL « {url} » n’est pas une adresse web : donnez l’adresse publique du "
            "tableau de bord, par exemple https://maillage.mon-territoire.fr (ou laissez-la "
            f"vide pour un usage sur cette machine, {DEFAULT_URL})."
        )
    return url


def is_local_url(url: str | None = None) -> bool:
    """True when the configured address is this machine: local use, loopback names only."""
    return (urlsplit(url or public_url()).hostname or "").lower() in LOOPBACK_HOSTS


def allowed(port: int | None) -> tuple[frozenset[str], frozenset[str]]:
    """(Host headers, Origins) this server answers, for the port it listens on."""
    url = check_public_url()
    parts = urlsplit(url)
    if is_local_url(url):
        names = ("127.0.0.1", "localhost", "[::1]")
        hosts = {f"{name}:{port}" for name in names} if port else set()
        if port in (None, 80):
            hosts |= set(names)
        return frozenset(hosts), frozenset(f"http://{h}" for h in hosts)
    host = (parts.hostname or "").lower()  # never empty: check_public_url wants a host
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    hosts = {netloc} | ({f"{host}:{default}"} if netloc == host else set())
    return frozenset(hosts), frozenset({f"{parts.scheme}://{netloc}"})


def active() -> bool:
    return _active


def set_may_import(session_id: str | None, may: bool) -> None:
    """Record whether this session's access may import (called at every script run)."""
    if not session_id:
        return
    if may:
        _importers.add(session_id)
    else:
        _importers.discard(session_id)


def may_import(session_id: str) -> bool:
    return session_id in _importers


def _stored_bytes(session_id: str | None = None) -> int:
    """Bytes Streamlit holds for uploads, of one session or of all."""
    from streamlit import runtime

    if not runtime.exists():
        return 0
    manager = runtime.get_instance().uploaded_file_mgr
    storage = getattr(manager, "file_storage", {})
    sessions = [storage.get(session_id, {})] if session_id else list(storage.values())
    return sum(len(f.data) for files in sessions for f in list(files.values()))


def _forget_ended_sessions() -> None:
    from streamlit import runtime

    if runtime.exists():
        active = runtime.get_instance().is_active_session
        for session_id in [s for s in _importers if not active(s)]:
            _importers.discard(session_id)


def upload_refusal(session_id: str, size: int | None) -> tuple[int, str] | None:
    """Why this upload is refused (HTTP status, French text), or None when it may go on."""
    if not may_import(session_id):
        return 403, (
            "Dépôt refusé : seule une session d’analyste connectée peut déposer un classeur."
        )
    if size is None:
        return 411, "Dépôt refusé : la taille du fichier n’est pas annoncée."
    mine = _stored_bytes(session_id) + _in_flight.get(session_id, 0) + size
    if mine > SESSION_UPLOAD_CAP:
        return 413, (
            f"Dépôt refusé : cette session garde déjà "
            f"{SESSION_UPLOAD_CAP // MEGABYTE} Mo de fichiers. Retirez un fichier "
            "déposé, puis réessayez."
        )
    if _stored_bytes() + sum(_in_flight.values()) + size > TOTAL_UPLOAD_CAP:
        return 503, (
            "Dépôt refusé : le serveur reçoit déjà beaucoup de fichiers. Réessayez "
            "dans quelques minutes."
        )
    return None


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def cleaned(data: bytes | None) -> bytes | None:
    """A browser message as Streamlit may see it: None to drop it (`clear_cache`), else its
    bytes, without the widget states whose id Streamlit never made (a forged id that does not
    start with `$$ID` becomes a session-state key and crashes the page on its next run)."""
    if not data:
        return data
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.runtime.state.common import GENERATED_ELEMENT_ID_PREFIX

    try:
        message = BackMsg.FromString(data)
    except Exception:  # not a BackMsg: let Streamlit answer it as it does
        return data
    kind = message.WhichOneof("type")
    if kind == "clear_cache":
        return None
    if kind == "rerun_script":
        widgets = message.rerun_script.widget_states.widgets
        kept = [w for w in widgets if w.id.startswith(GENERATED_ELEMENT_ID_PREFIX)]
        if len(kept) != len(widgets):
            _LOG.warning(
                "Identifiants de widgets inconnus ignorés : %s",
                [w.id[:80] for w in widgets if w not in kept],
            )
            del widgets[:]
            widgets.extend(kept)
            return message.SerializeToString()
    return data


def without_page_list(data: bytes | None) -> bytes | None:
    """A server message as the browser may see it: Streamlit's first message of a session
    lists every file of `pages/` (importer, partage…) before `st.navigation` says which
    screens this access has; only the main page is kept there, the menu comes after."""
    if not data or len(data) > 256 * 1024:  # new_session is small; never parse big deltas
        return data
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        message = ForwardMsg.FromString(data)
    except Exception:
        return data
    if message.WhichOneof("type") != "new_session":
        return data
    session = message.new_session
    main = [p for p in session.app_pages if p.page_script_hash == session.main_script_hash]
    if len(main) == len(session.app_pages):
        return data
    del session.app_pages[:]
    session.app_pages.extend(main)
    return message.SerializeToString()


class Guard:
    """ASGI middleware: refuse foreign hosts and origins, unauthorised uploads, clear_cache."""

    def __init__(self, app):
        global _active
        self.app = app
        check_public_url()
        _active = True

    async def __call__(self, scope, receive, send):
        kind = scope.get("type")
        if kind not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        server = scope.get("server") or (None, None)
        hosts, origins = allowed(server[1])
        host = (_header(scope, b"host") or "").strip().lower()
        origin = _header(scope, b"origin")
        method = scope.get("method", "GET")
        if host not in hosts and not (kind == "http" and scope.get("path") == HEALTH):
            here = f"http://127.0.0.1:{server[1]}" if is_local_url() else public_url()
            return await self._refuse(
                scope,
                receive,
                send,
                403,
                (
                    f"Adresse refusée : ce serveur ne répond qu’à {here}. Ouvrez le tableau "
                    "de bord à cette adresse, ou réglez MAILLAGE_URL sur son adresse publique."
                ),
            )
        if (
            origin is not None
            and (kind == "websocket" or method not in _SAFE_METHODS)
            and origin.strip().lower().rstrip("/") not in origins
        ):
            return await self._refuse(
                scope, receive, send, 403, "Requête refusée : elle vient d’un autre site."
            )
        if kind == "websocket":
            return await self.app(scope, self._cleaned(receive), self._unlisted(send))
        path = scope.get("path", "")
        if method == "PUT" and path.startswith(UPLOAD_PREFIX):
            return await self._upload(scope, receive, send, path)
        return await self.app(scope, receive, send)

    async def _upload(self, scope, receive, send, path):
        session_id = path[len(UPLOAD_PREFIX) :].split("/", 1)[0]
        _forget_ended_sessions()
        length = _header(scope, b"content-length")
        size = int(length) if length and length.isdigit() else None
        if refusal := upload_refusal(session_id, size):
            return await self._refuse(scope, receive, send, *refusal)
        _in_flight[session_id] = _in_flight.get(session_id, 0) + size
        try:
            return await self.app(scope, receive, send)
        finally:
            left = _in_flight.get(session_id, 0) - size
            if left > 0:
                _in_flight[session_id] = left
            else:
                _in_flight.pop(session_id, None)

    def _cleaned(self, receive):
        async def filtered():
            while True:
                message = await receive()
                if message.get("type") == "websocket.receive" and message.get("bytes"):
                    data = cleaned(message["bytes"])
                    if data is None:
                        _LOG.warning(
                            "Message clear_cache ignoré : les caches ne se vident "
                            "pas depuis un navigateur."
                        )
                        continue
                    message = {**message, "bytes": data}
                return message

        return filtered

    def _unlisted(self, send):
        async def sending(message):
            if message.get("type") == "websocket.send" and message.get("bytes"):
                message = {**message, "bytes": without_page_list(message["bytes"])}
            await send(message)

        return sending

    async def _refuse(self, scope, receive, send, status: int, text: str):
        _LOG.warning(
            "Refusé (%s) : %s %s, Host=%s, Origin=%s",
            status,
            scope.get("method", "WS"),
            scope.get("path"),
            _header(scope, b"host"),
            _header(scope, b"origin"),
        )
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = text.encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
