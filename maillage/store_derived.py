"""The SQL of what each version gives (its indicators, its proposals), kept beside the version.

A published version never changes, so neither does what is derived from it; a row is keyed
by the fingerprint of the code that derived it, and a row of another fingerprint is derived
again and replaced (unlike the versions, these rows are a cache: no trigger guards them).
Payloads are zstd-compressed text: a France-scale list of proposals is 170 MB of JSON, 15 MB
stored, read back in a third of a second.
"""

from __future__ import annotations

import pyarrow as pa

from maillage.database import Connection, register
from maillage.store import Store


def _derived(db: Connection) -> str:
    """Migration 1: one row per version and kind of result."""
    return db.dialect.render("""
CREATE TABLE IF NOT EXISTS version_derived (
    space TEXT NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    size INTEGER NOT NULL,
    data {blob} NOT NULL,
    PRIMARY KEY (space, version, kind),
    FOREIGN KEY (space, version) REFERENCES versions (space, version)
);
""")


MIGRATIONS = register("version_derived", [_derived])

_CODEC = "zstd"


class DerivedStore:
    def __init__(self, store: Store):
        self.store = store
        store.database.migrate("version_derived", MIGRATIONS)

    def put(self, space: str, version: int, fingerprint: str, texts: dict[str, str]) -> None:
        """Keep `texts` (kind → text) for the version, replacing what an older code derived."""
        rows = []
        for kind, text in texts.items():
            raw = text.encode()
            data = pa.compress(raw, codec=_CODEC, asbytes=True)
            rows.append((space, version, kind, fingerprint, len(raw), data))
        with self.store.transaction() as db:
            db.executemany(
                "INSERT INTO version_derived (space, version, kind, fingerprint, size, data) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (space, version, kind) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, size = excluded.size, data = excluded.data",
                rows,
            )

    def get(self, space: str, version: int, fingerprint: str, kind: str) -> bytes | None:
        """The text kept for the version by this code (UTF-8), or None."""
        with self.store.connect() as db:
            row = db.execute(
                "SELECT size, data FROM version_derived WHERE space = ? AND version = ? "
                "AND kind = ? AND fingerprint = ?",
                (space, version, kind, fingerprint),
            ).fetchone()
        if row is None:
            return None
        size, data = row
        return pa.decompress(bytes(data), size, codec=_CODEC, asbytes=True)
