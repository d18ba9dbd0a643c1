"""The embedded database: spaces and their immutable, numbered versions.

Every SQL statement of the product lives in this module, behind a small interface, so that a
PostgreSQL server could replace the SQLite file for deployments with several app instances.
SQLite runs in WAL mode: a publication is one transaction, and a reader querying meanwhile
sees the old version or the new one, whole. Triggers forbid changing or deleting a published
version: restoring an old version publishes it again as a new one.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

DEFAULT_SPACE = "principal"

SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    space TEXT NOT NULL,
    version INTEGER NOT NULL,
    published_at TEXT NOT NULL,
    author TEXT,
    file TEXT,
    sha256 TEXT,
    rows TEXT NOT NULL,
    restored_from INTEGER,
    PRIMARY KEY (space, version)
);
CREATE TABLE IF NOT EXISTS version_sheets (
    space TEXT NOT NULL,
    version INTEGER NOT NULL,
    sheet TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (space, version, sheet),
    FOREIGN KEY (space, version) REFERENCES versions (space, version)
);
CREATE TABLE IF NOT EXISTS version_notes (
    space TEXT NOT NULL,
    version INTEGER NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (space, version),
    FOREIGN KEY (space, version) REFERENCES versions (space, version)
);
CREATE TRIGGER IF NOT EXISTS versions_are_immutable BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'published versions are immutable'); END;
CREATE TRIGGER IF NOT EXISTS versions_are_kept BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'published versions are never deleted'); END;
CREATE TRIGGER IF NOT EXISTS sheets_are_immutable BEFORE UPDATE ON version_sheets
BEGIN SELECT RAISE(ABORT, 'published versions are immutable'); END;
CREATE TRIGGER IF NOT EXISTS sheets_are_kept BEFORE DELETE ON version_sheets
BEGIN SELECT RAISE(ABORT, 'published versions are never deleted'); END;
"""


class UnknownVersion(LookupError):
    """The space has no such version (or no version at all)."""


@dataclass(frozen=True)
class VersionInfo:
    space: str
    version: int
    published_at: str  # ISO 8601, UTC
    author: str | None
    file: str | None
    sha256: str | None
    rows: dict[str, int]
    restored_from: int | None = None
    note: str | None = None  # « complété depuis FILE : 12 ajoutés, 3 mis à jour »

    def as_json(self) -> dict:
        """SPEC §4's keys, plus `note` for a version that completed the previous one."""
        data = {
            "version": self.version,
            "published_at": self.published_at,
            "file": self.file,
            "sha256": self.sha256,
            "rows": self.rows,
        }
        if self.note:
            data["note"] = self.note
        return data


def default_db_path() -> Path:
    """MAILLAGE_DB, else a per-user file under the XDG data folder."""
    if env := os.environ.get("MAILLAGE_DB"):
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "maillage" / "maillage.db"


def _private_file(path: Path) -> None:
    """Create the database file readable by its owner only (0600: it holds the password
    hashes), whatever the umask; SQLite gives its -wal and -shm files the same mode."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.stat().st_mode & 0o077 and path.stat().st_uid == os.geteuid():
        path.chmod(0o600)


class Store:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_db_path()
        _private_file(self.path)
        with self.connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so that two publishers queue, never interleave."""
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def publish(
        self,
        space: str,
        tables: Mapping[str, pd.DataFrame],
        *,
        file: str | None,
        sha256: str | None,
        author: str | None = None,
        restored_from: int | None = None,
        note: str | None = None,
    ) -> VersionInfo:
        blobs = {name: _to_parquet(frame) for name, frame in tables.items()}
        rows = {name: len(frame) for name, frame in sorted(tables.items())}
        published_at = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            (latest,) = db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM versions WHERE space = ?", (space,)
            ).fetchone()
            version = latest + 1
            db.execute(
                "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    space,
                    version,
                    published_at,
                    author,
                    file,
                    sha256,
                    json.dumps(rows),
                    restored_from,
                ),
            )
            if note:
                db.execute("INSERT INTO version_notes VALUES (?, ?, ?)", (space, version, note))
            db.executemany(
                "INSERT INTO version_sheets VALUES (?, ?, ?, ?)",
                [(space, version, name, blob) for name, blob in blobs.items()],
            )
        return VersionInfo(space, version, published_at, author, file, sha256, rows, restored_from,
                           note)

    def history(self, space: str) -> list[VersionInfo]:
        """The versions of a space, newest first."""
        with self.connect() as db:
            found = db.execute(
                f"SELECT {_VERSION_COLUMNS} FROM {_VERSIONS} WHERE space = ? ORDER BY version DESC",
                (space,),
            ).fetchall()
        return [_version(row) for row in found]

    def latest(self, space: str) -> VersionInfo | None:
        with self.connect() as db:
            row = db.execute(
                f"SELECT {_VERSION_COLUMNS} FROM {_VERSIONS} WHERE space = ? "
                "ORDER BY version DESC LIMIT 1",
                (space,),
            ).fetchone()
        return _version(row) if row else None

    def version(self, space: str, version: int | None = None) -> VersionInfo:
        if version is None:
            info = self.latest(space)
        else:
            with self.connect() as db:
                row = db.execute(
                    f"SELECT {_VERSION_COLUMNS} FROM {_VERSIONS} WHERE space = ? AND version = ?",
                    (space, version),
                ).fetchone()
            info = _version(row) if row else None
        if info is None:
            raise UnknownVersion(space if version is None else f"{space} v{version}")
        return info

    def load(self, space: str, version: int | None = None) -> dict[str, pd.DataFrame]:
        """The cleaned sheets of one version (the latest by default), read in one snapshot."""
        with self.connect() as db:
            db.execute("BEGIN")
            if version is None:
                (version,) = db.execute(
                    "SELECT MAX(version) FROM versions WHERE space = ?", (space,)
                ).fetchone()
            found = db.execute(
                "SELECT sheet, data FROM version_sheets WHERE space = ? AND version = ?",
                (space, version),
            ).fetchall()
            db.execute("COMMIT")
        if not found:
            raise UnknownVersion(f"{space} v{version}")
        return {sheet: pd.read_parquet(io.BytesIO(blob)) for sheet, blob in found}

    def restore(self, space: str, version: int, author: str | None = None) -> VersionInfo:
        """Publish a former version again, as the newest: nothing is ever overwritten."""
        former = self.version(space, version)
        return self.publish(
            space,
            self.load(space, version),
            file=former.file,
            sha256=former.sha256,
            author=author,
            restored_from=version,
        )

    def spaces(self) -> list[str]:
        with self.connect() as db:
            return [r[0] for r in db.execute("SELECT DISTINCT space FROM versions ORDER BY 1")]


def _to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, compression="zstd")
    return buffer.getvalue()


_VERSION_COLUMNS = "space, version, published_at, author, file, sha256, rows, restored_from, note"
_VERSIONS = "versions LEFT JOIN version_notes USING (space, version)"
"""A version's note (« complété depuis … ») lives in its own table, so that the versions table
keeps the columns every database already has."""


def _version(row: tuple) -> VersionInfo:
    space, version, published_at, author, file, sha256, rows, restored_from, note = row
    return VersionInfo(
        space, version, published_at, author, file, sha256, json.loads(rows), restored_from, note
    )
