"""`maillage db copy`: move a SQLite store onto a PostgreSQL server, every row of every table.

The target's tables are made by the same migrations as on any open; then every row is copied
in **one transaction** on the target, so an interrupted copy leaves the target as empty as it
was, and running the command again starts over. The target must hold no data yet: a copy
never merges two stores. After the commit, each table is read back on both sides and its row
count and SHA-256 (over every row, in primary-key order, blobs included) must be equal.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import maillage
from maillage.database import (
    COMPONENTS,
    Connection,
    Database,
    DatabaseError,
    is_server_url,
    redacted,
)

BATCH = 200
_SKIPPED = {"schema_versions", "sqlite_sequence"}


class CannotCopy(DatabaseError):
    """The copy cannot start or did not check out; the message is French."""


@dataclass(frozen=True)
class CopiedTable:
    name: str
    rows: int
    sha256: str


def _load_components() -> None:
    """Import every `maillage.store*` module, so that each registers its migrations."""
    for module in pkgutil.iter_modules(maillage.__path__):
        if module.name.startswith("store"):
            importlib.import_module(f"maillage.{module.name}")


def copy(
    source: str | Path,
    target: str,
    progress: Callable[[str, int], None] | None = None,
    batch: int = BATCH,
) -> list[CopiedTable]:
    """Copy the SQLite store at `source` into the empty database at `target`; `progress` is
    told each table's rows so far, after each batch of `batch` rows."""
    source = str(source)
    if is_server_url(source) or not Path(source).is_file():
        raise CannotCopy(
            f"La base à copier « {redacted(source)} » n’est pas un fichier SQLite "
            "existant : donnez son chemin avec --db (ou MAILLAGE_DB)."
        )
    if not is_server_url(target):
        raise CannotCopy(
            f"La destination « {target} » n’est pas une adresse PostgreSQL : "
            "écrivez par exemple --to postgresql://utilisateur@serveur/maillage."
        )
    _load_components()
    origin, destination = Database(source), Database(target)
    for component, steps in COMPONENTS.items():  # the source first: refuse a newer file
        origin.migrate(component, steps)
    for component, steps in COMPONENTS.items():
        destination.migrate(component, steps)
    with origin.snapshot() as src:
        tables = _tables(src)
        with destination.connect() as dst:
            unknown = [t for t in tables if not _exists(dst, t)]
            filled = [t for t in tables if _count(dst, t)]
        if unknown:
            raise CannotCopy(
                f"La destination n’a pas les tables {', '.join(unknown)} : "
                "mettez maillage à jour avant de copier. Rien n’a été copié."
            )
        if filled:
            raise CannotCopy(
                f"La base « {redacted(target)} » contient déjà des données (tables "
                f"{', '.join(filled)}) : une copie ne fusionne jamais deux bases. "
                "Donnez une base vide. Rien n’a été copié."
            )
        with destination.transaction() as dst:
            for table in tables:
                _copy_table(src, dst, table, progress, batch)
        copied = [CopiedTable(t, *_fingerprint(src, t)) for t in tables]
    with destination.snapshot() as dst:  # read back after the commit, on the server itself
        for done in copied:
            if (done.rows, done.sha256) != _fingerprint(dst, done.name):
                raise CannotCopy(
                    f"La table {done.name} copiée diffère de l’original "
                    f"({done.rows} lignes attendues) : ne supprimez pas le fichier "
                    "SQLite, et signalez ce problème."
                )
    return copied


def _tables(db: Connection) -> list[str]:
    """The tables of a SQLite file, each after the tables its foreign keys point to."""
    names = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
        if name not in _SKIPPED
    ]
    parents = {
        name: {row[2] for row in db.execute(f'PRAGMA foreign_key_list("{name}")')} for name in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= {*ordered, n}]
        if not ready:  # a cycle: keep the remaining order, the single transaction holds it
            ready = [n for n in names if n not in ordered]
        ordered.extend(ready)
    return ordered


def _exists(db: Connection, table: str) -> bool:
    (found,) = db.execute("SELECT to_regclass(?)", (table,)).fetchone()
    return found is not None


def _count(db: Connection, table: str) -> int:
    return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def _columns(db: Connection, table: str) -> tuple[list[str], list[str]]:
    """Column names, and those of the primary key (rowid order when there is none)."""
    info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
    columns = [row[1] for row in info]
    key = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
    return columns, key or columns


def _rows(db: Connection, table: str, columns: list[str], key: list[str]) -> Iterator[tuple]:
    listed = ", ".join(f'"{c}"' for c in columns)
    order = ", ".join(f'"{c}"' for c in key)
    yield from db.execute(f'SELECT {listed} FROM "{table}" ORDER BY {order}')


def _copy_table(
    src: Connection,
    dst: Connection,
    table: str,
    progress: Callable[[str, int], None] | None,
    size: int,
) -> None:
    columns, key = _columns(src, table)
    listed = ", ".join(f'"{c}"' for c in columns)
    insert = f'INSERT INTO "{table}" ({listed}) VALUES ({", ".join("?" * len(columns))})'
    batch, done = [], 0
    for row in _rows(src, table, columns, key):
        batch.append(row)
        if len(batch) == size:
            dst.executemany(insert, batch)
            done += len(batch)
            batch = []
            if progress:
                progress(table, done)
    if batch:
        dst.executemany(insert, batch)
    if "id" in columns:  # identity columns go on after the copied ids, not from 1
        dst.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
        )


def _fingerprint(db: Connection, table: str) -> tuple[int, str]:
    """Row count and SHA-256 over every row, blobs included, the same on both backends: each
    row is hashed over its cells in column-name order, and the row hashes are sorted, so that
    neither the order of the columns nor the server's collation changes the result."""
    cursor = db.execute(f'SELECT * FROM "{table}"')
    names = [column[0] for column in cursor.description]
    order = sorted(range(len(names)), key=names.__getitem__)
    hashes = []
    for row in cursor:
        cells = [row[i] for i in order]
        cells = [bytes(v).hex() if isinstance(v, bytes | memoryview) else v for v in cells]
        hashes.append(hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).digest())
    digest = hashlib.sha256()
    for row_hash in sorted(hashes):
        digest.update(row_hash)
    return len(hashes), digest.hexdigest()
