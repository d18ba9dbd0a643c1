"""Login sessions kept in the database: random tokens stored as hashes, expiry, idleness,
revocation, on both backends."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from maillage import sessions
from maillage.accounts import READER, Accounts
from maillage.cli import main
from maillage.store import Store

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def db_path(both_backends):
    """Every test of this module runs on a SQLite file and on a real PostgreSQL server."""
    return both_backends


def test_only_the_hash_of_the_token_is_stored(store):
    token, opened = sessions.open_session(store, "paul", now=T0)
    other, _ = sessions.open_session(store, "paul", now=T0)
    assert token != other and len(token) == 43
    with store.connect() as db:
        cells = " ".join(str(v) for row in db.execute("SELECT * FROM sessions") for v in row)
    assert token not in cells and other not in cells
    assert hashlib.sha256(token.encode()).hexdigest() in cells
    found = sessions.resolve(Store(store.location), token, now=T0 + timedelta(hours=1))
    assert (found.id, found.name) == (opened.id, "paul")  # another instance knows it too


@pytest.mark.parametrize(
    "alter",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t + "x",
        lambda t: "",
        lambda t: None,
        lambda t: "' OR 1=1 --",
    ],
)
def test_a_forged_cookie_opens_nothing(store, alter):
    token, _ = sessions.open_session(store, "paul", now=T0)
    assert sessions.resolve(store, alter(token), now=T0) is None


def test_a_session_ends_at_expiry_and_when_idle(store):
    token, _ = sessions.open_session(store, "paul", now=T0)
    moment = T0
    while moment < T0 + sessions.LIFETIME - timedelta(hours=20):  # seen every 20 hours
        moment += timedelta(hours=20)
        assert sessions.resolve(store, token, now=moment) is not None
    assert sessions.resolve(store, token, now=T0 + sessions.LIFETIME) is None
    idle, _ = sessions.open_session(store, "paul", now=T0)
    assert sessions.resolve(store, idle, now=T0 + sessions.IDLE) is None


def test_logging_out_revokes_the_cookie_for_good(store):
    token, _ = sessions.open_session(store, "paul", now=T0)
    kept, _ = sessions.open_session(store, "paul", now=T0)
    assert sessions.revoke_token(store, token, now=T0 + timedelta(minutes=5))
    assert sessions.resolve(store, token, now=T0 + timedelta(minutes=6)) is None
    assert sessions.resolve(store, kept, now=T0 + timedelta(minutes=6)) is not None
    assert not sessions.revoke_token(store, "nimporte quoi")


def test_removing_an_account_ends_its_sessions(store):
    Accounts(store).add("paul", READER, "correct horse battery")
    token, _ = sessions.open_session(store, "paul")
    assert sessions.resolve(store, token) is not None
    Accounts(store).remove("paul")
    assert sessions.resolve(store, token) is None


def test_the_command_line_lists_and_revokes_sessions(store, db_path, capsys):
    token, first = sessions.open_session(store, "paul")
    sessions.open_session(store, "paul")
    sessions.open_session(store, "claire")
    assert main(["user", "sessions", "--db", str(db_path)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 3 and all("active" in line for line in listed)
    assert main(["user", "sessions", "--db", str(db_path), "--revoke", str(first.id)]) == 0
    assert "révoquée" in capsys.readouterr().out
    assert sessions.resolve(store, token) is None
    assert main(["user", "sessions", "--db", str(db_path), "--revoke", str(first.id)]) == 1
    assert main(["user", "sessions", "paul", "--db", str(db_path), "--revoke-all"]) == 0
    assert capsys.readouterr().out.startswith("1\u00a0session de « paul » révoquée.")
    assert main(["user", "sessions", "paul", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out.count("révoquée") == 2
    assert main(["user", "sessions", "--db", str(db_path), "--revoke-all"]) == 1
