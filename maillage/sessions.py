"""Login sessions that outlive a browser reload, a new tab and an app restart.

A successful login at `/connexion` issues 32 random bytes (`secrets.token_urlsafe`) sent to the
browser as an HttpOnly cookie; the database keeps only their SHA-256, with the account, the
expiry and the last time the session was seen, so a copy of the database opens no session and
every instance behind a proxy recognises the same cookie. A session ends at `LIFETIME` after
login, after `IDLE` without any page, when revoked (« Se déconnecter », `maillage user
sessions --revoke`) or when its account is removed; a cookie that was altered, never issued or
has ended resolves to nothing, and the login form is shown.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from maillage.sharing import token_digest
from maillage.store import Store
from maillage.store_accounts import AccountStore, SessionRow

COOKIE = "maillage_session"
LIFETIME = timedelta(days=7)
IDLE = timedelta(hours=24)
_TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most once a minute
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class LoginSession:
    id: int
    name: str
    created_at: datetime
    last_seen: datetime
    expires_at: datetime
    revoked_at: datetime | None

    def state(self, now: datetime | None = None) -> str:
        moment = _now(now)
        if self.revoked_at is not None:
            return "révoquée"
        if moment >= self.expires_at or moment >= self.last_seen + IDLE:
            return "expirée"
        return "active"


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _session(row: SessionRow) -> LoginSession:
    return LoginSession(
        row.id,
        row.name,
        datetime.fromisoformat(row.created_at),
        datetime.fromisoformat(row.last_seen),
        datetime.fromisoformat(row.expires_at),
        datetime.fromisoformat(row.revoked_at) if row.revoked_at else None,
    )


def open_session(store: Store, name: str, now: datetime | None = None) -> tuple[str, LoginSession]:
    """A new session for an account that has just proved its password; the token is the
    cookie's value, returned once."""
    token = secrets.token_urlsafe(32)
    moment = _now(now)
    row = AccountStore(store).add_session(
        token_digest(token), name, _iso(moment), _iso(moment + LIFETIME)
    )
    return token, _session(row)


def resolve(store: Store, token: object, now: datetime | None = None) -> LoginSession | None:
    """The live session a cookie opens (and note that it was seen), or None."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    rows = AccountStore(store)
    row = rows.session_by_hash(token_digest(token))
    if row is None:
        return None
    found = _session(row)
    moment = _now(now)
    if found.state(moment) != "active":
        return None
    if moment - found.last_seen >= _TOUCH_EVERY:
        rows.touch_session(found.id, _iso(moment))
    return found


def revoke_token(store: Store, token: object, now: datetime | None = None) -> bool:
    """End the session of a cookie (« Se déconnecter »); False if it opened none."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return False
    revoked = AccountStore(store).revoke_sessions(_iso(_now(now)), token_sha256=token_digest(token))
    return revoked > 0


def revoke(
    store: Store,
    session_id: int | None = None,
    name: str | None = None,
    now: datetime | None = None,
) -> int:
    """End one session by its number, or every session of an account; how many ended."""
    return AccountStore(store).revoke_sessions(_iso(_now(now)), session_id=session_id, name=name)


def sessions(store: Store, name: str | None = None) -> list[LoginSession]:
    return [_session(row) for row in AccountStore(store).sessions(name)]
