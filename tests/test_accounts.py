"""Accounts: Argon2id hashes, roles and their permissions, login rate limiting in the db."""

import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from maillage import accounts
from maillage.accounts import (
    ADMIN,
    ANALYST,
    LOCK_WINDOW,
    MAX_FAILURES,
    PUBLISH,
    READER,
    RESTORE,
    SHARE,
    Accounts,
    DuplicateUser,
    NotAllowed,
    UnknownRole,
    WeakPassword,
)
from maillage.store import Store

PASSWORD = "correct horse battery"
T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def db_path(both_backends):
    """Every test of this module runs on a SQLite file and on a real PostgreSQL server."""
    return both_backends


@pytest.fixture
def fast(store):
    """Accounts with a cheap Argon2id: rate-limit tests hash many times."""
    return Accounts(store, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_password_is_stored_as_argon2id_hash_only(store):
    Accounts(store).add("claire", ANALYST, PASSWORD)
    if store.path is not None:  # the whole file, journal included
        wal = store.path.with_name(store.path.name + "-wal")
        raw = store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert PASSWORD.encode() not in raw
    with store.connect() as db:
        cells = [str(v) for row in db.execute("SELECT * FROM users").fetchall() for v in row]
    assert cells and not any(PASSWORD in cell for cell in cells)
    row = accounts.AccountStore(store).user("claire")
    assert row.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(row.password_hash, PASSWORD)


def test_right_password_logs_in_wrong_one_does_not(fast):
    fast.add("claire", ANALYST, PASSWORD)
    login = fast.authenticate("claire", PASSWORD)
    assert login.ok and login.user.name == "claire" and login.user.role == ANALYST
    assert not fast.authenticate("claire", PASSWORD + "!").ok
    assert not fast.authenticate("claire", "").ok
    assert not fast.authenticate("nobody", PASSWORD).ok


def test_add_refuses_duplicates_unknown_roles_and_short_passwords(fast):
    fast.add("claire", ANALYST, PASSWORD)
    with pytest.raises(DuplicateUser):
        fast.add("claire", READER, PASSWORD)
    with pytest.raises(UnknownRole):
        fast.add("paul", "directeur", PASSWORD)
    with pytest.raises(WeakPassword):
        fast.add("paul", READER, "court")
    assert [(u.name, u.role) for u in fast.list()] == [("claire", ANALYST)]


@pytest.mark.parametrize(
    "password",
    ["onze carac.", " " * 12, "\t" * 3 + " " * 20, "martine.dupont", "  Martine.Dupont  "],
)
def test_password_policy(fast, password, capsys, db_path, monkeypatch):
    """At least 12 characters, not only blanks, not the account's name: in the library and
    on the command line, with a French message and nothing stored."""
    import io

    from maillage.cli import main

    with pytest.raises(WeakPassword):
        fast.add("martine.dupont", READER, password)
    fast.add("claire", READER, PASSWORD)
    fast.add("martine.dupont", READER, PASSWORD)
    with pytest.raises(WeakPassword):
        fast.set_password("martine.dupont", password)
    assert fast.authenticate("martine.dupont", PASSWORD).ok  # the old one still holds
    fast.remove("martine.dupont")
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert (
        main(
            [
                "user",
                "add",
                "martine.dupont",
                "--role",
                "lecteur",
                "--password-stdin",
                "--db",
                str(db_path),
            ]
        )
        == 1
    )
    assert "[Erreur] Le mot de passe" in capsys.readouterr().err
    assert [u.name for u in fast.list()] == ["claire"]
    assert fast.authenticate("claire", PASSWORD).ok


def test_remove_and_list(fast):
    fast.add("zoe", READER, PASSWORD)
    fast.add("alice", ADMIN, PASSWORD)
    assert [u.name for u in fast.list()] == ["alice", "zoe"]
    assert fast.remove("zoe") is True
    assert fast.remove("zoe") is False
    assert fast.get("zoe") is None
    assert not fast.authenticate("zoe", PASSWORD).ok


def test_set_password_replaces_the_old_one(fast):
    fast.add("claire", ANALYST, PASSWORD)
    fast.set_password("claire", "another long secret")
    assert not fast.authenticate("claire", PASSWORD).ok
    assert fast.authenticate("claire", "another long secret").ok


def test_account_locks_after_max_failures_even_with_the_right_password(fast):
    fast.add("claire", ANALYST, PASSWORD)
    for i in range(MAX_FAILURES - 1):
        login = fast.authenticate("claire", "wrong password", now=T0 + timedelta(seconds=i))
        assert not login.ok and login.locked_until is None
    last = fast.authenticate("claire", "wrong password", now=T0 + timedelta(minutes=1))
    assert last.locked_until == T0 + LOCK_WINDOW  # the oldest failure leaves the window then
    during = fast.authenticate("claire", PASSWORD, now=T0 + LOCK_WINDOW - timedelta(seconds=1))
    assert not during.ok and during.locked_until == T0 + LOCK_WINDOW
    after = fast.authenticate("claire", PASSWORD, now=T0 + LOCK_WINDOW + timedelta(seconds=1))
    assert after.ok


def test_lock_is_kept_in_the_database_across_instances(store, fast):
    fast.add("claire", ANALYST, PASSWORD)
    for i in range(MAX_FAILURES):
        fast.authenticate("claire", "wrong password", now=T0 + timedelta(seconds=i))
    other = Accounts(Store(store.location), fast.hasher)
    assert other.locked_until("claire", now=T0 + timedelta(minutes=2)) == T0 + LOCK_WINDOW
    assert not other.authenticate("claire", PASSWORD, now=T0 + timedelta(minutes=2)).ok


def test_a_success_resets_the_count_and_old_failures_expire(fast):
    fast.add("claire", ANALYST, PASSWORD)
    for i in range(MAX_FAILURES - 1):
        fast.authenticate("claire", "wrong password", now=T0 + timedelta(seconds=i))
    assert fast.authenticate("claire", PASSWORD, now=T0 + timedelta(seconds=10)).ok
    login = fast.authenticate("claire", "wrong password", now=T0 + timedelta(seconds=11))
    assert login.locked_until is None
    for i in range(MAX_FAILURES - 1):
        fast.authenticate("claire", "wrong password", now=T0 + timedelta(minutes=1, seconds=i))
    later = T0 + timedelta(minutes=1) + LOCK_WINDOW + timedelta(seconds=30)
    assert fast.locked_until("claire", now=later) is None


def test_unknown_names_are_rate_limited_like_real_ones(fast):
    for i in range(MAX_FAILURES):
        login = fast.authenticate("ghost", PASSWORD, now=T0 + timedelta(seconds=i))
    assert login.locked_until is not None


@pytest.mark.parametrize("action", [PUBLISH, RESTORE, SHARE])
def test_only_analysts_and_admins_publish_restore_and_share(action):
    assert accounts.can(ADMIN, action) and accounts.can(ANALYST, action)
    assert not accounts.can(READER, action)
    assert not accounts.can(None, action)
    accounts.authorize(ANALYST, action)
    with pytest.raises(NotAllowed) as refused:
        accounts.authorize(READER, action)
    assert "lecture seule" in str(refused.value)


def test_command_line_adds_lists_and_removes_users(store, db_path, capsys, monkeypatch):
    import io

    from maillage.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(
            [
                "user",
                "add",
                "claire",
                "--role",
                "analyste",
                "--password-stdin",
                "--db",
                str(db_path),
            ]
        )
        == 0
    )
    assert Accounts(store).authenticate("claire", PASSWORD).user.role == ANALYST
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        main(
            ["user", "add", "claire", "--role", "lecteur", "--password-stdin", "--db", str(db_path)]
        )
        == 1
    )
    capsys.readouterr()
    assert main(["user", "list", "--db", str(db_path)]) == 0
    assert "claire  analyste" in capsys.readouterr().out
    assert main(["user", "remove", "claire", "--db", str(db_path)]) == 0
    assert Accounts(store).get("claire") is None
    assert main(["user", "remove", "claire", "--db", str(db_path)]) == 1


class CountingHasher(PasswordHasher):
    """argon2's hasher, counting the passwords it verifies (cheap settings)."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0
        self._lock = threading.Lock()

    def verify(self, hash, password):
        with self._lock:
            self.verified += 1
        time.sleep(0.05)  # as long as a real Argon2id: every attempt overlaps the others
        return super().verify(hash, password)


def test_parallel_attempts_are_counted_before_any_password_is_verified(store):
    """20 sessions at once, 19 wrong passwords then the right one: at most 5 are verified
    and the right one is refused while the account is locked."""
    hasher = CountingHasher()
    Accounts(store, hasher).add("claire", ANALYST, PASSWORD)
    hasher.verified = 0
    start = threading.Barrier(19)

    def wrong(_):
        book = Accounts(Store(store.path), hasher)  # one per session, as in the app
        start.wait()
        return book.authenticate("claire", "wrong password")

    with ThreadPoolExecutor(max_workers=19) as pool:
        attempts = list(pool.map(wrong, range(19)))
        right = Accounts(Store(store.path), hasher).authenticate("claire", PASSWORD)
    assert not any(login.ok for login in attempts)
    assert hasher.verified <= MAX_FAILURES
    assert not right.ok and right.locked_until is not None
    assert sum(login.locked_until is not None for login in attempts) >= 19 - MAX_FAILURES


def test_unknown_and_known_names_take_the_same_time(tmp_path):
    """The decoy hash is ready before the first login: an unknown name costs one verification
    like a known one, never one hash more, even as the first attempt of a fresh instance (as
    after a cache was emptied). The medians agree within a ratio. (A SQLite file only: the
    hash is timed, and a server's round trips on a shared machine only add noise.)"""
    store = Store(tmp_path / "chrono.db")
    Accounts(store).add("claire", ANALYST, PASSWORD)

    def timed(book: Accounts, name: str, i: int) -> float:
        began = time.perf_counter()  # 16 minutes apart: never locked, each a full attempt
        assert not book.authenticate(name, "wrong password", now=T0 + i * timedelta(minutes=16)).ok
        return time.perf_counter() - began

    book = Accounts(Store(store.path))
    fresh = [Accounts(Store(store.path)) for _ in range(7)]  # opened before the clock starts
    samples: dict[str, list[float]] = {"known": [], "unknown": [], "first": []}
    for i in range(7):  # interleaved, so that a busy moment of the machine hits all three
        samples["known"].append(timed(book, "claire", i))
        samples["unknown"].append(timed(book, "personne", i))
        samples["first"].append(timed(fresh[i], f"inconnu{i}", i))
    known, unknown, first = (statistics.median(samples[k]) for k in ("known", "unknown", "first"))
    assert 0.7 < unknown / known < 1.4, (known, unknown)
    assert 0.7 < first / known < 1.4, (known, first)


def test_the_decoy_is_computed_by_the_first_book_of_accounts_not_by_an_import(tmp_path):
    """A command that never logs anyone in (`maillage pistes`, `changes`) pays no hash; a
    book of accounts has its decoy before its first login (timed above)."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import maillage.decisions, maillage.accounts as a; print(len(a._decoys))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "0"
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    assert accounts._settings(hasher) not in accounts._decoys
    Accounts(Store(tmp_path / "decoy.db"), hasher)
    assert accounts._settings(hasher) in accounts._decoys
