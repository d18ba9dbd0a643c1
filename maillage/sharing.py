"""Read-only share links: one space, optionally one perimeter, until an expiry date.

The token is 32 random bytes (`secrets.token_urlsafe`), shown once when the link is created;
the database keeps only its SHA-256, so a copy of the database opens no link. A token that
was altered, never issued, revoked or is past its expiry resolves to a refusal, never to a
link: the caller shows the French reason and nothing else.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from maillage.store import Store
from maillage.store_accounts import AccountStore, LinkRow

QUERY_PARAM = "partage"
URL_VARIABLE = "MAILLAGE_URL"  # the dashboard's public address, as a visitor types it
DEFAULT_URL = "http://127.0.0.1:8501"  # where `make run` listens
DEFAULT_EXPIRY = timedelta(days=30)
MAX_EXPIRY = timedelta(days=366)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32): 43 characters, no padding
_DURATION = re.compile(r"\s*(\d+)\s*([hdjws]?)\s*")
_UNITS = {
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "j": timedelta(days=1),
    "w": timedelta(weeks=1),
    "s": timedelta(weeks=1),
    "": timedelta(days=1),
}

Refusal = Literal["inconnu", "expire", "revoque"]
REFUSAL_MESSAGES: dict[str, str] = {
    "inconnu": "Ce lien de partage n’est pas valide : il a peut-être été mal copié. Demandez "
    "à la personne qui vous l’a envoyé de vous le transmettre à nouveau.",
    "expire": "Ce lien de partage a expiré. Demandez un nouveau lien à la personne qui vous "
    "l’a envoyé.",
    "revoque": "Ce lien de partage a été révoqué et ne donne plus accès au tableau de bord. "
    "Demandez un nouveau lien à la personne qui vous l’a envoyé.",
}


class CannotShare(ValueError):
    """The link cannot be created as asked; the message is French, ready to show."""


@dataclass(frozen=True)
class ShareLink:
    id: int
    space: str
    perimeter: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    author: str | None
    hide_persons: bool = True  # persons shown as their role (maillage.persons)

    def state(self, now: datetime | None = None) -> Literal["actif", "expire", "revoque"]:
        if self.revoked_at is not None:
            return "revoque"
        if utc_now(now) >= self.expires_at:
            return "expire"
        return "actif"


def utc_now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _link(row: LinkRow) -> ShareLink:
    revoked = datetime.fromisoformat(row.revoked_at) if row.revoked_at else None
    return ShareLink(
        row.id,
        row.space,
        row.perimeter,
        datetime.fromisoformat(row.created_at),
        datetime.fromisoformat(row.expires_at),
        revoked,
        row.author,
        row.hide_persons,
    )


def share_path(token: str) -> str:
    """The address of the shared view, relative to the server root."""
    return f"/?{QUERY_PARAM}={token}"


def public_url(value: str | None = None) -> str:
    """The dashboard's public address: `value`, else MAILLAGE_URL, else `make run`'s; without
    a trailing slash, and refused (in French) unless it is a plain http(s) address."""
    text = (value or os.environ.get(URL_VARIABLE) or DEFAULT_URL).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise CannotShare(
            f"L’adresse publique du tableau de bord « {text} » est illisible : "
            f"réglez {URL_VARIABLE} sur l’adresse que les destinataires ouvrent, "
            "par exemple https://maillage.mon-departement.fr (sans ? ni #)."
        )
    return text.rstrip("/")


def share_url(token: str, base: str | None = None) -> str:
    """The whole link to paste in an e-mail: the public address, then the token."""
    return public_url(base) + share_path(token)


def parse_duration(text: str) -> timedelta:
    """`30d`, `30j`, `12h`, `2w`/`2s` (weeks) or a bare number of days."""
    found = _DURATION.fullmatch(text.lower())
    if not found or int(found[1]) == 0:
        raise CannotShare(
            f"Durée illisible « {text} » : écrivez par exemple 30d (jours), "
            "12h (heures) ou 2w (semaines)."
        )
    return int(found[1]) * _UNITS[found[2]]


def create(
    store: Store,
    space: str,
    perimeter: str | None = None,
    expires: timedelta = DEFAULT_EXPIRY,
    author: str | None = None,
    now: datetime | None = None,
    hide_persons: bool = True,
) -> tuple[str, ShareLink]:
    """Issue a link to the latest version of `space`, restricted to `perimeter` when given.
    Persons are shown as their role unless `hide_persons` is False (the analyst's choice)."""
    if not timedelta(hours=1) <= expires <= MAX_EXPIRY:
        raise CannotShare("La durée d’un lien doit être comprise entre une heure et un an.")
    if store.latest(space) is None:
        raise CannotShare(
            f"L’espace « {space} » n’a aucune version publiée : il n’y a rien à partager."
        )
    if perimeter is not None:
        known = set(store.load(space)["perimetres"]["id"])
        if perimeter not in known:
            raise CannotShare(
                f"Le périmètre « {perimeter} » n’existe pas dans la dernière "
                f"version de l’espace « {space} »."
            )
    token = secrets.token_urlsafe(32)
    moment = utc_now(now)
    row = AccountStore(store).add_link(
        token_digest(token),
        space,
        perimeter,
        utc_iso(moment),
        utc_iso(moment + expires),
        author,
        hide_persons,
    )
    return token, _link(row)


def resolve(store: Store, token: str, now: datetime | None = None) -> ShareLink | Refusal:
    """The link a token opens, or why it opens nothing."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return "inconnu"
    row = AccountStore(store).link_by_hash(token_digest(token))
    if row is None:
        return "inconnu"
    link = _link(row)
    state = link.state(now)
    return link if state == "actif" else state


def links(store: Store, space: str | None = None) -> list[ShareLink]:
    return [_link(row) for row in AccountStore(store).links(space)]


def get(store: Store, link_id: int) -> ShareLink | None:
    row = AccountStore(store).link(link_id)
    return _link(row) if row else None


def revoke(store: Store, link_id: int, now: datetime | None = None) -> bool:
    """Revoke at once and for good; False when no link has this id."""
    return AccountStore(store).revoke_link(link_id, utc_iso(utc_now(now)))


def space_hides_persons(store: Store, space: str) -> bool:
    """The space setting « masquer les personnes » (off unless an analyst set it)."""
    return AccountStore(store).space_hides_persons(space)


def set_space_hides_persons(store: Store, space: str, hide: bool) -> None:
    AccountStore(store).set_space_hides_persons(space, hide)
