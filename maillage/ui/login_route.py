"""`/connexion`: a login form served by the app itself, so that a login can set a real cookie.

Streamlit scripts cannot set cookies, so a login typed in a page dies with its browser tab.
This route (mounted by `serve.py` through `st.App(..., routes=ROUTES)`) answers GET with a
plain French HTML form (no script, no external resource) and POST by checking the password
with the accounts' Argon2 and lockout; on success it opens a session (`maillage.sessions`)
and sends its token as an HttpOnly, SameSite=Lax cookie (Secure under HTTPS), scoped to the
app's path. A POST whose `Origin` is not this server's is refused before anything is read.
The frame resolves the cookie on every run (`maillage.ui.auth.current`).
"""

from __future__ import annotations

import html
import os
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from maillage import sessions
from maillage.accounts import Accounts
from maillage.formats import format_time
from maillage.sharing import URL_VARIABLE
from maillage.store import Store, default_location

PATH = "/connexion"
FOREIGN_ORIGIN = (
    "Connexion refusée : ce formulaire doit être envoyé depuis la page de "
    "connexion de ce tableau de bord."
)
_STORES: dict[str, Store] = {}


def _store() -> Store:
    location = default_location()
    if location not in _STORES:
        _STORES[location] = Store(location)
    return _STORES[location]


def _base_path() -> str:
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _same_origin(request: Request) -> bool:
    """The form was posted from a page of this server (or of its public address)."""
    sent = request.headers.get("origin") or (
        _origin_of(request.headers["referer"]) if request.headers.get("referer") else ""
    )
    if not sent or sent == "null":
        return False
    allowed = {_origin_of(str(request.url))}
    if public := os.environ.get(URL_VARIABLE):
        allowed.add(_origin_of(public))
    return sent.lower() in allowed


def _secure(request: Request) -> bool:
    public = os.environ.get(URL_VARIABLE, "")
    return (
        request.url.scheme == "https"
        or public.startswith("https://")
        or request.headers.get("x-forwarded-proto") == "https"
    )


def page(message: str | None = None, name: str = "") -> str:
    """The form, in French, readable without any script."""
    error = f'<p class="erreur" role="alert">{html.escape(message)}</p>' if message else ""
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connexion — maillage</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 26rem; margin: 4rem auto;
       padding: 0 1rem; color: #1f2937; }}
label {{ display: block; margin-top: 1rem; font-weight: 600; }}
input {{ width: 100%; padding: .5rem; font-size: 1rem; box-sizing: border-box; }}
button {{ margin-top: 1.5rem; padding: .6rem 1.2rem; font-size: 1rem; }}
.erreur {{ color: #b91c1c; font-weight: 600; }}
</style></head>
<body><h1>Connexion</h1>
<p>maillage — qui fait quoi sur le territoire</p>
{error}
<form method="post" action="{_base_path()}{PATH}">
<label for="nom">Identifiant</label>
<input id="nom" name="nom" autocomplete="username" required value="{html.escape(name)}">
<label for="mot_de_passe">Mot de passe</label>
<input id="mot_de_passe" name="mot_de_passe" type="password"
       autocomplete="current-password" required>
<button type="submit">Se connecter</button>
</form>
<p>Vous restez connecté·e sur cet appareil jusqu’à « Se déconnecter », ou 24 heures sans
visite. Vous avez reçu un lien de partage ? Ouvrez-le tel quel : il ne demande pas de
compte.</p>
</body></html>"""


async def connexion(request: Request) -> Response:
    if request.method != "POST":
        return HTMLResponse(page())
    if not _same_origin(request):
        return PlainTextResponse(FOREIGN_ORIGIN, status_code=403)
    form = await request.form()
    name = str(form.get("nom") or "").strip()
    password = str(form.get("mot_de_passe") or "")
    store = _store()
    login = await run_in_threadpool(Accounts(store).authenticate, name, password)
    if login.user is None:
        if login.locked_until:
            until = format_time(login.locked_until, zone=True)
            message = f"Trop de tentatives manquées pour ce compte : réessayez après {until}."
        else:
            message = "Identifiant ou mot de passe incorrect."
        return HTMLResponse(page(message, name), status_code=401)
    token, _ = await run_in_threadpool(sessions.open_session, store, login.user.name)
    response = RedirectResponse(f"{_base_path()}/", status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        token,
        max_age=int(sessions.LIFETIME.total_seconds()),
        path=f"{_base_path()}/",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


ROUTES = [Route(PATH, connexion, methods=["GET", "POST"])]
