"""Contribution links, the form's checks, limits, moderation and publication (issue 17).

The workspace is `minimal_sheets()` (see tests/workbooks.py): P_EPCI holds 03007 03098 03101
03136, P_CAS 03098 03101 03140; D_CTG lies on P_EPCI, D_PAT on the union of both.
A link scoped to P_CAS therefore offers communes 03098 03101 03140 and both schemes (each meets
P_CAS); a link scoped to P_EPCI offers no 03140.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from maillage import contributions as c
from maillage.cli import main
from maillage.contributions import CannotContribute, Participation, Submission
from tests.apptests import publish
from tests.workbooks import minimal_sheets

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def centre(**changes) -> Submission:
    base = {
        "name": "Tiers-lieu La Fabrique",
        "category": "ess_tiers_lieu",
        "field": "developpement_local",
        "commune": "03101",
        "kind": "tiers-lieu",
        "themes": ("numerique", "culture"),
        "participations": (Participation("D_PAT", "operateur", "mise_en_oeuvre"),),
        "blockage_category": "moyens",
        "blockage_text": "Pas de poste d’animation pérenne.",
        "contact": "fabrique@example.org",
    }
    return Submission(**{**base, **changes})


@pytest.fixture
def db_path(both_backends):
    """Every test of this module runs on a SQLite file and on a real PostgreSQL server."""
    return both_backends


@pytest.fixture
def space(store, db_path):
    publish(db_path)
    return store


def link(store, perimeter="P_CAS", **options):
    token, made = c.create_link(store, "principal", perimeter, now=NOW, **options)
    return token, made


def test_a_valid_contribution_is_stored_with_its_contact_apart(space):
    token, _ = link(space)
    done = c.submit(space, token, centre(), now=NOW)
    assert isinstance(done, c.Submitted) and done.id == 1
    (item,) = c.queue(space, "principal")
    assert item.status == "en_attente"
    assert item.submission.name == "Tiers-lieu La Fabrique"
    assert item.submission.contact is None  # the queue never carries the contact
    assert "contact" not in item.as_json()["submission"]
    assert c.contacts(space, "principal") == {1: "fabrique@example.org"}


def test_every_problem_is_reported_on_its_field_and_nothing_is_stored(space):
    token, _ = link(space, perimeter="P_EPCI")
    wrong = centre(
        name="  ",
        category="inconnue",
        field="",
        commune="03140",
        themes=("numerique", "astrologie"),
        participations=(Participation("D_XXX", "chef"),),
        blockage_category=None,
    )
    problems = c.submit(space, token, wrong, now=NOW)
    fields = sorted(p.field for p in problems)
    assert fields == [
        "blockage_category",
        "category",
        "commune",
        "field",
        "name",
        "participations",
        "participations",
        "themes",
    ]
    assert all(p.message[0].isupper() and p.message.endswith(".") for p in problems)
    assert c.queue(space, "principal") == []


def test_a_scheme_outside_the_links_territory_is_refused(store, db_path):
    sheets = minimal_sheets()
    sheets["perimetres"].append(
        {"id": "P_LOIN", "nom": "Loin", "type": "autre", "communes": "03190"}
    )
    sheets["dispositifs"].append(
        {"id": "D_LOIN", "nom": "Contrat lointain", "type": "CLS", "perimetre": "P_LOIN"}
    )
    publish(db_path, sheets)
    token, _ = link(store, perimeter="P_CAS")
    problems = c.submit(store, token, centre(participations=(Participation("D_LOIN"),)), now=NOW)
    assert [p.field for p in problems] == ["participations"]
    assert "pas sur le territoire" in problems[0].message


def test_texts_over_their_limit_are_refused(space):
    token, _ = link(space)
    problems = c.submit(space, token, centre(name="x" * 151, blockage_text="y" * 2001), now=NOW)
    assert sorted(p.field for p in problems) == ["blockage_text", "name"]
    assert "151 saisis" in next(p.message for p in problems if p.field == "name")


def test_the_honeypot_stores_nothing(space):
    token, _ = link(space)
    assert c.submit(space, token, centre(), honeypot="http://spam", now=NOW) == c.Submitted(None)
    assert c.queue(space, "principal") == []


@pytest.mark.parametrize("state", ["altered", "expired", "revoked", "exhausted"])
def test_a_link_that_opens_nothing_says_why_in_french(space, state):
    token, made = link(space, max_contributions=1)
    when = NOW
    if state == "altered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif state == "expired":
        when = NOW + timedelta(days=31)
    elif state == "revoked":
        assert c.revoke(space, made.id, now=NOW)
    else:
        assert isinstance(c.submit(space, token, centre(), now=NOW), c.Submitted)
    with pytest.raises(CannotContribute) as refused:
        c.submit(space, token, centre(name="Autre"), now=when)
    expected = {
        "altered": "inconnu",
        "expired": "expire",
        "revoked": "revoque",
        "exhausted": "epuise",
    }[state]
    assert str(refused.value) == c.REFUSAL_MESSAGES[expected]
    assert len(c.queue(space, "principal")) == (1 if state == "exhausted" else 0)


def test_the_eleventh_contribution_of_a_minute_is_refused_then_accepted_later(space):
    token, _ = link(space)
    for n in range(10):
        assert isinstance(
            c.submit(space, token, centre(name=f"Structure {n}"), now=NOW + timedelta(seconds=n)),
            c.Submitted,
        )
    with pytest.raises(CannotContribute, match="patientez une minute"):
        c.submit(space, token, centre(name="Onzième"), now=NOW + timedelta(seconds=30))
    later = c.submit(space, token, centre(name="Onzième"), now=NOW + timedelta(minutes=2))
    assert isinstance(later, c.Submitted)
    assert len(c.queue(space, "principal")) == 11


def test_the_limit_holds_under_parallel_submissions(space, monkeypatch):
    monkeypatch.setenv("MAILLAGE_CONTRIBUTIONS_PAR_MINUTE", "5")
    token, _ = link(space)
    outcomes: list[object] = []

    def send(n: int) -> None:
        try:
            outcomes.append(c.submit(space, token, centre(name=f"S{n}"), now=NOW))
        except CannotContribute as refused:
            outcomes.append(str(refused))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, c.Submitted) for o in outcomes) == 5
    assert len(c.queue(space, "principal")) == 5


def test_duplicates_are_found_by_close_name_in_the_same_commune(space):
    actors = c.build_model(space.load("principal")).actors
    twin = centre(name="Centre Social du Bocage", commune="03098")
    assert c.duplicates(twin, actors) == ["A_CS"]
    elsewhere = centre(name="Centre social du bocage", commune="03101")
    assert c.duplicates(elsewhere, actors) == ["A_CS"]  # the very same name, anywhere
    assert c.duplicates(centre(name="Centre social", commune="03101"), actors) == []


def moderated(space):
    token, _ = link(space)
    ids = [
        c.submit(space, token, s, now=NOW).id
        for s in (
            centre(),
            centre(
                name="Centre social du Bocage",
                commune="03098",
                category="association",
                field="social",
                participations=(Participation("D_CTG", "partenaire_technique"),),
                blockage_category=None,
                blockage_text=None,
            ),
            centre(name="Faux partenaire", blockage_category=None, blockage_text=None),
        )
    ]
    c.review(space, "principal", ids[0], "acceptee", author="claire", now=NOW)
    c.review(space, "principal", ids[1], "acceptee", merge_into="A_CS", author="claire", now=NOW)
    c.review(
        space, "principal", ids[2], "rejetee", reason="Structure inconnue", author="claire", now=NOW
    )
    return ids


def test_publication_adds_exactly_the_accepted_rows_in_one_version(space):
    before = space.load("principal")
    ids = moderated(space)
    version = c.publish_accepted(space, "principal", author="claire", now=NOW)
    assert version.version == 2 and version.file == "2 contributions acceptées"
    assert [v.version for v in space.history("principal")] == [2, 1]
    after = space.load("principal")
    new_actors = set(after["acteurs"]["id"]) - set(before["acteurs"]["id"])
    assert new_actors == {f"contribution_{ids[0]}"}
    added = after["participations"].iloc[len(before["participations"]) :]
    assert sorted(zip(added["dispositif"], added["acteur"], added["role"], strict=True)) == [
        ("D_CTG", "A_CS", "partenaire_technique"),
        ("D_PAT", f"contribution_{ids[0]}", "operateur"),
    ]
    blockage = after["blocages"].set_index("id").loc[f"contribution_{ids[0]}_blocage"]
    assert (blockage["categorie"], blockage["statut"]) == ("moyens", "ouvert")
    assert "Faux partenaire" not in set(after["acteurs"]["nom"])
    cells = [str(v) for table in after.values() for v in table.to_numpy().ravel()]
    assert not any("fabrique@example.org" in cell for cell in cells)
    statuses = {item.id: item.status for item in c.queue(space, "principal")}
    assert statuses == {ids[0]: "publiee", ids[1]: "publiee", ids[2]: "rejetee"}
    with pytest.raises(CannotContribute, match="Aucune contribution acceptée"):
        c.publish_accepted(space, "principal", now=NOW)


def test_a_correction_replaces_what_is_published_and_the_rejection_needs_a_reason(space):
    token, _ = link(space)
    first = c.submit(space, token, centre(), now=NOW).id
    with pytest.raises(CannotContribute, match="raison du rejet"):
        c.review(space, "principal", first, "rejetee", now=NOW)
    fixed = centre(name="La Fabrique (tiers-lieu)", contact="ignored@example.org")
    item = c.review(space, "principal", first, "corrigee", corrected=fixed, now=NOW)
    assert item.status == "corrigee" and item.submission.name == "La Fabrique (tiers-lieu)"
    c.publish_accepted(space, "principal", now=NOW)
    names = set(space.load("principal")["acteurs"]["nom"])
    assert "La Fabrique (tiers-lieu)" in names and "Tiers-lieu La Fabrique" not in names


def test_hostile_strings_are_kept_as_text_and_published_inert(space):
    token, _ = link(space)
    hostile = centre(
        name="<img src=x onerror=alert(1)>", blockage_text='=HYPERLINK("http://x";"clic")'
    )
    first = c.submit(space, token, hostile, now=NOW).id
    c.review(space, "principal", first, "acceptee", now=NOW)
    c.publish_accepted(space, "principal", now=NOW)
    tables = space.load("principal")
    assert "<img src=x onerror=alert(1)>" in set(tables["acteurs"]["nom"])
    assert '=HYPERLINK("http://x";"clic")' in set(tables["blocages"]["description"])


def test_contributions_and_their_events_are_append_only(space):
    moderated(space)
    for statement in (
        "DELETE FROM contributions",
        "UPDATE contributions SET payload = '{}'",
        "DELETE FROM contribution_events",
        "UPDATE contribution_events SET status = 'acceptee'",
    ):
        with space.connect() as db, pytest.raises(space.database.dialect.integrity_errors):
            db.execute(statement)
    with space.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM contributions").fetchone()[0] > 0


def test_cli_creates_lists_and_revokes_links_and_prints_the_queue(
    space, db_path, capsys, monkeypatch
):
    monkeypatch.setenv("MAILLAGE_URL", "https://maillage.example.fr/")
    assert (
        main(
            [
                "contribution",
                "create",
                "--db",
                str(db_path),
                "--space",
                "principal",
                "--perimeter",
                "P_CAS",
                "--max",
                "3",
            ]
        )
        == 0
    )
    address = capsys.readouterr().out.splitlines()[0]
    assert address.startswith("https://maillage.example.fr/?contribution=")
    token = address.split("=", 1)[1]
    c.submit(space, token, centre(), now=datetime.now(UTC))
    assert main(["contribution", "list", "--db", str(db_path)]) == 0
    assert "1/3 reçues" in capsys.readouterr().out
    assert (
        main(["contributions", "list", "--json", "--db", str(db_path), "--space", "principal"]) == 0
    )
    import json

    (line,) = json.loads(capsys.readouterr().out)
    assert line["status"] == "en_attente" and line["submission"]["name"] == centre().name
    assert "fabrique@example.org" not in json.dumps(line)
    assert main(["contribution", "revoke", "--db", str(db_path), "1"]) == 0
    assert main(["contribution", "revoke", "--db", str(db_path), "9"]) == 1
    assert "Aucun lien de contribution n° 9" in capsys.readouterr().err
    assert main(["contribution", "create", "--db", str(db_path), "--space", "vide"]) == 1
    assert "aucune version publiée" in capsys.readouterr().err
