"""The SQL of the committees' decisions on proposals, in the same database as the published
versions (a SQLite file or a PostgreSQL server).

One append-only table for every space: a decision is never changed nor deleted (triggers
refuse it), a later decision on the same proposal supersedes it, and the whole history stays.
Decisions are keyed by the proposal's stable id, not by a version, so they follow the
proposal into later versions and through a restore. The SQL is plain (one table, one index,
`INSERT` and `SELECT` only) so that a server database can run it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from maillage.database import Connection, register
from maillage.store import Store


def _decisions(db: Connection) -> str:
    """Migration 1: one append-only table of decisions for every space."""
    return db.dialect.render("""
CREATE TABLE IF NOT EXISTS decisions (
    id {id},
    space TEXT NOT NULL,
    proposal TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('retenue', 'ecartee', 'engagee', 'realisee')),
    comment TEXT,
    author TEXT,
    decided_at TEXT NOT NULL,
    version INTEGER,
    CHECK (status <> 'ecartee' OR (comment IS NOT NULL AND TRIM(comment) <> ''))
);
CREATE INDEX IF NOT EXISTS decisions_by_proposal ON decisions (space, proposal, id);
""") + db.dialect.immutable("decisions", "decisions")


MIGRATIONS = register("decisions", [_decisions])

_COLUMNS = "id, space, proposal, status, comment, author, decided_at, version"


@dataclass(frozen=True)
class DecisionRow:
    id: int
    space: str
    proposal: str
    status: str
    comment: str | None
    author: str | None
    decided_at: str  # ISO 8601, UTC
    version: int | None  # the version the committee was looking at


class DecisionStore:
    def __init__(self, store: Store):
        self.store = store
        store.database.migrate("decisions", MIGRATIONS)

    def add(
        self,
        space: str,
        proposal: str,
        status: str,
        comment: str | None,
        author: str | None,
        decided_at: str,
        version: int | None,
    ) -> DecisionRow:
        with self.store.transaction() as db:
            (row_id,) = db.execute(
                "INSERT INTO decisions (space, proposal, status, comment, author, decided_at, "
                "version) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (space, proposal, status, comment, author, decided_at, version),
            ).fetchone()
        return DecisionRow(row_id, space, proposal, status, comment, author, decided_at, version)

    def all(self, space: str) -> list[DecisionRow]:
        """Every decision of a space, oldest first."""
        with self.store.connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM decisions WHERE space = ? ORDER BY id", (space,)
            ).fetchall()
        return [DecisionRow(*row) for row in rows]

    def of(self, space: str, proposal: str) -> list[DecisionRow]:
        """The decisions on one proposal, oldest first."""
        with self.store.connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM decisions WHERE space = ? AND proposal = ? ORDER BY id",
                (space, proposal),
            ).fetchall()
        return [DecisionRow(*row) for row in rows]
