"""`maillage changes --json` (SPEC §4): the two latest by default, indicators as each version
printed them with `maillage indicators --json`, French refusals with exit 1."""

import json

import pytest

from maillage.cli import main
from tests.apptests import publish
from tests.test_changes import first_version, second_version


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out


@pytest.fixture
def printed(db_path, capsys):
    """Two versions published one after the other, with what `indicators --json` printed
    after each publication."""
    printed = []
    for sheets in (first_version(), second_version()):
        publish(db_path, sheets)
        code, out = run(capsys, "indicators", "--json")
        assert code == 0
        printed.append(json.loads(out.out))
    return printed


def test_changes_between_the_two_latest_versions(capsys, printed, db_path):
    code, out = run(capsys, "changes", "--json")
    assert code == 0, out.err
    result = json.loads(out.out)
    assert set(result) == {
        "space",
        "from",
        "to",
        "rows",
        "perimeter_communes",
        "blockage_status",
        "indicators",
        "proposals",
    }
    assert (result["from"], result["to"]) == (1, 2)
    assert result["rows"]["acteurs"]["added"] == ["A_FAR", "A_NEW"]
    assert result["rows"]["acteurs"]["removed"] == ["A_CHA"]
    assert [m["id"] for m in result["rows"]["dispositifs"]["modified"]] == ["D_CTG"]
    assert result["perimeter_communes"]["P_CAS"] == {"added": ["03185", "03190"], "removed": []}
    assert [s["id"] for s in result["blockage_status"]] == ["B1", "B3"]
    from maillage.changes import published
    from maillage.proposals import build_proposals
    from maillage.proposals.listing import reference_day
    from maillage.store import Store

    ids = []
    for version in (1, 2):
        side = published(Store(db_path), "principal", version)
        ids.append({p.id for p in build_proposals(side.model, reference_day(side.published_at))})
    assert result["proposals"] == {
        "new": sorted(ids[1] - ids[0]),
        "resolved": sorted(ids[0] - ids[1]),
    }
    assert result["proposals"]["new"] or result["proposals"]["resolved"]
    before, after = printed
    for name, (old, new) in result["indicators"].items():
        assert old == before[name], name
        assert new == after[name], name


def test_explicit_versions_and_a_perimeter(capsys, printed, db_path):
    publish(db_path, first_version())  # version 3 is version 1 again
    code, out = run(capsys, "changes", "--json", "--from", "2", "--to", "3")
    result = json.loads(out.out)
    assert code == 0 and (result["from"], result["to"]) == (2, 3)
    assert result["rows"]["acteurs"]["added"] == ["A_CHA"]
    code, out = run(capsys, "changes", "--json", "--from", "1", "--to", "3")
    assert code == 0 and all(
        not any(rows.values()) for rows in json.loads(out.out)["rows"].values()
    )
    code, out = run(capsys, "changes", "--json", "--perimeter", "P_EPCI", "--to", "2")
    result = json.loads(out.out)
    assert code == 0 and result["rows"]["acteurs"]["added"] == ["A_NEW"]
    code, out = run(capsys, "changes")
    assert code == 0 and out.out.startswith("Depuis la version 2 : ")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--from", "7"], "n’a pas de version 7 : ses versions vont de 1 à 2"),
        (["--to", "9"], "n’a pas de version 9"),
        (["--from", "2", "--to", "2"], "Les deux versions à comparer sont la même (2)"),
        (["--to", "1"], "La version 1 est la première"),
        (["--perimeter", "P_ABSENT"], "Le périmètre « P_ABSENT » n’existe pas"),
    ],
)
def test_bad_versions_are_refused_in_french(capsys, printed, options, message):
    code, out = run(capsys, "changes", "--json", *options)
    assert code == 1 and out.out == ""
    assert message in out.err and "Traceback" not in out.err


def test_one_version_or_none_nothing_to_compare(capsys, db_path):
    code, out = run(capsys, "changes", "--json")
    assert code == 1 and "aucune version publiée" in out.err
    publish(db_path)
    code, out = run(capsys, "changes", "--json")
    assert code == 1 and "qu’une version publiée : aucune version antérieure" in out.err
