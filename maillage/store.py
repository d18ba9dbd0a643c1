"""Spaces and their immutable, numbered versions, in a SQLite file or a PostgreSQL server.

Every SQL statement of the versions lives in this module, written once for both backends
(`maillage.database` hides what differs). A publication is one transaction, numbered under a
lock per space, so two publications of one space racing get consecutive numbers; a reader
querying meanwhile sees the old version or the new one, whole (SQLite's WAL, PostgreSQL's
MVCC). Triggers forbid changing or deleting a published version: restoring an old version
publishes it again as a new one.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from maillage.database import Connection, Database, is_server_url, register

DEFAULT_SPACE = "principal"


def _versions_tables(db: Connection) -> str:
    """Migration 1: the versions and their sheets, immutable once written."""
    dialect = db.dialect
    return (
        dialect.render("""
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
    data {blob} NOT NULL,
    PRIMARY KEY (space, version, sheet),
    FOREIGN KEY (space, version) REFERENCES versions (space, version)
);
""")
        + dialect.immutable("versions", "versions")
        + dialect.immutable("version_sheets", "sheets")
    )


def _version_notes(db: Connection) -> str:
    """Migration 2: a version's note (« complété depuis … »), in its own table so that the
    versions table keeps SPEC §4's columns."""
    return db.dialect.render("""
CREATE TABLE IF NOT EXISTS version_notes (
    space TEXT NOT NULL,
    version INTEGER NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (space, version),
    FOREIGN KEY (space, version) REFERENCES versions (space, version)
);
""")


MIGRATIONS = register("versions", [_versions_tables, _version_notes])


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


def default_location() -> str:
    """MAILLAGE_DB (a file path or a `postgresql://` URL), else a per-user file under the XDG
    data folder."""
    if env := os.environ.get("MAILLAGE_DB"):
        return env
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return str(base / "maillage" / "maillage.db")


def default_db_path() -> Path:
    """The default SQLite file (kept for callers that predate server databases)."""
    return Path(default_location())


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
    """The versions of every space; `location` is a file path or a `postgresql://` URL."""

    def __init__(self, location: str | Path | None = None):
        location = str(location or default_location())
        if not is_server_url(location):
            _private_file(Path(location))
        self.database = Database(location)
        self.location = self.database.location
        self.database.migrate("versions", MIGRATIONS)

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None on a server."""
        return None if is_server_url(self.location) else Path(self.location)

    def connect(self) -> AbstractContextManager[Connection]:
        return self.database.connect()

    def transaction(self) -> AbstractContextManager[Connection]:
        """One write transaction: two publishers queue, never interleave."""
        return self.database.transaction()

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
            db.lock(f"maillage:space:{space}")  # numbered under the lock: no gap, no duplicate
            (latest,) = db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM versions WHERE space = ?", (space,)
            ).fetchone()
            version = latest + 1
            db.execute(
                "INSERT INTO versions (space, version, published_at, author, file, sha256, "
                "rows, restored_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
                "INSERT INTO version_sheets (space, version, sheet, data) VALUES (?, ?, ?, ?)",
                [(space, version, name, blob) for name, blob in blobs.items()],
            )
        return VersionInfo(
            space, version, published_at, author, file, sha256, rows, restored_from, note
        )

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
        with self.database.snapshot() as db:
            if version is None:
                (version,) = db.execute(
                    "SELECT MAX(version) FROM versions WHERE space = ?", (space,)
                ).fetchone()
            found = db.execute(
                "SELECT sheet, data FROM version_sheets WHERE space = ? AND version = ?",
                (space, version),
            ).fetchall()
        if not found:
            raise UnknownVersion(f"{space} v{version}")
        return {sheet: pd.read_parquet(io.BytesIO(bytes(blob))) for sheet, blob in found}

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
