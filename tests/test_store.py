"""The versioned store: every publication kept whole, nothing half-imported, nothing lost."""

import signal
import sqlite3
import subprocess
import sys
import threading

import pandas as pd
import pytest

from maillage.database import SchemaTooNew
from maillage.publishing import check, import_files
from maillage.store import Store, UnknownVersion
from tests.workbooks import minimal_sheets, xlsx_bytes


@pytest.fixture
def db_path(both_backends):
    """Every test of this module runs on a SQLite file and on a real PostgreSQL server."""
    return both_backends


@pytest.fixture
def sqlite_path(tmp_path):
    return tmp_path / "fichier.db"


def good_files():
    return [("territoire.xlsx", xlsx_bytes(minimal_sheets()))]


def bad_files():
    sheets = minimal_sheets()
    sheets["acteurs"][0]["champ"] = "inconnu"
    return [("territoire.xlsx", xlsx_bytes(sheets))]


def test_publish_then_load_returns_the_cleaned_tables(store):
    outcome = import_files(store, "principal", good_files(), author="analyste")
    assert outcome.version.version == 1
    _, validation = check(good_files())
    loaded = store.load("principal")
    for name, table in validation.tables.items():
        pd.testing.assert_frame_equal(loaded[name], table, check_dtype=False)


def test_history_is_newest_first_with_hash_file_and_rows(store):
    import_files(store, "principal", good_files())
    import_files(store, "principal", good_files())
    history = store.history("principal")
    assert [v.version for v in history] == [2, 1]
    assert history[0].file == "territoire.xlsx"
    assert len(history[0].sha256) == 64
    assert history[0].rows["acteurs"] == len(minimal_sheets()["acteurs"])


def test_a_workbook_with_errors_changes_nothing(store):
    import_files(store, "principal", good_files())
    outcome = import_files(store, "principal", bad_files())
    assert outcome.version is None
    assert [v.version for v in store.history("principal")] == [1]
    with store.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM version_sheets").fetchone()[0] == len(
            store.load("principal"))
    assert store.load("principal")["acteurs"]["champ"].tolist()[0] == "les_deux"


def test_restore_publishes_the_old_version_again(store):
    import_files(store, "principal", good_files())
    sheets = minimal_sheets()
    sheets["acteurs"][0]["nom"] = "Nouveau nom"
    import_files(store, "principal", [("v2.xlsx", xlsx_bytes(sheets))])
    restored = store.restore("principal", 1)
    assert restored.version == 3 and restored.restored_from == 1
    assert store.load("principal")["acteurs"]["nom"].iloc[0] == "Montluçon Communauté"
    assert store.load("principal", 2)["acteurs"]["nom"].iloc[0] == "Nouveau nom"


def test_published_versions_cannot_be_changed_or_deleted(store):
    import_files(store, "principal", good_files())
    statements = ["DELETE FROM versions", "UPDATE versions SET file = 'x'",
                  "DELETE FROM version_sheets", "UPDATE version_sheets SET sheet = 'x'"]
    if store.path is None:  # PostgreSQL also has TRUNCATE, which row triggers do not see
        statements += ["TRUNCATE versions CASCADE", "TRUNCATE version_sheets"]
    for statement in statements:
        with store.connect() as db, pytest.raises(store.database.dialect.integrity_errors):
            db.execute(statement)
    assert [v.version for v in store.history("principal")] == [1]
    assert store.load("principal")["acteurs"]["nom"].iloc[0] == "Montluçon Communauté"


def test_spaces_are_independent(store):
    import_files(store, "a", good_files())
    assert store.spaces() == ["a"]
    assert store.history("b") == []
    with pytest.raises(UnknownVersion):
        store.load("b")


CRASHING_PUBLISHER = """
import sys, time
from maillage.store import Store
store = Store(sys.argv[1])
with store.transaction() as db:
    db.execute("INSERT INTO versions (space, version, published_at, file, rows) "
               "VALUES ('principal', 2, 'now', 'x', '{}')")
    db.execute("INSERT INTO version_sheets (space, version, sheet, data) VALUES (?, ?, ?, ?)",
               ("principal", 2, "acteurs", b"\\0"))
    print("ready", flush=True)
    time.sleep(60)
"""


def test_a_publisher_killed_mid_transaction_leaves_the_previous_version(store, db_path):
    import_files(store, "principal", good_files())
    publisher = subprocess.Popen(
        [sys.executable, "-c", CRASHING_PUBLISHER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert publisher.stdout.readline().strip() == "ready"
        assert [v.version for v in store.history("principal")] == [1]  # readers unaffected
    finally:
        publisher.send_signal(signal.SIGKILL)
        publisher.wait(10)
        publisher.stdout.close()
    reopened = Store(db_path)
    assert [v.version for v in reopened.history("principal")] == [1]
    assert reopened.load("principal")["acteurs"]["nom"].iloc[0] == "Montluçon Communauté"
    assert import_files(reopened, "principal", good_files()).version.version == 2


def test_wal_mode_is_on(sqlite_path):
    Store(sqlite_path)
    with sqlite3.connect(sqlite_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert isinstance(Store(sqlite_path).spaces(), list)


def test_the_database_and_its_journal_are_private(tmp_path):
    """Found: the file with the Argon2 hashes was created -rw-r--r--."""
    import os
    import stat

    from maillage.accounts import Accounts

    before = os.umask(0o022)
    try:
        path = tmp_path / "sous-dossier" / "maillage.db"
        store = Store(path)
        Accounts(store).add("claire", "analyste", "correct horse battery")
        with store.connect() as db:  # an open connection keeps the -wal and -shm files
            db.execute("SELECT COUNT(*) FROM users").fetchone()
            files = [path, path.with_name("maillage.db-wal"), path.with_name("maillage.db-shm")]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
        assert modes == {f.name: 0o600 for f in files}
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        path.chmod(0o644)  # a file made by an older version is tightened when opened
        Store(path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(before)
