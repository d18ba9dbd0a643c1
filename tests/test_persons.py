"""Persons shown as their role (maillage.persons), who decides it, and where it is stored."""

import sqlite3

import pytest

from maillage import sharing
from maillage.cli import main
from maillage.model import build_model
from maillage.persons import hide_persons, persons_hidden
from maillage.publishing import check, publish_checked
from maillage.reference import load_reference
from maillage.store_accounts import AccountStore
from tests.workbooks import minimal_sheets, xlsx_bytes


def _sheets():
    sheets = minimal_sheets()
    sheets["acteurs"] += [
        {
            "id": "A_MARTIN",
            "nom": "Camille Martin",
            "forme": "personne",
            "type": "chef de projet PVD",
            "categorie": "collectivite",
            "champ": "les_deux",
            "commune": "03098",
            "latitude": 46.3512,
            "longitude": 2.6101,
            "courriel": "camille.martin@example.org",
        },
        {
            "id": "A_DURAND",
            "nom": "Sacha Durand",
            "forme": "personne",
            "categorie": "association",
            "champ": "social",
            "commune": "03101",
        },
    ]
    sheets["dispositifs"][1]["pilote"] = "A_MARTIN"
    sheets["participations"].append(
        {"dispositif": "D_CTG", "acteur": "A_DURAND", "role": "operateur"}
    )
    return sheets


@pytest.fixture(scope="module")
def model():
    _, validation = check([("t.xlsx", xlsx_bytes(_sheets()))])
    assert validation.valid, [p.message for p in validation.problems]
    return build_model(validation.tables)


def test_a_person_becomes_its_role_and_family_of_structure(model):
    hidden = hide_persons(model).actors
    assert hidden.loc["personne-1", "nom"] == "Chef de projet PVD · Collectivité territoriale"
    assert hidden.loc["personne-2", "nom"] == (
        "Personne à l’interface · Association, centre social, EVS, éducation populaire"
    )
    text = hidden.astype(str).to_csv()
    for secret in (
        "Camille",
        "Martin",
        "Sacha",
        "Durand",
        "A_MARTIN",
        "A_DURAND",
        "example.org",
        "46.3512",
    ):
        assert secret not in text
    # what they do stays: field, seat, category
    assert hidden.loc["personne-1", "commune"] == "03098"
    assert hidden.loc["personne-2", "champ"] == "social"
    # structures are untouched
    assert hidden.loc["A_CAF", "nom"] == "CAF de l’Allier"


def test_a_person_is_placed_at_its_seat_not_its_coordinates(model):
    hidden = hide_persons(model).actors
    seat = load_reference().communes.loc["03098"]
    assert hidden.loc["personne-1", "latitude"] == pytest.approx(seat["latitude"])
    assert hidden.loc["personne-1", "longitude"] == pytest.approx(seat["longitude"])


def test_pseudonyms_are_used_wherever_the_id_was(model):
    hidden = hide_persons(model)
    assert hidden.schemes.loc["D_PAT", "pilote"] == "personne-1"
    assert ("D_PAT", "personne-1") in set(
        zip(hidden.participations["dispositif"], hidden.participations["acteur"], strict=True)
    )
    assert ("D_CTG", "personne-2") in set(
        zip(hidden.participations["dispositif"], hidden.participations["acteur"], strict=True)
    )
    assert not set(hidden.participations["acteur"]) & {"A_MARTIN", "A_DURAND"}
    assert len(hidden.actors) == len(model.actors)


@pytest.mark.parametrize(
    ("can_publish", "link_hides", "space_hides", "expected"),
    [
        (True, None, False, False),  # the analyst
        (True, None, True, False),  # the analyst, even when the space hides them
        (False, None, False, False),  # a reader account, space does not hide
        (False, None, True, True),  # a reader account, space hides
        (False, True, False, True),  # a default share link
        (False, False, False, False),  # a link created with « afficher les personnes »
        (False, False, True, True),  # … but the space setting wins
    ],
)
def test_who_sees_names(can_publish, link_hides, space_hides, expected):
    assert (
        persons_hidden(can_publish=can_publish, link_hides=link_hides, space_hides=space_hides)
        is expected
    )


@pytest.fixture
def published(store):
    workbook, validation = check([("t.xlsx", xlsx_bytes(_sheets()))])
    publish_checked(store, "principal", workbook, validation)
    return store


def test_links_hide_persons_unless_asked_and_it_is_stored(published):
    _, default = sharing.create(published, "principal")
    _, shown = sharing.create(published, "principal", hide_persons=False)
    assert default.hide_persons is True and shown.hide_persons is False
    stored = {link.id: link.hide_persons for link in sharing.links(published)}
    assert stored == {default.id: True, shown.id: False}


def test_an_older_database_gets_the_column_and_its_links_hide_persons(db_path):
    with sqlite3.connect(db_path) as db:  # share_links as maillage created it before
        db.execute(
            "CREATE TABLE share_links (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "token_sha256 TEXT NOT NULL UNIQUE, space TEXT NOT NULL, perimeter TEXT, "
            "created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT, "
            "author TEXT)"
        )
        db.execute(
            "INSERT INTO share_links (token_sha256, space, created_at, expires_at) "
            "VALUES ('x', 'principal', '2026-01-01T00:00:00+00:00', "
            "'2027-01-01T00:00:00+00:00')"
        )
    from maillage.store import Store

    book = AccountStore(Store(db_path))
    AccountStore(Store(db_path))  # opening twice adds nothing twice
    assert book.link(1).hide_persons is True
    with sqlite3.connect(db_path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(share_links)")]
    assert columns.count("hide_persons") == 1


def test_command_line_share_and_space_settings(published, db_path, capsys):
    assert main(["share", "create", "--db", str(db_path), "--space", "principal"]) == 0
    assert (
        main(
            [
                "share",
                "create",
                "--db",
                str(db_path),
                "--space",
                "principal",
                "--afficher-personnes",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "personnes masquées" in out and "personnes affichées" in out
    assert [x.hide_persons for x in sharing.links(published)] == [False, True]
    assert sharing.space_hides_persons(published, "principal") is False
    assert (
        main(
            [
                "space",
                "settings",
                "--db",
                str(db_path),
                "--space",
                "principal",
                "--masquer-personnes",
            ]
        )
        == 0
    )
    assert sharing.space_hides_persons(published, "principal") is True
    assert "personnes masquées pour les lecteurs" in capsys.readouterr().out
    assert (
        main(["space", "settings", "--db", str(db_path), "--space", "vide", "--masquer-personnes"])
        == 1
    )
    assert "aucune version publiée" in capsys.readouterr().err
    assert sharing.space_hides_persons(published, "vide") is False


def test_the_share_page_hides_persons_by_default_and_sets_the_space(published):
    from tests.apptests import open_page

    at = open_page("sharing.py")
    assert at.checkbox(key="partage_masquer_personnes").value is True
    at.button[0].click().run()
    at.checkbox(key="partage_masquer_personnes").uncheck()
    at.button[0].click().run()
    assert not at.exception
    assert [x.hide_persons for x in sharing.links(published)] == [False, True]
    assert at.dataframe[0].value["Personnes"].tolist() == ["affichées", "masquées"]
    at.toggle(key="partage_espace_masquer_personnes").set_value(True).run()
    assert not at.exception
    assert sharing.space_hides_persons(published, "principal") is True
