import pytest

from maillage.store import Store


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    """A fresh database file, also seen by code that reads MAILLAGE_DB."""
    path = tmp_path / "maillage.db"
    monkeypatch.setenv("MAILLAGE_DB", str(path))
    return path


@pytest.fixture
def store(db_path):
    return Store(db_path)


@pytest.fixture(autouse=True)
def local_server(monkeypatch):
    """Page tests run as `make run` does: MAILLAGE_AUTH=off on 127.0.0.1, where no login is
    asked (AppTest leaves `server.address` unset, which means every interface and would ask
    for one). Tests of the login set MAILLAGE_AUTH=on, unset it or patch the address."""
    from streamlit.testing.v1.util import patch_config_options

    monkeypatch.setenv("MAILLAGE_AUTH", "off")
    monkeypatch.delenv("MAILLAGE_URL", raising=False)
    with patch_config_options({"server.address": "127.0.0.1"}):
        yield


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL server for the whole run, in a temporary folder."""
    from tests.pgserver import PostgresServer

    try:
        server = PostgresServer()
    except RuntimeError as missing:
        pytest.fail(str(missing), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server, monkeypatch):
    """A fresh, empty database on the test server, also seen by code that reads MAILLAGE_DB."""
    url = postgres_server.create_database()
    monkeypatch.setenv("MAILLAGE_DB", url)
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def both_backends(request, tmp_path, monkeypatch):
    """A database location on each backend in turn: a module whose `db_path` fixture returns
    this runs every test on a SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        path = tmp_path / "maillage.db"
        monkeypatch.setenv("MAILLAGE_DB", str(path))
        return path
    return request.getfixturevalue("postgres_url")
