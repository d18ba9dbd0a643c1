"""A real PostgreSQL server for the tests: Debian's binaries, a temporary folder, a free
loopback port, password authentication (SCRAM), stopped and removed at the end.

initdb refuses to run as root: as root (CI) the server runs as the `postgres` system user
that Debian's package creates. Each test gets its own schema (a namespace of tables, put first
on the search path by its URL), dropped afterwards: as isolated as a database of its own for
our tables, and far cheaper to make than one.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
USER = "maillage"
PASSWORD = "mot-de-passe-de-test"


def _bindir() -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from ensure_postgresql import server_bindir
    finally:
        sys.path.pop(0)
    found = server_bindir()
    if found is None:
        raise RuntimeError(
            "PostgreSQL est introuvable (/usr/lib/postgresql/N/bin) : lancez "
            "make test, qui installe le paquet Debian « postgresql », ou "
            "sudo apt-get install postgresql."
        )
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        bindir = _bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="maillage-pg-"))
        self.port = _free_port()
        runas = {}
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            runas = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        password_file = self.folder / "password"
        password_file.write_text(PASSWORD)
        if runas:
            os.chown(password_file, runas["user"], runas["group"])
        data = self.folder / "data"
        subprocess.run(
            [
                f"{bindir}/initdb",
                "-D",
                str(data),
                "-U",
                USER,
                "--auth=scram-sha-256",
                f"--pwfile={password_file}",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            cwd=self.folder,
            **runas,
        )
        self.log = open(self.folder / "server.log", "wb")  # closed in stop()
        self.process = subprocess.Popen(
            [
                f"{bindir}/postgres",
                "-D",
                str(data),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.folder}",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=self.folder,
            **runas,
        )
        self._wait_ready()
        self.admin("CREATE DATABASE maillage")

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"PostgreSQL n’a pas démarré : voir {self.folder / 'server.log'}"
                    ) from None
                time.sleep(0.1)

    def admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as db:
            db.execute(sql)

    def create_database(self) -> str:
        """The URL of a fresh, empty namespace in the `maillage` database."""
        name = f"t_{uuid4().hex[:12]}"
        self.admin(f"CREATE SCHEMA {name}", database="maillage")
        return f"{self.url('maillage')}?options=-csearch_path%3D{name}"

    def drop_database(self, url: str) -> None:
        from maillage.database import release

        release(url)
        self.admin(f"DROP SCHEMA IF EXISTS {url.rsplit('%3D', 1)[1]} CASCADE", database="maillage")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown: clients are cut
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)
