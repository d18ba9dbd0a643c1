"""`--mode completer`: add rows with new keys, update rows with known keys, delete nothing,
validate the whole, and say so in the history."""

import json

import pandas as pd
import pytest

from maillage.cli import main
from maillage.profiles import Profile
from maillage.publishing import CannotComplete, check_files, import_files
from tests.workbooks import csv_bytes, minimal_sheets, xlsx_bytes

NEW_ACTOR = {
    "id": "A_MJC",
    "nom": "MJC de Domérat",
    "categorie": "association",
    "champ": "social",
    "commune": "03101",
}


def published(store, sheets=None):
    files = [("v1.xlsx", xlsx_bytes(sheets or minimal_sheets()))]
    outcome = import_files(store, "principal", files)
    assert outcome.version is not None, outcome.validation.problems
    return store.load("principal")


def complete(store, rows, name="acteurs.csv", profile=None):
    return import_files(
        store, "principal", [(name, csv_bytes(rows))], profile=profile, mode="completer"
    )


def unchanged(before: pd.DataFrame, after: pd.DataFrame, ids):
    """Rows of `before` whose id is in `ids` are identical in `after`."""
    old = before.set_index("id").loc[ids]
    new = after.set_index("id").loc[ids][old.columns]
    pd.testing.assert_frame_equal(new, old)


def test_completer_adds_and_updates_by_id_and_deletes_nothing(store):
    before = published(store)
    caf = dict(minimal_sheets()["acteurs"][1], nom="CAF de l’Allier (antenne)")
    outcome = complete(store, [caf, NEW_ACTOR])
    assert outcome.version is not None, outcome.validation.problems
    after = store.load("principal")
    actors = after["acteurs"].set_index("id")
    assert list(actors.index) == ["A_CC", "A_CAF", "A_CS", "A_CHA", "A_MJC"]
    assert actors.at["A_CAF", "nom"] == "CAF de l’Allier (antenne)"
    assert actors.at["A_MJC", "commune"] == "03101"
    unchanged(before["acteurs"], after["acteurs"], ["A_CC", "A_CS", "A_CHA"])
    for sheet in ("perimetres", "dispositifs", "participations", "blocages"):
        pd.testing.assert_frame_equal(
            after[sheet].reset_index(drop=True), before[sheet].reset_index(drop=True)
        )
    assert outcome.version.note == "complété depuis acteurs.csv : 1 ajoutés, 1 mis à jour"
    assert store.history("principal")[0].note == outcome.version.note


def test_completer_keyed_by_siret_keeps_the_existing_id(store):
    sheets = minimal_sheets()
    sheets["acteurs"][1]["siret"] = "53478712300017"
    before = published(store, sheets)
    profile = Profile("sirene", key=("siret",), columns={"Raison sociale": "nom"})
    rows = [
        {
            "id": "CAF03",
            "Raison sociale": "Caisse d’allocations familiales de l’Allier",
            "siret": "534 787 123 00017",
            "categorie": "protection_sociale",
            "champ": "social",
        },
        {
            "id": "A_NEW",
            "Raison sociale": "Épicerie solidaire",
            "siret": "11111111100011",
            "categorie": "association",
            "champ": "social",
        },
    ]
    outcome = complete(store, rows, "sirene.csv", profile)
    assert outcome.version is not None, outcome.validation.problems
    actors = store.load("principal")["acteurs"].set_index("id")
    assert actors.at["A_CAF", "nom"] == "Caisse d’allocations familiales de l’Allier"
    assert "CAF03" not in actors.index  # matched by siret: the published id stays
    assert actors.at["A_NEW", "siret"] == "11111111100011"
    assert len(actors) == len(before["acteurs"]) + 1
    assert outcome.completion.counts["acteurs"] == (1, 1)


def test_completer_keyed_by_name_and_commune(store):
    published(store)
    profile = Profile("nom+commune", key=("nom", "commune"))
    rows = [
        {"id": "X1", "nom": "CENTRE SOCIAL DU BOCAGE", "commune": "03098", "thematiques": "culture"}
    ]
    outcome = complete(store, rows, profile=profile)
    assert outcome.version is not None, outcome.validation.problems
    actors = store.load("principal")["acteurs"].set_index("id")
    assert actors.at["A_CS", "thematiques"] == "culture"
    assert "X1" not in actors.index


def test_problems_of_the_whole_point_at_the_file_row(store):
    published(store)
    bad = dict(NEW_ACTOR, ressort="P_ABSENT")
    outcome = complete(store, [NEW_ACTOR | {"id": "A_OK"}, bad])
    assert outcome.version is None
    located = {
        (p.code, p.sheet, p.row, p.column)
        for p in outcome.validation.problems
        if p.severity == "erreur"
    }
    assert located == {("dangling_reference", "acteurs", 3, "ressort")}
    assert len(store.history("principal")) == 1


def test_a_key_twice_in_the_file_is_refused(store):
    published(store)
    outcome = complete(store, [NEW_ACTOR, dict(NEW_ACTOR, nom="Autre")])
    assert outcome.version is None
    assert ("completed_duplicate_key", "acteurs", 3, "id") in {
        (p.code, p.sheet, p.row, p.column) for p in outcome.validation.problems
    }


def test_completer_on_a_space_without_version_is_refused(store):
    with pytest.raises(CannotComplete, match="n’a encore aucune version publiée"):
        check_files(
            [("acteurs.csv", csv_bytes([NEW_ACTOR]))],
            mode="completer",
            store=store,
            space="principal",
        )


def test_cli_completer_history_and_refusal(capsys, tmp_path, db_path):
    first = tmp_path / "v1.xlsx"
    first.write_bytes(xlsx_bytes(minimal_sheets()))
    more = tmp_path / "nouveaux.csv"
    more.write_bytes(csv_bytes([NEW_ACTOR]))
    assert main(["import", str(more), "--mode", "completer"]) == 1
    assert "rien à compléter" in capsys.readouterr().err
    assert main(["import", str(first)]) == 0
    capsys.readouterr()
    assert main(["validate", str(more), "--mode", "completer", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True
    assert main(["import", str(more), "--mode", "completer"]) == 0
    assert "complété depuis nouveaux.csv : 1 ajoutés, 0 mis à jour" in capsys.readouterr().out
    assert main(["history", "--json"]) == 0
    versions = json.loads(capsys.readouterr().out)
    assert versions[0]["note"] == "complété depuis nouveaux.csv : 1 ajoutés, 0 mis à jour"
    assert set(versions[1]) == {"version", "published_at", "file", "sha256", "rows", "author"}
    assert versions[0]["rows"]["acteurs"] == 5


def test_cli_bad_profile_file_is_a_french_message(capsys, tmp_path, db_path):
    first = tmp_path / "v1.xlsx"
    first.write_bytes(xlsx_bytes(minimal_sheets()))
    broken = tmp_path / "profil.toml"
    broken.write_text('name = "x\n', encoding="utf-8")
    assert main(["import", str(first), "--profile", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "n’est pas un TOML valide" in err and "Traceback" not in err
    assert main(["validate", str(first), "--profile", "inconnu"]) == 2
    assert "Le profil « inconnu » est introuvable" in capsys.readouterr().err


def test_only_rows_marked_supprimer_are_deleted(store):
    sheets = minimal_sheets()
    sheets["acteurs"].append(dict(NEW_ACTOR, id="A_OLD", nom="Ancienne association"))
    before = published(store, sheets)
    rows = [
        {"id": "A_OLD", "supprimer": "oui"},
        {"id": "A_GHOST", "supprimer": "x"},
        dict(minimal_sheets()["acteurs"][2], nom="Centre social du bocage (Désertines)"),
        NEW_ACTOR,
    ]
    outcome = complete(store, rows)
    assert outcome.version is not None, outcome.validation.problems
    actors = store.load("principal")["acteurs"].set_index("id")
    assert "A_OLD" not in actors.index and "A_MJC" in actors.index
    assert actors.at["A_CS", "nom"] == "Centre social du bocage (Désertines)"
    unchanged(before["acteurs"], store.load("principal")["acteurs"], ["A_CC", "A_CAF", "A_CHA"])
    assert "supprimer" not in actors.columns
    assert outcome.version.note == (
        "complété depuis acteurs.csv : 1 ajoutés, 1 mis à jour, 1 supprimés"
    )
    assert ("completed_nothing_to_delete", "acteurs", 3) in {
        (p.code, p.sheet, p.row) for p in outcome.validation.problems
    }


def test_deleting_an_actor_still_referenced_is_an_error_located_in_the_version(store):
    published(store)
    outcome = complete(store, [{"id": "A_CAF", "supprimer": "oui"}])
    assert outcome.version is None
    located = {
        (p.code, p.sheet, p.column) for p in outcome.validation.problems if p.severity == "erreur"
    }
    assert located == {("dangling_reference", "participations (version 1)", "acteur")}
