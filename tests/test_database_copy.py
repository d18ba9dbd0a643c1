"""`maillage db copy`: a SQLite store moved onto a real PostgreSQL server, whole and checked,
or not at all."""

import io
import signal
import subprocess
import sys

import pandas as pd
import pytest

from maillage import sharing
from maillage.accounts import ANALYST, Accounts
from maillage.cli import main
from maillage.database_copy import CannotCopy, copy
from maillage.demo import publish_demo
from maillage.publishing import import_files
from maillage.store import Store
from tests.workbooks import minimal_sheets, xlsx_bytes

PASSWORD = "correct horse battery"
TABLES = ["versions", "version_sheets", "users", "login_attempts", "share_links"]


@pytest.fixture
def filled(tmp_path):
    """A SQLite store as a service would have it after some weeks: two spaces, a restore, an
    account with failed logins, share links (one revoked)."""
    store = Store(tmp_path / "maillage.db")
    publish_demo(store)
    sheets = minimal_sheets()
    import_files(store, "principal", [("t.xlsx", xlsx_bytes(sheets))], author="claire")
    sheets["acteurs"][0]["nom"] = "Autre nom"
    import_files(store, "principal", [("t2.xlsx", xlsx_bytes(sheets))])
    store.restore("principal", 1)
    accounts = Accounts(store)
    accounts.add("claire", ANALYST, PASSWORD)
    assert not accounts.authenticate("claire", "mauvais mot de passe").ok
    token, _ = sharing.create(store, "demo", "epci_montlucon")
    _, revoked = sharing.create(store, "principal")
    sharing.revoke(store, revoked.id)
    return store, token


def rows_of(store: Store) -> dict[str, int]:
    with store.connect() as db:
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_every_version_account_link_and_attempt_arrives_checked(filled, postgres_url, capsys):
    source, token = filled
    assert main(["db", "copy", "--db", str(source.path), "--to", postgres_url]) == 0
    said = capsys.readouterr().out
    for table in (
        *TABLES,
        "user_limits",
        "contribution_links",
        "contributions",
        "contribution_events",
    ):  # every table of every component is copied
        assert f"\n{table} : " in f"\n{said}", table
    assert "Copie vérifiée" in said and "mot-de-passe" not in said
    target = Store(postgres_url)
    assert rows_of(target) == rows_of(source)
    assert rows_of(source) == {
        "versions": 4,
        "version_sheets": rows_of(source)["version_sheets"],
        "users": 1,
        "login_attempts": 1,
        "share_links": 2,
    }
    for space in ("demo", "principal"):
        assert target.history(space) == source.history(space)  # sha256, rows, times, authors
        for info in source.history(space):
            mine, theirs = source.load(space, info.version), target.load(space, info.version)
            assert mine.keys() == theirs.keys()
            for name in mine:
                pd.testing.assert_frame_equal(theirs[name], mine[name])
    assert Accounts(target).authenticate("claire", PASSWORD).ok
    opened = sharing.resolve(target, token)
    assert (opened.space, opened.perimeter) == ("demo", "epci_montlucon")
    assert [link.state() for link in sharing.links(target)] == ["revoque", "actif"]
    _, newer = sharing.create(target, "demo")
    assert newer.id == 3  # numbering goes on after the copied links
    assert (
        target.publish("principal", source.load("principal"), file=None, sha256=None).version == 4
    )  # principal had 1, 2 and 3


def test_a_target_that_holds_data_is_refused_and_left_alone(filled, postgres_url, capsys):
    source, _ = filled
    copy(source.path, postgres_url)
    before = rows_of(Store(postgres_url))
    assert main(["db", "copy", "--db", str(source.path), "--to", postgres_url]) == 1
    err = capsys.readouterr().err
    assert "contient déjà des données" in err and "Rien n’a été copié" in err
    assert rows_of(Store(postgres_url)) == before


def test_a_missing_source_or_a_file_target_is_refused(tmp_path, postgres_url, capsys):
    assert main(["db", "copy", "--db", str(tmp_path / "absent.db"), "--to", postgres_url]) == 1
    assert "n’est pas un fichier SQLite existant" in capsys.readouterr().err
    Store(tmp_path / "a.db")
    with pytest.raises(CannotCopy, match="pas une adresse PostgreSQL"):
        copy(tmp_path / "a.db", str(tmp_path / "b.db"))


KILLED_COPY = """
import sys, time
from maillage.database_copy import copy

def slowly(table, done):
    if table == "version_sheets" and done == 2:  # every other table is copied by now
        print("copie", table, done, flush=True)
        time.sleep(60)

copy(sys.argv[1], sys.argv[2], progress=slowly, batch=1)
"""


def test_a_copy_killed_half_way_leaves_the_target_empty_and_can_start_again(filled, postgres_url):
    source, token = filled
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_COPY, str(source.path), postgres_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline()
        assert line == "copie version_sheets 2\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        child.stdout.close()
        child.stderr.close()
    target = Store(postgres_url)
    assert rows_of(target) == dict.fromkeys(TABLES, 0)
    copied = copy(source.path, postgres_url)
    assert {t.name: t.rows for t in copied if t.name in TABLES} == rows_of(source)
    assert sharing.resolve(target, token).space == "demo"


def test_the_console_reads_the_source_from_maillage_db(filled, postgres_url, monkeypatch, capsys):
    source, _ = filled
    monkeypatch.setenv("MAILLAGE_DB", str(source.path))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["db", "copy", "--to", postgres_url]) == 0
    assert "versions : 4\u00a0lignes" in capsys.readouterr().out
