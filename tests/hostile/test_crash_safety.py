"""A publication killed half-way (power cut, OOM killer, `kill -9`) leaves the store as it
was: it opens, passes SQLite's integrity check, still serves the previous version whole, and
the next publication takes the next number."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from maillage.publishing import import_files
from maillage.store import Store
from tests.workbooks import minimal_sheets, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
SPACE = "principal"

# The child publishes through the real Store.publish; a SQLite progress handler tells the
# parent when the write transaction is open (with the `pause` argument, it then waits there).
CHILD = textwrap.dedent("""
    import sys, time
    from contextlib import contextmanager
    import numpy as np, pandas as pd
    from maillage.database import Database
    from maillage.store import Store

    class Watched(Database):
        @contextmanager
        def connect(self):
            with super().connect() as connection:
                db = connection.raw  # the sqlite3 connection
                said = []
                def handler():
                    if db.in_transaction and not said:
                        said.append(True)
                        print("transaction", flush=True)
                        if sys.argv[2] == "pause":
                            time.sleep(60)
                    return 0
                db.set_progress_handler(handler, 1)
                yield connection

    rows = 400_000
    table = pd.DataFrame({"id": [f"A{i}" for i in range(rows)],
                          "nom": np.random.default_rng(0).random(rows).astype(str)})
    store = Store(sys.argv[1])
    store.database = Watched(sys.argv[1])
    while True:
        store.publish("principal", {"acteurs": table, "perimetres": table.head(10)},
                      file="gros.xlsx", sha256=None)
""")


@pytest.fixture
def published(tmp_path) -> tuple[Store, dict[str, pd.DataFrame]]:
    store = Store(tmp_path / "maillage.db")
    outcome = import_files(store, SPACE, [("base.xlsx", xlsx_bytes(minimal_sheets()))])
    assert outcome.version is not None
    return store, store.load(SPACE)


def kill_while_publishing(db: Path, mode: str, delay: float) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), mode],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, child.kill)  # a child that never says so cannot hang us
    watchdog.start()
    try:
        line = child.stdout.readline()  # the transaction is open
        assert line.strip() == "transaction", child.stderr.read()
        time.sleep(delay)
    finally:
        watchdog.cancel()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def assert_intact(store: Store, before: dict[str, pd.DataFrame]) -> None:
    reopened = Store(store.path)
    with reopened.connect() as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    versions = [v.version for v in reopened.history(SPACE)]
    assert versions and versions[0] == len(versions)  # 1…n, nothing half-written
    first = reopened.load(SPACE, 1)
    assert sorted(first) == sorted(before)
    for sheet, frame in before.items():
        pd.testing.assert_frame_equal(first[sheet], frame)


@pytest.mark.parametrize(
    ("mode", "delay"),
    [("pause", 0.0), ("run", 0.05), ("run", 0.3)],
    ids=["pendant-la-transaction", "apres-50-ms", "apres-300-ms"],
)
def test_a_killed_publication_leaves_the_store_intact(published, mode, delay):
    store, before = published
    kill_while_publishing(store.path, mode, delay)
    assert_intact(store, before)
    if mode == "pause":  # killed inside the transaction: nothing of it may remain
        assert store.latest(SPACE).version == 1
    after = import_files(store, SPACE, [("suite.xlsx", xlsx_bytes(minimal_sheets()))])
    assert after.version.version == store.history(SPACE)[1].version + 1
    assert_intact(store, before)
