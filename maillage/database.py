"""Where the tables live: one SQLite file (one machine) or one PostgreSQL server (several app
instances), chosen by the database location — a file path, or a `postgresql://` URL.

The store modules (`store.py`, `store_accounts.py`, …) write their SQL once, with `?`
placeholders, and ask the `Dialect` for the few things that differ: column types (`{blob}`,
`{id}` in DDL), the lock that serialises publications of one space, and the DDL of triggers
that keep rows immutable. Upserts are written `INSERT … ON CONFLICT (…) DO UPDATE SET
x = excluded.x` and new ids read with `RETURNING id`: both backends accept those as they are.

Each module declares its tables as a list of forward migrations under a component name
(`Database.migrate`); the `schema_versions` table records how far each component went, so a
database written by a newer maillage is refused before anything is written to it.
"""

from __future__ import annotations

import atexit
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_S = 10

Step = str | Mapping[str, str] | Callable[["Connection"], str]
"""One migration: DDL for both backends (with `{blob}`/`{id}`), one text per dialect name, or
a function of the open connection (inside the migration's transaction) that may look at the
tables, act, and return more DDL to run ("" for none)."""


class DatabaseError(RuntimeError):
    """The database cannot be used as asked; the message is French and says what to check."""


class DatabaseUnavailable(DatabaseError):
    """The server cannot be reached, or refuses the connection."""


class SchemaTooNew(DatabaseError):
    """The database was written by a newer maillage: this one must not touch it."""


def is_server_url(location: str | Path) -> bool:
    return str(location).startswith(POSTGRESQL_SCHEMES)


def redacted(location: str) -> str:
    """The location without its password, fit for a message or a log."""
    if not is_server_url(location):
        return location
    parts = urlsplit(location)
    host = parts.hostname or "localhost"
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


COMPONENTS: dict[str, Sequence[Step]] = {}
"""Every component's migrations, registered by its module when imported (`db copy` needs them
all, to make every table on the target before copying)."""


def register(component: str, steps: Sequence[Step]) -> Sequence[Step]:
    COMPONENTS[component] = steps
    return steps


# --- dialects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    name: str
    blob: str
    id: str  # an auto-numbered integer primary key
    integrity_errors: tuple[type[Exception], ...]

    def render(self, step: str | Mapping[str, str]) -> str:
        text = step[self.name] if isinstance(step, Mapping) else step
        return text.replace("{blob}", self.blob).replace("{id}", self.id)

    def lock_sql(self) -> str | None:
        """A statement that, given a text key, holds a lock until the transaction ends."""
        return None

    def immutable(self, table: str, name: str) -> str:
        """Triggers (named after `name`) that refuse every update and deletion of `table`'s
        rows: published data is never rewritten, only published again."""
        raise NotImplementedError


class _SQLite(Dialect):
    def immutable(self, table: str, name: str) -> str:
        return (
            f"CREATE TRIGGER IF NOT EXISTS {name}_are_immutable BEFORE UPDATE ON {table}\n"
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END;\n"
            f"CREATE TRIGGER IF NOT EXISTS {name}_are_kept BEFORE DELETE ON {table}\n"
            f"BEGIN SELECT RAISE(ABORT, '{table} rows are never deleted'); END;\n"
        )


class _PostgreSQL(Dialect):
    def lock_sql(self) -> str | None:
        # A transaction-scoped advisory lock: two publications of one space queue, and the
        # lock goes away with the transaction, even when its process is killed.
        return "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))"

    def immutable(self, table: str, name: str) -> str:
        return (
            "CREATE OR REPLACE FUNCTION maillage_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% rows are %', TG_TABLE_NAME, CASE WHEN TG_OP = 'UPDATE' "
            "THEN 'immutable' ELSE 'never deleted' END "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$;\n"
            f"CREATE OR REPLACE TRIGGER {name}_are_immutable BEFORE UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION maillage_refuse_change();\n"
            f"CREATE OR REPLACE TRIGGER {name}_are_kept BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION maillage_refuse_change();\n"
        )


SQLITE = _SQLite("sqlite", "BLOB", "INTEGER PRIMARY KEY AUTOINCREMENT", (sqlite3.IntegrityError,))


def _postgresql_dialect() -> Dialect:
    import psycopg

    return _PostgreSQL(
        "postgresql",
        "BYTEA",
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        (psycopg.errors.IntegrityError,),
    )


# --- connections ----------------------------------------------------------------------------


class Connection:
    """One connection, whichever the backend: `execute` takes `?` placeholders."""

    def __init__(self, raw: Any, dialect: Dialect):
        self.raw = raw
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        if self.dialect.name == "postgresql":
            return sql.replace("%", "%%").replace("?", "%s")
        return sql

    def execute(self, sql: str, params: Sequence[Any] | None = None):
        if params is None:
            return self.raw.execute(sql)
        return self.raw.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self.dialect.name == "postgresql":
            with self.raw.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)
        else:
            self.raw.executemany(sql, rows)

    def script(self, text: str) -> None:
        """Run several statements inside the current transaction (SQLite's `executescript`
        would commit it first)."""
        if self.dialect.name == "postgresql":
            self.raw.execute(text)
            return
        statement = ""
        for line in text.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                self.raw.execute(statement)
                statement = ""
        if statement.strip():
            self.raw.execute(statement)

    def columns(self, table: str) -> set[str]:
        """The column names of a table of this database."""
        if self.dialect.name == "postgresql":
            rows = self.execute(
                "SELECT column_name FROM information_schema.columns WHERE "
                "table_name = ? AND table_schema = current_schema()",
                (table,),
            )
            return {row[0] for row in rows}
        return {row[1] for row in self.execute(f'PRAGMA table_info("{table}")')}

    def add_column(self, table: str, column: str, definition: str) -> None:
        """Add a column unless the table already has it (a file of an older maillage may)."""
        if column not in self.columns(table):
            self.execute(f'ALTER TABLE "{table}" ADD COLUMN {column} {definition}')

    def lock(self, key: str) -> None:
        """Hold a lock on `key` until the transaction ends (SQLite's write lock already does)."""
        if sql := self.dialect.lock_sql():
            self.execute(sql, (key,))


_POOLS: dict[str, Any] = {}
_POOLS_LOCK = threading.Lock()


def _pool(url: str):
    """One pool of connections per server URL and process, opened once and shared."""
    with _POOLS_LOCK:
        if url in _POOLS:
            return _POOLS[url]
        _probe(url)
        from psycopg_pool import ConnectionPool

        pool = ConnectionPool(
            url,
            min_size=1,
            max_size=10,
            open=False,
            timeout=60,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
        )
        pool.open(wait=True, timeout=CONNECT_TIMEOUT_S * 2)
        _POOLS[url] = pool
        return pool


def release(location: str) -> None:
    """Close the pool of a server URL (tests drop their database afterwards)."""
    with _POOLS_LOCK:
        pool = _POOLS.pop(location, None)
    if pool is not None:
        pool.close()


@atexit.register
def _close_pools() -> None:
    for url in list(_POOLS):
        release(url)


def _probe(url: str) -> None:
    """Connect once outside the pool, so that a wrong URL or password gets its own message."""
    try:
        import psycopg
    except ImportError as missing:  # pragma: no cover - psycopg is a dependency
        raise DatabaseUnavailable(
            "Le pilote PostgreSQL (psycopg) n’est pas installé : "
            "réinstallez maillage (pip install -e .)."
        ) from missing
    try:
        psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
    except psycopg.Error as error:
        raise DatabaseUnavailable(_explain(url, str(error))) from None
    except Exception as error:  # a malformed URL fails before reaching the server
        raise DatabaseUnavailable(
            f"L’adresse de base « {redacted(url)} » est illisible "
            f"({type(error).__name__}) : vérifiez sa forme, par exemple "
            "postgresql://utilisateur:motdepasse@serveur:5432/maillage "
            "(--db ou MAILLAGE_DB)."
        ) from None


def _explain(url: str, reason: str) -> str:
    where = f"« {redacted(url)} »"
    parts = urlsplit(url)
    low = reason.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return (
            f"PostgreSQL refuse le mot de passe de l’utilisateur « {parts.username or '?'} » "
            f"pour {where} : vérifiez le mot de passe dans l’adresse (--db ou MAILLAGE_DB), "
            "ou dans PGPASSWORD / ~/.pgpass."
        )
    if "database" in low and "does not exist" in low:
        return (
            f"La base « {parts.path.lstrip('/')} » n’existe pas sur le serveur {where} : "
            "créez-la (createdb) ou corrigez son nom dans l’adresse (--db ou MAILLAGE_DB)."
        )
    if "role" in low and "does not exist" in low:
        return (
            f"L’utilisateur « {parts.username or '?'} » n’existe pas sur le serveur {where} :"
            " corrigez l’adresse (--db ou MAILLAGE_DB) ou créez-le (createuser)."
        )
    if "invalid" in low and ("dsn" in low or "uri" in low or "connection option" in low):
        return (
            f"L’adresse de base {where} est illisible : écrivez par exemple "
            "postgresql://utilisateur:motdepasse@serveur:5432/maillage "
            "(--db ou MAILLAGE_DB)."
        )
    return (
        f"Impossible de joindre le serveur PostgreSQL {where} : vérifiez le nom du serveur, "
        "le port, que PostgreSQL tourne et accepte les connexions depuis cette machine "
        "(pg_hba.conf), et l’adresse donnée par --db ou MAILLAGE_DB."
    )


class Database:
    """The tables of one location, and the transactions on them."""

    def __init__(self, location: str | Path):
        self.location = str(location)
        self._ready: set[str] = set()
        if is_server_url(self.location):
            self.dialect = _postgresql_dialect()
            self._pool = _pool(self.location)
        else:
            self.dialect = SQLITE
            self._pool = None
            Path(self.location).parent.mkdir(parents=True, exist_ok=True)

    @property
    def is_server(self) -> bool:
        return self._pool is not None

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection in autocommit: each statement sees a whole, committed state."""
        if self._pool is not None:
            try:
                with self._pool.connection() as raw:
                    yield Connection(raw, self.dialect)
            except _pool_errors() as error:
                raise DatabaseUnavailable(_explain(self.location, str(error))) from None
            return
        raw = sqlite3.connect(self.location, timeout=30, isolation_level=None)
        try:
            raw.execute("PRAGMA journal_mode=WAL")
            raw.execute("PRAGMA synchronous=FULL")
            raw.execute("PRAGMA foreign_keys=ON")
            yield Connection(raw, self.dialect)
        finally:
            raw.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction: all of it is committed, or none of it."""
        with self.connect() as db:
            if self._pool is not None:
                with db.raw.transaction():
                    yield db
                return
            db.execute("BEGIN IMMEDIATE")  # taken at once: two writers queue, never interleave
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """Several reads that see one committed state, even while a publication lands."""
        with self.connect() as db:
            if self._pool is not None:
                db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            else:
                db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("COMMIT")

    # --- schema ---------------------------------------------------------------------------

    def migrate(self, component: str, steps: Sequence[Step]) -> None:
        """Bring `component`'s tables to the newest of `steps`, once per process; refuse a
        database that a newer maillage has taken further."""
        if component in self._ready:
            return
        with self.connect() as db:
            current = _schema_version(db, component)
        if current > len(steps):
            raise self._too_new(component, current, len(steps))
        if current < len(steps):
            with self.transaction() as db:
                db.lock("maillage:schema")
                db.script(_SCHEMA_VERSIONS)
                current = _schema_version(db, component)
                if current > len(steps):
                    raise self._too_new(component, current, len(steps))
                for step in steps[current:]:
                    db.script(step(db) if callable(step) else self.dialect.render(step))
                db.execute(
                    "INSERT INTO schema_versions (component, version) VALUES (?, ?) "
                    "ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                    (component, len(steps)),
                )
        self._ready.add(component)

    def schema_versions(self) -> dict[str, int]:
        with self.connect() as db:
            if not _has_schema_table(db):
                return {}
            return dict(db.execute("SELECT component, version FROM schema_versions").fetchall())

    def _too_new(self, component: str, found: int, known: int) -> SchemaTooNew:
        return SchemaTooNew(
            f"La base « {redacted(self.location)} » a été écrite par une version plus récente "
            f"de maillage (schéma « {component} » en version {found}, celle-ci connaît la "
            f"version {known}) : mettez maillage à jour, ou vérifiez l’adresse de la base "
            "(--db ou MAILLAGE_DB). Rien n’a été modifié."
        )


_SCHEMA_VERSIONS = """
CREATE TABLE IF NOT EXISTS schema_versions (
    component TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
"""


def _has_schema_table(db: Connection) -> bool:
    if db.dialect.name == "postgresql":
        (found,) = db.execute("SELECT to_regclass('schema_versions')").fetchone()
        return found is not None
    return (
        db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'"
        ).fetchone()
        is not None
    )


def _schema_version(db: Connection, component: str) -> int:
    if not _has_schema_table(db):
        return 0
    row = db.execute(
        "SELECT version FROM schema_versions WHERE component = ?", (component,)
    ).fetchone()
    return int(row[0]) if row else 0


def _pool_errors() -> tuple[type[Exception], ...]:
    import psycopg
    from psycopg_pool import PoolTimeout

    return (PoolTimeout, psycopg.OperationalError)


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def check_identifier(name: str) -> str:
    """A table or column name that is safe to put in SQL text (never user input)."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(name)
    return name
