"""Profiles saved per space in the real SQLite store, found by name or by the file's headers."""

import json

import pandas as pd

from maillage.cli import main
from maillage.profiles import (
    find_profile,
    parse_profile,
    profile_toml,
    save_profile,
    saved_profiles,
)
from maillage.publishing import check_files
from maillage.store import Store
from maillage.store_profiles import ProfileStore
from tests.test_mapping import PROFILE, her_workbook
from tests.workbooks import minimal_sheets, xlsx_bytes


def test_saved_reloaded_and_chosen_by_the_headers(store):
    save_profile(store, "principal", PROFILE, author="claire")
    assert saved_profiles(store, "principal") == [PROFILE]
    assert saved_profiles(store, "autre") == []
    her = [("partenaires.xlsx", xlsx_bytes(her_workbook()))]
    assert find_profile(None, store, "principal", her) == PROFILE
    assert find_profile(None, store, "autre", her) is None
    template = [("modele.xlsx", xlsx_bytes(minimal_sheets()))]
    assert find_profile(None, store, "principal", template) is None  # read as the template
    assert find_profile("Liste des partenaires", store, "principal") == PROFILE
    row = ProfileStore(store).get("principal", "Liste des partenaires")
    assert row.author == "claire"
    assert "code_commune" in json.loads(row.headers)


def test_saving_again_replaces_the_profile_of_that_name(store):
    save_profile(store, "principal", PROFILE)
    changed = parse_profile(json.dumps({**PROFILE.as_dict(), "constants": {}}))
    save_profile(store, "principal", changed)
    assert saved_profiles(store, "principal") == [changed]


def test_next_months_file_imports_by_itself_with_the_template_result(capsys, tmp_path, db_path):
    profile_file = tmp_path / "partenaires.toml"
    profile_file.write_text(profile_toml(PROFILE), encoding="utf-8")
    assert main(["profile", "save", str(profile_file)]) == 0
    assert "enregistré" in capsys.readouterr().out

    def next_month(rows):
        rows[2]["Nom de la structure"] = "Centre social du bocage (nouveau nom)"

    upload = tmp_path / "partenaires-decembre.xlsx"
    upload.write_bytes(xlsx_bytes(her_workbook(next_month)))
    assert main(["import", str(upload)]) == 0
    out = capsys.readouterr().out
    assert "Profil utilisé : « Liste des partenaires »" in out
    store = Store(db_path)
    actors = store.load("principal")["acteurs"].set_index("id")
    assert actors.at["A_CS", "nom"] == "Centre social du bocage (nouveau nom)"
    expected = check_files([("m.xlsx", xlsx_bytes(minimal_sheets()))]).validation.tables
    pd.testing.assert_series_equal(
        actors["categorie"], expected["acteurs"].set_index("id")["categorie"]
    )

    exported = tmp_path / "copie.toml"
    assert main(["profile", "export", "Liste des partenaires", str(exported)]) == 0
    assert parse_profile(exported.read_text(encoding="utf-8")) == PROFILE
    assert main(["profile", "list"]) == 0
    assert "Liste des partenaires  feuille acteurs" in capsys.readouterr().out
    assert main(["profile", "remove", "Liste des partenaires"]) == 0
    assert main(["profile", "remove", "Liste des partenaires"]) == 1
    assert "Aucun profil « Liste des partenaires »" in capsys.readouterr().err
