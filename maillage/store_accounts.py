"""The SQL of accounts, login attempts, share links and space settings, in the same database
as the published versions (a SQLite file or a PostgreSQL server).

Kept apart from `store.py` (which holds the versions) so that each stays small; like it, every
statement sits behind a method and is written once for both backends. Times are ISO 8601
strings in UTC, which sort as they compare. A share link stores the SHA-256 of its token,
never the token: reading the database does not let anyone open a link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from maillage.database import Connection, register
from maillage.store import Store


def _persons_settings(db) -> str:
    """Migration 2: whether persons are shown as their role, per share link and per space. A
    link made before persons could be hidden hides them (the safe side); a file of an older
    maillage may already have the column."""
    db.add_column("share_links", "hide_persons", "INTEGER NOT NULL DEFAULT 1")
    return """
CREATE TABLE IF NOT EXISTS space_settings (
    space TEXT PRIMARY KEY,
    hide_persons INTEGER NOT NULL DEFAULT 0
);
"""


MIGRATIONS = register(
    "accounts",
    [
        """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyste', 'lecteur')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_attempts (
    id {id},
    name TEXT NOT NULL,
    at TEXT NOT NULL,
    success INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS login_attempts_by_name ON login_attempts (name, at);
CREATE TABLE IF NOT EXISTS share_links (
    id {id},
    token_sha256 TEXT NOT NULL UNIQUE,
    space TEXT NOT NULL,
    perimeter TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    author TEXT
);
""",
        _persons_settings,
        # 3: accounts limited to territories, like a scoped share link (`space` NULL: every space)
        """
CREATE TABLE IF NOT EXISTS user_limits (
    name TEXT PRIMARY KEY REFERENCES users (name) ON DELETE CASCADE,
    space TEXT,
    perimeters TEXT NOT NULL
);
""",
        # 4: login sessions that outlive a browser reload: only the SHA-256 of each cookie's token
        """
CREATE TABLE IF NOT EXISTS sessions (
    id {id},
    token_sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_name ON sessions (name, created_at);
""",
    ],
)


class DuplicateUser(ValueError):
    """An account with this name already exists."""


@dataclass(frozen=True)
class UserRow:
    name: str
    role: str
    password_hash: str
    created_at: str


@dataclass(frozen=True)
class SessionRow:
    id: int
    name: str
    created_at: str
    last_seen: str
    expires_at: str
    revoked_at: str | None


_SESSION_COLUMNS = "id, name, created_at, last_seen, expires_at, revoked_at"


@dataclass(frozen=True)
class LinkRow:
    id: int
    space: str
    perimeter: str | None
    created_at: str
    expires_at: str
    revoked_at: str | None
    author: str | None
    hide_persons: bool = True


_LINK_COLUMNS = "id, space, perimeter, created_at, expires_at, revoked_at, author, hide_persons"


def _link_row(row) -> LinkRow:
    link_id, space, perimeter, created, expires, revoked, author, hide = row
    return LinkRow(link_id, space, perimeter, created, expires, revoked, author, bool(hide))


class AccountStore:
    def __init__(self, store: Store):
        self.store = store
        store.database.migrate("accounts", MIGRATIONS)

    # --- users ------------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str, created_at: str) -> None:
        with self.store.transaction() as db:
            added = db.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING RETURNING name",
                (name, role, password_hash, created_at),
            ).fetchone()
        if added is None:
            raise DuplicateUser(name)

    def user(self, name: str) -> UserRow | None:
        with self.store.connect() as db:
            row = db.execute(
                "SELECT name, role, password_hash, created_at FROM users WHERE name = ?", (name,)
            ).fetchone()
        return UserRow(*row) if row else None

    def users(self) -> list[UserRow]:
        with self.store.connect() as db:
            rows = db.execute(
                "SELECT name, role, password_hash, created_at FROM users ORDER BY name"
            ).fetchall()
        return [UserRow(*row) for row in rows]

    def set_password_hash(self, name: str, password_hash: str) -> bool:
        with self.store.transaction() as db:
            done = db.execute(
                "UPDATE users SET password_hash = ? WHERE name = ?", (password_hash, name)
            ).rowcount
        return done == 1

    def set_user_perimeters(
        self, name: str, space: str | None, perimeters: tuple[str, ...], role: str | None = None
    ) -> bool:
        """Replace the territories an account may see (none: its whole space), and its role
        when given, in one transaction; False if there is no such account."""
        with self.store.transaction() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is None:
                return False
            if role is not None:
                db.execute("UPDATE users SET role = ? WHERE name = ?", (role, name))
            db.execute("DELETE FROM user_limits WHERE name = ?", (name,))
            if space is not None or perimeters:
                db.execute(
                    "INSERT INTO user_limits (name, space, perimeters) VALUES (?, ?, ?)",
                    (name, space, json.dumps(list(perimeters))),
                )
        return True

    def user_perimeters(self, name: str) -> tuple[str | None, tuple[str, ...]]:
        """The space an account is limited to (None: any) and its perimeters (none: all)."""
        with self.store.connect() as db:
            row = db.execute(
                "SELECT space, perimeters FROM user_limits WHERE name = ?", (name,)
            ).fetchone()
        return (row[0], tuple(json.loads(row[1]))) if row else (None, ())

    def remove_user(self, name: str) -> bool:
        with self.store.transaction() as db:
            db.execute("DELETE FROM user_limits WHERE name = ?", (name,))
            db.execute(
                "UPDATE sessions SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (datetime.now(UTC).isoformat(timespec="microseconds"), name),
            )
            done = db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount
            db.execute("DELETE FROM login_attempts WHERE name = ?", (name,))
        return done == 1

    # --- login attempts ---------------------------------------------------------------------

    def reserve_attempt(
        self, name: str, at: str, since: str, max_failures: int, forget_before: str
    ) -> tuple[int | None, list[str]]:
        """Count the recent failures and, unless they reach `max_failures`, record this
        attempt as one more failure, in one write transaction (`BEGIN IMMEDIATE`): parallel
        attempts queue here (a lock per name on PostgreSQL), so N of them count N before any
        password is verified.

        Returns (id of the reserved attempt, or None when locked; times of the failures after
        `since` and after the last success, this one included, oldest first)."""
        with self.store.transaction() as db:
            db.lock(f"maillage:login:{name}")  # PostgreSQL: what SQLite's write lock does
            failures = self._recent_failures(db, name, since)
            if len(failures) >= max_failures:
                return None, failures
            (attempt,) = db.execute(
                "INSERT INTO login_attempts (name, at, success) VALUES (?, ?, 0) RETURNING id",
                (name, at),
            ).fetchone()
            db.execute("DELETE FROM login_attempts WHERE at < ?", (forget_before,))
        return attempt, [*failures, at]

    def mark_success(self, attempt: int) -> None:
        """The reserved attempt verified: it resets the count of failures."""
        with self.store.transaction() as db:
            db.execute("UPDATE login_attempts SET success = 1 WHERE id = ?", (attempt,))

    def recent_failures(self, name: str, since: str) -> list[str]:
        """Times of the failed attempts after `since` and after the last success, oldest first."""
        with self.store.connect() as db:
            return self._recent_failures(db, name, since)

    @staticmethod
    def _recent_failures(db: Connection, name: str, since: str) -> list[str]:
        (last_success,) = db.execute(
            "SELECT MAX(at) FROM login_attempts WHERE name = ? AND success = 1", (name,)
        ).fetchone()
        start = max(since, last_success or "")
        rows = db.execute(
            "SELECT at FROM login_attempts WHERE name = ? AND success = 0 AND at > ? ORDER BY at",
            (name, start),
        ).fetchall()
        return [at for (at,) in rows]

    # --- login sessions -------------------------------------------------------------------

    def add_session(
        self, token_sha256: str, name: str, created_at: str, expires_at: str
    ) -> SessionRow:
        with self.store.transaction() as db:
            (session_id,) = db.execute(
                "INSERT INTO sessions (token_sha256, name, created_at, last_seen, expires_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (token_sha256, name, created_at, created_at, expires_at),
            ).fetchone()
        return SessionRow(session_id, name, created_at, created_at, expires_at, None)

    def session_by_hash(self, token_sha256: str) -> SessionRow | None:
        with self.store.connect() as db:
            row = db.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE token_sha256 = ?", (token_sha256,)
            ).fetchone()
        return SessionRow(*row) if row else None

    def touch_session(self, session_id: int, at: str) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE sessions SET last_seen = ? WHERE id = ? AND last_seen < ?",
                (at, session_id, at),
            )

    def sessions(self, name: str | None = None) -> list[SessionRow]:
        """Newest first; every account's when `name` is None."""
        where, params = ("WHERE name = ?", (name,)) if name is not None else ("", ())
        with self.store.connect() as db:
            rows = db.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions {where} ORDER BY id DESC", params
            ).fetchall()
        return [SessionRow(*row) for row in rows]

    def revoke_sessions(
        self,
        at: str,
        session_id: int | None = None,
        token_sha256: str | None = None,
        name: str | None = None,
    ) -> int:
        """Revoke one session (by id or token hash) or all of an account's; how many."""
        column, value = next(
            (c, v)
            for c, v in (("id", session_id), ("token_sha256", token_sha256), ("name", name))
            if v is not None
        )
        with self.store.transaction() as db:
            return db.execute(
                f"UPDATE sessions SET revoked_at = ? WHERE {column} = ? AND revoked_at IS NULL",
                (at, value),
            ).rowcount

    # --- share links ------------------------------------------------------------------------

    def add_link(
        self,
        token_sha256: str,
        space: str,
        perimeter: str | None,
        created_at: str,
        expires_at: str,
        author: str | None,
        hide_persons: bool = True,
    ) -> LinkRow:
        with self.store.transaction() as db:
            (link_id,) = db.execute(
                "INSERT INTO share_links (token_sha256, space, perimeter, created_at, "
                "expires_at, author, hide_persons) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (token_sha256, space, perimeter, created_at, expires_at, author, int(hide_persons)),
            ).fetchone()
        return LinkRow(
            link_id, space, perimeter, created_at, expires_at, None, author, hide_persons
        )

    def link_by_hash(self, token_sha256: str) -> LinkRow | None:
        with self.store.connect() as db:
            row = db.execute(
                f"SELECT {_LINK_COLUMNS} FROM share_links WHERE token_sha256 = ?", (token_sha256,)
            ).fetchone()
        return _link_row(row) if row else None

    def link(self, link_id: int) -> LinkRow | None:
        with self.store.connect() as db:
            row = db.execute(
                f"SELECT {_LINK_COLUMNS} FROM share_links WHERE id = ?", (link_id,)
            ).fetchone()
        return _link_row(row) if row else None

    def links(self, space: str | None = None) -> list[LinkRow]:
        """Newest first; every space when `space` is None."""
        with self.store.connect() as db:
            if space is None:
                rows = db.execute(
                    f"SELECT {_LINK_COLUMNS} FROM share_links ORDER BY id DESC"
                ).fetchall()
            else:
                rows = db.execute(
                    f"SELECT {_LINK_COLUMNS} FROM share_links WHERE space = ? ORDER BY id DESC",
                    (space,),
                ).fetchall()
        return [_link_row(row) for row in rows]

    def revoke_link(self, link_id: int, at: str) -> bool:
        """Mark a link revoked (the first revocation time is kept); False if it is unknown."""
        with self.store.transaction() as db:
            found = db.execute("SELECT 1 FROM share_links WHERE id = ?", (link_id,)).fetchone()
            db.execute(
                "UPDATE share_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (at, link_id),
            )
        return found is not None

    # --- settings of a space ----------------------------------------------------------------

    def space_hides_persons(self, space: str) -> bool:
        with self.store.connect() as db:
            row = db.execute(
                "SELECT hide_persons FROM space_settings WHERE space = ?", (space,)
            ).fetchone()
        return bool(row[0]) if row else False

    def set_space_hides_persons(self, space: str, hide: bool) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO space_settings (space, hide_persons) VALUES (?, ?) "
                "ON CONFLICT (space) DO UPDATE SET hide_persons = excluded.hide_persons",
                (space, int(hide)),
            )
