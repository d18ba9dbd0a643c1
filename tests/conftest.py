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
