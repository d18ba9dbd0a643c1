"""The command line as other tools use it: exit codes and the JSON of SPEC §4."""

import json
import subprocess
import sys

import pytest

from maillage.cli import main
from tests.workbooks import minimal_sheets, write_xlsx


def run(capsys, *args):
    code = main(list(args))
    return code, capsys.readouterr()


@pytest.fixture
def good(tmp_path):
    return write_xlsx(tmp_path / "bon.xlsx", minimal_sheets())


@pytest.fixture
def bad(tmp_path):
    sheets = minimal_sheets()
    sheets["acteurs"][1]["champ"] = "culturel"
    sheets["dispositifs"][0]["perimetre"] = "P_ABSENT"
    return write_xlsx(tmp_path / "mauvais.xlsx", sheets)


def test_validate_json_locates_each_problem(capsys, bad, db_path):
    code, out = run(capsys, "validate", str(bad), "--json")
    report = json.loads(out.out)
    assert code == 1
    assert report["valid"] is False
    located = {(p["sheet"], p["row"], p["column"], p["value"]) for p in report["problems"]}
    assert ("acteurs", 3, "champ", "culturel") in located
    assert ("dispositifs", 2, "perimetre", "P_ABSENT") in located
    assert set(report["problems"][0]) == {"severity", "sheet", "row", "column", "value", "message"}


def test_validate_valid_workbook_exits_0(capsys, good, db_path):
    code, out = run(capsys, "validate", str(good))
    assert code == 0
    assert "Classeur valide" in out.out


def test_validate_unreadable_file_exits_2(capsys, tmp_path, db_path):
    broken = tmp_path / "casse.xlsx"
    broken.write_bytes(b"pas un classeur")
    code, out = run(capsys, "validate", str(broken), "--json")
    assert code == 2
    assert json.loads(out.out)["valid"] is False


def test_import_bad_exits_1_and_history_is_unchanged(capsys, good, bad, db_path):
    assert run(capsys, "import", str(good))[0] == 0
    _, before = run(capsys, "history", "--json")
    code, _ = run(capsys, "import", str(bad))
    _, after = run(capsys, "history", "--json")
    assert code == 1
    assert before.out == after.out
    versions = json.loads(after.out)
    assert [v["version"] for v in versions] == [1]
    # SPEC §4's keys, and who published (a key added, none removed)
    assert set(versions[0]) == {"version", "published_at", "file", "sha256", "rows", "author"}
    assert versions[0]["author"] is None  # `maillage import` without --author


def test_db_and_space_options(capsys, good, tmp_path):
    db = tmp_path / "autre.db"
    assert run(capsys, "import", str(good), "--db", str(db), "--space", "allier")[0] == 0
    _, out = run(capsys, "history", "--db", str(db), "--space", "allier", "--json")
    assert json.loads(out.out)[0]["version"] == 1
    _, out = run(capsys, "history", "--db", str(db), "--json")
    assert json.loads(out.out) == []


def test_restore_publishes_a_new_version(capsys, good, db_path):
    run(capsys, "import", str(good))
    run(capsys, "import", str(good))
    assert run(capsys, "restore", "1")[0] == 0
    _, out = run(capsys, "history", "--json")
    assert [v["version"] for v in json.loads(out.out)] == [3, 2, 1]


def test_console_script_is_installed(good, db_path):
    result = subprocess.run(
        [sys.executable, "-m", "maillage.cli", "validate", str(good), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["valid"] is True


def test_reading_commands_on_an_empty_space_say_so_in_french(capsys, db_path):
    code, out = run(capsys, "indicators", "--json")
    assert code == 1
    assert "aucune version publiée" in out.err
    assert "Traceback" not in out.err


def test_an_unknown_perimeter_is_named(capsys, good, db_path):
    run(capsys, "import", str(good))
    code, out = run(capsys, "overlaps", "--json", "--perimeter", "P_INCONNU")
    assert code == 1
    assert "P_INCONNU" in out.err
