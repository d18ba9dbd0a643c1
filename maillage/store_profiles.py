"""The SQL of saved import profiles, one set per space, in the same database as the versions.

Kept apart like `store_accounts.py`, every statement behind a method and in SQL that SQLite
and PostgreSQL both read (`ON CONFLICT … DO UPDATE` is in both). A profile is stored as the
JSON of its TOML keys, with the normalised source headers it names, so that a file whose
headers match can be recognised without parsing every profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from maillage.database import Connection, register
from maillage.store import Store


def _profiles(db: Connection) -> str:
    """Migration 1: the saved profiles of every space."""
    return db.dialect.render("""
CREATE TABLE IF NOT EXISTS import_profiles (
    space TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    headers TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    author TEXT,
    PRIMARY KEY (space, name)
);
""")


MIGRATIONS = register("import_profiles", [_profiles])


@dataclass(frozen=True)
class ProfileRow:
    space: str
    name: str
    body: str  # JSON, the keys of the TOML profile
    headers: str  # JSON list of normalised source headers
    saved_at: str
    author: str | None


_COLUMNS = "space, name, body, headers, saved_at, author"


class ProfileStore:
    def __init__(self, store: Store):
        self.store = store
        store.database.migrate("import_profiles", MIGRATIONS)

    def save(
        self, space: str, name: str, body: str, headers: str, saved_at: str, author: str | None
    ) -> None:
        """Insert, or replace the profile of that name in the space."""
        with self.store.transaction() as db:
            db.execute(
                f"INSERT INTO import_profiles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (space, name) DO UPDATE SET body = excluded.body, "
                "headers = excluded.headers, saved_at = excluded.saved_at, "
                "author = excluded.author",
                (space, name, body, headers, saved_at, author),
            )

    def get(self, space: str, name: str) -> ProfileRow | None:
        with self.store.connect() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM import_profiles WHERE space = ? AND name = ?",
                (space, name),
            ).fetchone()
        return ProfileRow(*row) if row else None

    def list(self, space: str) -> list[ProfileRow]:
        with self.store.connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM import_profiles WHERE space = ? ORDER BY name", (space,)
            ).fetchall()
        return [ProfileRow(*row) for row in rows]

    def remove(self, space: str, name: str) -> bool:
        with self.store.transaction() as db:
            done = db.execute(
                "DELETE FROM import_profiles WHERE space = ? AND name = ?", (space, name)
            ).rowcount
        return done == 1
