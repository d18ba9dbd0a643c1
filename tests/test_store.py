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
            store.load("principal")
        )
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
    statements = [
        "DELETE FROM versions",
        "UPDATE versions SET file = 'x'",
        "DELETE FROM version_sheets",
        "UPDATE version_sheets SET sheet = 'x'",
    ]
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


def marked(n: int) -> dict[str, pd.DataFrame]:
    """Three sheets that all carry the number of the publication that wrote them."""
    return {
        name: pd.DataFrame({"marque": [n] * 50, "x": range(50)})
        for name in ("acteurs", "perimetres", "dispositifs")
    }


def test_racing_publications_of_one_space_get_consecutive_numbers(store, db_path):
    store.publish("principal", marked(0), file=None, sha256=None)
    start = threading.Barrier(6)
    failures = []

    def publish_three(worker: int) -> None:
        mine = Store(db_path)  # each publisher its own store, as separate instances would
        start.wait()
        try:
            for i in range(3):
                mine.publish("principal", marked(worker * 10 + i), file=None, sha256=None)
        except Exception as error:  # reported below by the main thread
            failures.append(error)

    workers = [threading.Thread(target=publish_three, args=(w,)) for w in range(1, 7)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert failures == []
    numbers = sorted(v.version for v in store.history("principal"))
    assert numbers == list(range(1, 20))  # 1 + 6 × 3, no gap, no duplicate
    markers = {int(store.load("principal", n)["acteurs"]["marque"].iloc[0]) for n in numbers}
    assert markers == {0} | {w * 10 + i for w in range(1, 7) for i in range(3)}


def test_readers_see_the_old_version_or_the_new_one_whole(store, db_path):
    store.publish("principal", marked(0), file=None, sha256=None)
    done = threading.Event()
    torn = []

    def publish() -> None:
        writer = Store(db_path)
        for n in range(1, 16):
            writer.publish("principal", marked(n), file=None, sha256=None)
        done.set()

    thread = threading.Thread(target=publish)
    thread.start()
    reads = 0
    while not done.is_set() or reads < 3:
        sheets = store.load("principal")
        seen = {int(sheet["marque"].iloc[0]) for sheet in sheets.values()}
        if len(seen) != 1 or len(sheets) != 3:
            torn.append(seen)
        reads += 1
    thread.join(120)
    assert torn == [] and reads >= 3
    assert int(store.load("principal")["acteurs"]["marque"].iloc[0]) == 15


def test_two_imports_started_together_give_two_consecutive_versions(db_path, tmp_path):
    workbook = tmp_path / "territoire.xlsx"
    workbook.write_bytes(xlsx_bytes(minimal_sheets()))
    command = [sys.executable, "-m", "maillage.cli", "import", str(workbook), "--db", str(db_path)]
    imports = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in imports]
    assert [p.returncode for p in imports] == [0, 0], outputs
    said = sorted(line for out, _ in outputs for line in out.splitlines() if "publiée" in line)
    assert said == [
        "Version 1 de l’espace « principal » publiée.",
        "Version 2 de l’espace « principal » publiée.",
    ]
    assert [v.version for v in Store(db_path).history("principal")] == [2, 1]


def test_migrations_are_recorded_and_a_newer_schema_is_refused(store, db_path):
    from maillage.accounts import Accounts

    Accounts(store)
    assert store.database.schema_versions() == {"versions": 2, "accounts": 4}
    import_files(store, "principal", good_files())
    with store.transaction() as db:
        db.execute("UPDATE schema_versions SET version = 7 WHERE component = 'versions'")
    with pytest.raises(SchemaTooNew) as refused:
        Store(db_path)
    assert "version plus récente de maillage" in str(refused.value)
    assert "version 7" in str(refused.value) and "mot de passe" not in str(refused.value)
    assert store.database.schema_versions()["versions"] == 7  # nothing rewritten
    assert [v.version for v in store.history("principal")] == [1]


def test_a_file_made_before_schema_versions_is_adopted_as_it_is(sqlite_path):
    old_schema = """
    CREATE TABLE versions (space TEXT NOT NULL, version INTEGER NOT NULL,
        published_at TEXT NOT NULL, author TEXT, file TEXT, sha256 TEXT, rows TEXT NOT NULL,
        restored_from INTEGER, PRIMARY KEY (space, version));
    CREATE TABLE version_sheets (space TEXT NOT NULL, version INTEGER NOT NULL,
        sheet TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (space, version, sheet));
    CREATE TRIGGER versions_are_kept BEFORE DELETE ON versions
    BEGIN SELECT RAISE(ABORT, 'published versions are never deleted'); END;
    INSERT INTO versions VALUES ('principal', 1, '2026-01-01T00:00:00+00:00', NULL, 'a.xlsx',
        NULL, '{"acteurs": 1}', NULL);
    """
    with sqlite3.connect(sqlite_path) as db:
        db.executescript(old_schema)
    store = Store(sqlite_path)
    assert [v.file for v in store.history("principal")] == ["a.xlsx"]
    assert store.database.schema_versions() == {"versions": 2}
    assert import_files(store, "principal", good_files()).version.version == 2
