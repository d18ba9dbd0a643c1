"""The SQL of contribution links, contributions and their moderation, beside the versions.

Kept apart like `store_accounts.py`: every statement sits behind a method. Contributions and
moderation events are append-only (triggers refuse updates and deletes): a contribution that
was rejected or is still pending is kept forever, and its current status is its last event.
The contact a partner leaves for the analyst lives in its own column, never in the payload that
becomes rows, so it cannot reach a version, an export or a shared view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from maillage.database import register
from maillage.store import Store


def _tables(db) -> str:
    """Migration 1: links, contributions and their moderation events (append-only)."""
    dialect = db.dialect
    return (
        dialect.render("""
CREATE TABLE IF NOT EXISTS contribution_links (
    id {id},
    token_sha256 TEXT NOT NULL UNIQUE,
    space TEXT NOT NULL,
    perimeter TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    author TEXT,
    max_contributions INTEGER
);
CREATE TABLE IF NOT EXISTS contributions (
    id {id},
    link_id INTEGER NOT NULL REFERENCES contribution_links (id),
    space TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    contact TEXT
);
CREATE INDEX IF NOT EXISTS contributions_by_link ON contributions (link_id, submitted_at);
CREATE TABLE IF NOT EXISTS contribution_events (
    id {id},
    contribution_id INTEGER NOT NULL REFERENCES contributions (id),
    status TEXT NOT NULL
        CHECK (status IN ('acceptee', 'corrigee', 'rejetee', 'publiee')),
    reason TEXT,
    payload TEXT,
    merge_into TEXT,
    version INTEGER,
    author TEXT,
    at TEXT NOT NULL
);
""")
        + dialect.immutable("contributions", "contributions")
        + dialect.immutable("contribution_events", "contribution_events")
    )


MIGRATIONS = register("contributions", [_tables])

_LINK_COLUMNS = (
    "id, space, perimeter, created_at, expires_at, revoked_at, author, max_contributions"
)


@dataclass(frozen=True)
class ContributionLinkRow:
    id: int
    space: str
    perimeter: str | None
    created_at: str
    expires_at: str
    revoked_at: str | None
    author: str | None
    max_contributions: int | None


@dataclass(frozen=True)
class ContributionRow:
    id: int
    link_id: int
    space: str
    submitted_at: str
    payload: dict
    contact: str | None


@dataclass(frozen=True)
class EventRow:
    contribution_id: int
    status: str
    reason: str | None
    payload: dict | None
    merge_into: str | None
    version: int | None
    author: str | None
    at: str


@dataclass(frozen=True)
class Limits:
    """How many contributions one link takes: per minute, per day, and in all (None: no cap)."""

    per_minute: int
    per_day: int
    total: int | None


class LimitReached(Exception):
    """Storing one more contribution would exceed a limit; `which` says which one."""

    def __init__(self, which: str):
        super().__init__(which)
        self.which = which


class ContributionStore:
    def __init__(self, store: Store):
        self.store = store
        store.database.migrate("contributions", MIGRATIONS)

    # --- links ------------------------------------------------------------------------------

    def add_link(
        self,
        token_sha256: str,
        space: str,
        perimeter: str | None,
        created_at: str,
        expires_at: str,
        author: str | None,
        max_contributions: int | None,
    ) -> ContributionLinkRow:
        with self.store.transaction() as db:
            (link_id,) = db.execute(
                "INSERT INTO contribution_links (token_sha256, space, perimeter, created_at, "
                "expires_at, author, max_contributions) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (token_sha256, space, perimeter, created_at, expires_at, author, max_contributions),
            ).fetchone()
        return ContributionLinkRow(
            link_id, space, perimeter, created_at, expires_at, None, author, max_contributions
        )

    def link_by_hash(self, token_sha256: str) -> ContributionLinkRow | None:
        with self.store.connect() as db:
            row = db.execute(
                f"SELECT {_LINK_COLUMNS} FROM contribution_links WHERE token_sha256 = ?",
                (token_sha256,),
            ).fetchone()
        return ContributionLinkRow(*row) if row else None

    def links(self, space: str | None = None) -> list[ContributionLinkRow]:
        """Newest first; every space when `space` is None."""
        where, params = ("WHERE space = ?", (space,)) if space is not None else ("", ())
        with self.store.connect() as db:
            rows = db.execute(
                f"SELECT {_LINK_COLUMNS} FROM contribution_links {where} ORDER BY id DESC", params
            ).fetchall()
        return [ContributionLinkRow(*row) for row in rows]

    def revoke_link(self, link_id: int, at: str) -> bool:
        """Mark a link revoked (the first revocation time is kept); False if it is unknown."""
        with self.store.transaction() as db:
            found = db.execute(
                "SELECT 1 FROM contribution_links WHERE id = ?", (link_id,)
            ).fetchone()
            db.execute(
                "UPDATE contribution_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (at, link_id),
            )
        return found is not None

    def count(self, link_id: int) -> int:
        with self.store.connect() as db:
            (total,) = db.execute(
                "SELECT COUNT(*) FROM contributions WHERE link_id = ?", (link_id,)
            ).fetchone()
        return int(total)

    # --- contributions ----------------------------------------------------------------------

    def add(
        self,
        link: ContributionLinkRow,
        submitted_at: str,
        payload: dict,
        contact: str | None,
        limits: Limits,
        minute_ago: str,
        day_ago: str,
    ) -> int:
        """Store one contribution unless a limit is reached, counted and written in one
        transaction: parallel submissions queue on the link's lock (SQLite's write lock, a
        PostgreSQL advisory lock), so a cap is never beaten."""
        with self.store.transaction() as db:
            db.lock(f"maillage:contribution-link:{link.id}")

            def since(moment: str) -> int:
                (found,) = db.execute(
                    "SELECT COUNT(*) FROM contributions WHERE link_id = ? AND submitted_at > ?",
                    (link.id, moment),
                ).fetchone()
                return int(found)

            if limits.total is not None and since("") >= limits.total:
                raise LimitReached("total")
            if since(day_ago) >= limits.per_day:
                raise LimitReached("jour")
            if since(minute_ago) >= limits.per_minute:
                raise LimitReached("minute")
            (contribution_id,) = db.execute(
                "INSERT INTO contributions (link_id, space, submitted_at, payload, contact) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (
                    link.id,
                    link.space,
                    submitted_at,
                    json.dumps(payload, ensure_ascii=False),
                    contact,
                ),
            ).fetchone()
            return int(contribution_id)

    def contributions(self, space: str) -> list[ContributionRow]:
        """Oldest first, the order in which the analyst reads the queue."""
        with self.store.connect() as db:
            rows = db.execute(
                "SELECT id, link_id, space, submitted_at, payload, contact "
                "FROM contributions WHERE space = ? ORDER BY id",
                (space,),
            ).fetchall()
        return [
            ContributionRow(i, link, s, at, json.loads(payload), contact)
            for i, link, s, at, payload, contact in rows
        ]

    def add_event(
        self,
        contribution_id: int,
        status: str,
        at: str,
        author: str | None,
        reason: str | None = None,
        payload: dict | None = None,
        merge_into: str | None = None,
        version: int | None = None,
    ) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO contribution_events (contribution_id, status, reason, payload, "
                "merge_into, version, author, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    contribution_id,
                    status,
                    reason,
                    json.dumps(payload, ensure_ascii=False) if payload is not None else None,
                    merge_into,
                    version,
                    author,
                    at,
                ),
            )

    def events(self, space: str) -> list[EventRow]:
        """Every moderation event of the space's contributions, in the order they happened."""
        with self.store.connect() as db:
            rows = db.execute(
                "SELECT e.contribution_id, e.status, e.reason, e.payload, e.merge_into, "
                "e.version, e.author, e.at FROM contribution_events e "
                "JOIN contributions c ON c.id = e.contribution_id WHERE c.space = ? "
                "ORDER BY e.id",
                (space,),
            ).fetchall()
        return [
            EventRow(
                cid,
                status,
                reason,
                json.loads(payload) if payload else None,
                merge,
                version,
                author,
                at,
            )
            for cid, status, reason, payload, merge, version, author, at in rows
        ]
