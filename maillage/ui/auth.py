"""Who is in front of the screen, and what they may do: a share link, an account, or the
local analyst.

Decided once per script run, before any page draws, by `app.py` (which then shows only the
screens the access allows) and again by `frame()` (so a page run on its own — by AppTest, or
by a hand-typed address — is guarded the same way). Order of precedence:

1. a share token (`?partage=…`, then kept in the session so it survives page changes):
   read-only, one space, one perimeter; an expired, revoked or altered token shows its French
   refusal and nothing else;
2. a built-in account logged in this session (its role is read again from the database at
   every run, so removing an account takes effect at once), or an OIDC login through
   `st.login` when `.streamlit/secrets.toml` has an `[auth]` section;
3. no login at all only when that was chosen (`MAILLAGE_AUTH=off`, which `make run` sets),
   the server listens on the local machine only, its address (`MAILLAGE_URL`) is a loopback
   one, and this request comes from the loopback interface without any proxy header: the
   person at the keyboard is the analyst. Behind nginx, an SSH tunnel with a proxy, or any
   doubt, the login is on;
4. otherwise the login form.

When the app is served by a real server, it must be `serve.py` (whose gate refuses foreign
hosts and origins): `streamlit run app.py` draws only a French explanation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from maillage import accounts, sessions, sharing
from maillage.accounts import PUBLISH, READER, REFUSALS, ROLE_LABELS, Accounts
from maillage.formats import format_date, format_time
from maillage.sharing import QUERY_PARAM, REFUSAL_MESSAGES, ShareLink
from maillage.store import Store
from maillage.ui import data, display, guard

SESSION_USER = "connexion_compte"
SESSION_OIDC = "connexion_oidc"
SESSION_TOKEN = "partage_jeton"
LOGIN_NAME = "connexion_nom"
LOGIN_PASSWORD = "connexion_mot_de_passe"
LOGIN_MESSAGE = "connexion_message"
LOCAL_ADDRESSES = frozenset({"127.0.0.1", "localhost", "::1"})
# Headers a reverse proxy adds: their presence means the browser is not on this machine.
PROXY_HEADERS = (
    "x-forwarded-for",
    "forwarded",
    "x-real-ip",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-server",
    "x-client-ip",
    "via",
    "cf-connecting-ip",
    "true-client-ip",
    "x-cluster-client-ip",
)
UNGUARDED = (
    "Ce serveur a été lancé sans sa protection : lancez le tableau de bord avec "
    "« make run » ou « streamlit run serve.py » (et non « streamlit run app.py »)."
)


@dataclass(frozen=True)
class Access:
    role: str
    user: str | None = None
    share: ShareLink | None = None
    local: bool = False
    oidc: bool = False
    space: str | None = None  # an account limited to one space
    perimeters: tuple[str, ...] = ()  # an account limited to territories (frame.py applies it)

    def can(self, action: str) -> bool:
        return self.share is None and accounts.can(self.role, action)

    @property
    def read_only(self) -> bool:
        return not self.can(PUBLISH)


@dataclass(frozen=True)
class Refused:
    message: str


def login_required() -> bool:
    """False only for the explicit local mode (`MAILLAGE_AUTH=off`) on a server that listens
    on this machine only (an unset `server.address` means every interface), whose public
    address is loopback, for a request from this machine that no proxy relayed."""
    if os.environ.get("MAILLAGE_AUTH", "").strip().lower() != "off":
        return True
    from streamlit import config  # not st.get_option: tests patch the module's function

    if (config.get_option("server.address") or "").strip() not in LOCAL_ADDRESSES:
        return True
    return not guard.is_local_url() or not from_this_machine()


def from_this_machine() -> bool:
    """The browser connected over loopback, naming a loopback host, with no proxy header.
    Without any connection at all (AppTest), there is nobody else to fear."""
    headers = st.context.headers
    if not headers:
        return True
    if any(headers.get(name) is not None for name in PROXY_HEADERS):
        return False
    host = (headers.get("Host") or "").strip().lower()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name.strip("[]") not in LOCAL_ADDRESSES:
        return False
    return st.context.ip_address is None  # Streamlit gives None for 127.0.0.1 and ::1


def unguarded() -> bool:
    """A real connection reached the app without `serve.py`'s gate in front of it."""
    return bool(st.context.headers) and not guard.active()


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answer False
        return False


@st.cache_resource(show_spinner=False)
def _accounts(path: str) -> Accounts:
    return Accounts(data.store(path))


def _store() -> Store:
    return data.store(data.db_path())


def current() -> Access | Refused | None:
    """The access of this session, a refusal to show, or None when a login is needed.
    Also tells the server's gate whether this session may upload a workbook."""
    found = _current()
    context = get_script_run_ctx()
    session = context.session_id if context else None
    guard.set_may_import(session, isinstance(found, Access) and found.can(PUBLISH))
    if session and isinstance(found, Access) and found.user:
        _signed_in[session] = found.user
    elif session:
        _signed_in.pop(session, None)
    return found


SESSION_ENDED = "Votre session a pris fin : reconnectez-vous pour télécharger ce fichier."
_signed_in: dict[str, str] = {}  # session id → the account seen there at its last run


def revalidator(access: Access):
    """A check to run later, outside any script run (a deferred download): the French reason
    why `access` no longer holds (link revoked or expired, logged out, account removed), or
    None. Captures what it needs now: a deferred callable has no session state."""
    path = data.db_path()
    context = get_script_run_ctx()
    session = context.session_id if context else None

    def check() -> str | None:
        store = Store(path)
        if access.share is not None:
            link = sharing.get(store, access.share.id)
            state = link.state() if link else "inconnu"
            return None if state == "actif" else REFUSAL_MESSAGES[state]
        if access.user is not None:
            if session and _signed_in.get(session) != access.user:
                return SESSION_ENDED
            if not access.oidc and Accounts(store).get(access.user) is None:
                return SESSION_ENDED
        return None

    return check


def _current() -> Access | Refused | None:
    if unguarded():
        return Refused(UNGUARDED)
    store = _store()
    token = st.query_params.get(QUERY_PARAM) or st.session_state.get(SESSION_TOKEN)
    if token:
        found = sharing.resolve(store, token)
        if isinstance(found, str):
            st.session_state.pop(SESSION_TOKEN, None)
            return Refused(REFUSAL_MESSAGES[found])
        st.session_state[SESSION_TOKEN] = token
        if st.query_params.get(QUERY_PARAM) != token:  # a page change dropped it: put it back
            st.query_params[QUERY_PARAM] = token
        return Access(READER, share=found)
    book = _accounts(data.db_path())
    cookie = st.context.cookies.get(sessions.COOKIE)
    if (
        cookie and (session := sessions.resolve(store, cookie)) and (user := book.get(session.name))
    ):  # a login at /connexion, kept across reloads, tabs and instances
        return Access(user.role, user.name, space=user.space, perimeters=user.perimeters)
    if name := st.session_state.get(SESSION_USER):
        if user := book.get(name):
            return Access(user.role, user.name, space=user.space, perimeters=user.perimeters)
        st.session_state.pop(SESSION_USER, None)
    if oidc_configured() and st.user.is_logged_in:
        identity = str(st.user.get("email") or st.user.get("name") or "")
        known = book.get(identity)  # a built-in account of that e-mail gives its role
        st.session_state[SESSION_OIDC] = True
        if known:
            return Access(
                known.role, identity, oidc=True, space=known.space, perimeters=known.perimeters
            )
        return Access(READER, identity or None, oidc=True)
    if not login_required():
        return Access(accounts.ANALYST, local=True)
    return None


def gate() -> Access:
    """The access of this session; otherwise draw the login form or the refusal and stop."""
    found = current()
    if isinstance(found, Access):
        return found
    gate_page(found)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the script run


def gate_page(found: Access | Refused | None = None) -> None:
    """The only screen of a session that may see nothing yet."""
    found = found if found is not None else current()
    if isinstance(found, Refused):
        st.error(found.message, icon=":material/link_off:")
        return
    if isinstance(found, Access):
        return
    st.title("Connexion")
    st.caption("maillage — qui fait quoi sur le territoire")
    st.link_button(
        "Se connecter et le rester sur cet appareil",
        "/connexion",
        type="primary",
        icon=":material/login:",
    )
    if message := st.session_state.pop(LOGIN_MESSAGE, None):
        st.error(message, icon=":material/lock:")
    with st.form("connexion", enter_to_submit=True):
        st.text_input("Identifiant", key=LOGIN_NAME, autocomplete="username")
        st.text_input(
            "Mot de passe", type="password", key=LOGIN_PASSWORD, autocomplete="current-password"
        )
        st.form_submit_button("Se connecter", type="primary", on_click=_log_in)
    if oidc_configured():
        st.button(
            "Se connecter avec le compte de mon organisation",
            on_click=st.login,
            icon=":material/badge:",
        )
    st.caption(
        "Vous avez reçu un lien de partage ? Ouvrez-le tel quel : il ne demande pas de compte."
    )


def _log_in() -> None:
    name = str(st.session_state.get(LOGIN_NAME) or "")
    password = str(st.session_state.get(LOGIN_PASSWORD) or "")
    st.session_state[LOGIN_PASSWORD] = ""
    login = _accounts(data.db_path()).authenticate(name, password)
    if login.user is not None:
        st.session_state[SESSION_USER] = login.user.name
    elif login.locked_until:
        until = format_time(login.locked_until, zone=True)
        st.session_state[LOGIN_MESSAGE] = (
            f"Trop de tentatives manquées pour ce compte : réessayez après {until}."
        )
    else:
        st.session_state[LOGIN_MESSAGE] = "Identifiant ou mot de passe incorrect."


def _log_out() -> None:
    sessions.revoke_token(_store(), st.context.cookies.get(sessions.COOKIE))  # for good
    st.session_state.pop(SESSION_USER, None)
    if st.session_state.pop(SESSION_OIDC, False):
        st.logout()


def sidebar(access: Access, territory: str | None = None) -> None:
    """Say in the sidebar who is looking, with what rights, and offer to log out."""
    if access.share is not None:
        until = format_date(access.share.expires_at)
        where = f" limitée à « {display.md(territory)} »" if territory else ""
        st.sidebar.info(
            f"Vue partagée en lecture seule{where}, valable jusqu’au {until}.",
            icon=":material/visibility:",
        )
    elif access.user is not None:
        st.sidebar.caption(
            f"Connecté·e : {access.user} ({ROLE_LABELS.get(access.role, access.role)})"
        )
        if territory:
            st.sidebar.info(
                f"Votre compte ne voit que « {territory} ».", icon=":material/visibility:"
            )
        st.sidebar.button(
            "Se déconnecter",
            on_click=_log_out,
            icon=":material/logout:",
            key="connexion_deconnecter",
        )


def require(action: str) -> None:
    """Raise NotAllowed unless this session may do `action`: called by the code that acts
    (button callbacks), whatever the browser sent."""
    found = current()
    if not isinstance(found, Access) or not found.can(action):
        raise accounts.NotAllowed(REFUSALS.get(action, "Action non autorisée."))


def require_page(access: Access, action: str) -> None:
    """Stop a page meant for analysts, with a French explanation, for anyone else."""
    if not access.can(action):
        st.error(REFUSALS.get(action, "Action non autorisée."), icon=":material/block:")
        st.stop()
