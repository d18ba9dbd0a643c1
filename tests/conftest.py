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
