"""The database location: a file or a real PostgreSQL server give the same answers, and a
server that cannot be used is named in French, with nothing written."""

import json
import re

import pytest

from maillage.cli import main
from maillage.database import redacted
from maillage.store import Store
from tests.pgserver import PASSWORD
from tests.workbooks import minimal_sheets, xlsx_bytes


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def session(capsys, db: str, workbook) -> dict[str, object]:
    """What the command line prints for one day of work on one database."""
    said = {}
    for name, argv in {
        "demo": ["demo"],
        "import": ["import", str(workbook), "--json"],
        "import_again": ["import", str(workbook)],
        "restore": ["restore", "1"],
        "history": ["history", "--json"],
        "history_demo": ["history", "--json", "--space", "demo"],
        "indicators": ["indicators", "--json"],
        "indicators_demo": ["indicators", "--json", "--space", "demo"],
        "indicators_scoped": [
            "indicators",
            "--json",
            "--space",
            "demo",
            "--perimeter",
            "epci_montlucon",
        ],
    }.items():
        code, out, err = run(capsys, *argv, "--db", db)
        assert (code, err) == (0, ""), (name, err)
        said[name] = json.loads(out) if "--json" in argv else out
    return said


def without_times(history: list[dict]) -> list[dict]:
    for version in history:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", version["published_at"])
    return [{k: v for k, v in version.items() if k != "published_at"} for version in history]


def test_the_command_line_says_the_same_on_sqlite_and_on_postgresql(capsys, tmp_path, postgres_url):
    workbook = tmp_path / "territoire.xlsx"
    workbook.write_bytes(xlsx_bytes(minimal_sheets()))
    on_file = session(capsys, str(tmp_path / "maillage.db"), workbook)
    on_server = session(capsys, postgres_url, workbook)
    for said in (on_file, on_server):
        for name in ("history", "history_demo"):
            said[name] = without_times(said[name])
    assert on_server == on_file
    assert [v["version"] for v in on_server["history"]] == [3, 2, 1]
    assert on_server["restore"] == "Version 1 republiée comme version 3.\n"
    assert on_server["indicators_demo"]["version"] == 1


def test_a_server_that_is_not_listening_is_named_and_exit_is_1(capsys, postgres_server):
    from tests.pgserver import _free_port

    url = f"postgresql://maillage:{PASSWORD}@127.0.0.1:{_free_port()}/maillage"
    code, out, err = run(capsys, "history", "--db", url)
    assert code == 1 and out == ""
    assert err.startswith("[Erreur] Impossible de joindre le serveur PostgreSQL")
    assert "le port" in err and "MAILLAGE_DB" in err
    assert PASSWORD not in err and "Traceback" not in err


def test_a_wrong_password_is_named_without_showing_it(capsys, postgres_server, tmp_path):
    workbook = tmp_path / "t.xlsx"
    workbook.write_bytes(xlsx_bytes(minimal_sheets()))
    wrong = postgres_server.url("maillage", password="pas-le-bon-secret")
    code, out, err = run(capsys, "import", str(workbook), "--db", wrong)
    assert code == 1 and out == ""
    assert "refuse le mot de passe de l’utilisateur « maillage »" in err
    assert "pas-le-bon-secret" not in err and PASSWORD not in err


def test_an_unknown_database_is_named(capsys, postgres_server):
    code, _, err = run(capsys, "history", "--db", postgres_server.url("nulle_part"))
    assert code == 1
    assert "La base « nulle_part » n’existe pas" in err and "createdb" in err


def test_a_newer_schema_stops_every_command_before_it_writes(capsys, postgres_url, tmp_path):
    store = Store(postgres_url)
    assert run(capsys, "demo", "--db", postgres_url)[0] == 0
    with store.transaction() as db:
        db.execute("UPDATE schema_versions SET version = 99 WHERE component = 'versions'")
    workbook = tmp_path / "t.xlsx"
    workbook.write_bytes(xlsx_bytes(minimal_sheets()))
    for argv in (["import", str(workbook)], ["demo"], ["history"], ["restore", "1"]):
        code, _, err = run(capsys, *argv, "--db", postgres_url)
        assert code == 1, argv
        assert "version plus récente de maillage" in err and "Rien n’a été modifié" in err
    assert [v.version for v in store.history("demo")] == [1]


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        (
            "postgresql://u:secret@db.example:5433/maillage",
            "postgresql://u@db.example:5433/maillage",
        ),
        ("postgresql://db/maillage?sslmode=require", "postgresql://db/maillage"),
        ("/var/lib/maillage/maillage.db", "/var/lib/maillage/maillage.db"),
    ],
)
def test_a_location_is_shown_without_its_password(location, shown):
    assert redacted(location) == shown


def test_the_dashboard_names_an_unreachable_server_in_french(monkeypatch):
    from tests.apptests import ROOT
    from tests.pgserver import _free_port

    monkeypatch.setenv(
        "MAILLAGE_DB", f"postgresql://maillage:{PASSWORD}@127.0.0.1:{_free_port()}/m"
    )
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("La base de données est inaccessible. Impossible de joindre")
    assert PASSWORD not in error.value
    assert not at.title and not at.metric
