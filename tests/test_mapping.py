"""Mapping a foreign sheet: proposals with their reasons, checks located on the analyst's own
file, and the same published result as the same data written in the template."""

import copy

import pandas as pd
import pytest

from maillage.mapping import draft_profile, propose_columns, propose_value
from maillage.profiles import BadProfile, Profile, parse_profile, profile_json, profile_toml
from maillage.publishing import check_files
from maillage.workbook import read_workbook
from tests.workbooks import minimal_sheets, xlsx_bytes

FOREIGN = {  # our column → her header
    "id": "Identifiant",
    "nom": "Nom de la structure",
    "categorie": "Famille",
    "champ": "Domaine d’action",
    "commune": "Code commune",
    "thematiques": "Thèmes",
}
HER_CATEGORIES = {
    "collectivite": "Collectivité",
    "protection_sociale": "CAF/MSA",
    "association": "Asso",
    "chambre_consulaire": "Chambre",
}
HER_FIELDS = {"social": "Social", "developpement_local": "Dév. local", "les_deux": "Les deux"}

PROFILE = Profile(
    name="Liste des partenaires",
    sheet="acteurs",
    columns={**{her: ours for ours, her in FOREIGN.items()}, "Commentaire": ""},
    values={
        "categorie": {her: code for code, her in HER_CATEGORIES.items()},
        "champ": {"Dév. local": "developpement_local"},
    },
    constants={"forme": "structure"},
)


def her_workbook(mutate=None) -> dict:
    """The minimal workspace, with the actors in her own sheet, headers and values."""
    sheets = copy.deepcopy(minimal_sheets())
    partners = []
    for actor in sheets.pop("acteurs"):
        row = {FOREIGN[k]: v for k, v in actor.items()}
        row["Famille"] = HER_CATEGORIES[actor["categorie"]]
        row["Domaine d’action"] = HER_FIELDS[actor["champ"]]
        row["Commentaire"] = "à relancer"
        partners.append(row)
    if mutate:
        mutate(partners)
    return {"Partenaires": partners, **sheets}


def checked(sheets, profile=PROFILE):
    return check_files([("partenaires.xlsx", xlsx_bytes(sheets))], profile=profile)


def located(validation, severity="erreur"):
    return {
        (p.code, p.sheet, p.row, p.column, p.value)
        for p in validation.problems
        if p.severity == severity
    }


def test_column_proposals_say_why():
    headers = [
        "Identifiant",
        "Nom de la structure",
        "CATÉGORIE",
        "champ",
        "Code commune",
        "Lattitude",
        "Commentaire",
        "Nom",
    ]
    found = {p.source: (p.target, p.reason) for p in propose_columns(headers, "acteurs")}
    assert found == {
        "Identifiant": ("id", "alias"),
        "Nom de la structure": (None, "taken"),  # « Nom » is the same name: it wins
        "CATÉGORIE": ("categorie", "normalised"),
        "champ": ("champ", "exact"),
        "Code commune": ("commune", "alias"),
        "Lattitude": ("latitude", "close"),
        "Commentaire": (None, "none"),
        "Nom": ("nom", "normalised"),
    }
    explained = {p.source: p.explanation for p in propose_columns(headers, "acteurs")}
    assert explained["Nom de la structure"] == "« nom » vient déjà de la colonne « Nom »"
    assert explained["Lattitude"] == "nom proche de « latitude »"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("protection_sociale", ("protection_sociale", "code")),
        ("Collectivité territoriale", ("collectivite", "label")),
        ("Asso", ("association", "usual")),
        ("Centre social", ("association", "usual")),
        ("Chambre consulaire", ("chambre_consulaire", "code")),  # the code, normalised
        ("Économie sociale et solidaire, tiers-lieu", ("ess_tiers_lieu", "label")),
        ("Politique", ("politique_ville", "contained")),
        ("Asociation", ("association", "close_value")),
        ("Financeur", (None, "unknown")),
    ],
)
def test_value_proposals(value, expected):
    assert propose_value(value, "actor_category") == expected


def test_draft_profile_proposes_codes_for_her_values():
    workbook = read_workbook([("p.xlsx", xlsx_bytes(her_workbook()))])
    draft = draft_profile(workbook.sheets["partenaires"], "acteurs", "Partenaires")
    assert draft.columns["Code commune"] == "commune"
    assert draft.columns["Identifiant"] == "id"
    assert draft.values["categorie"] == {  # « Collectivité » is a code once normalised
        "Asso": "association",
        "Chambre": "chambre_consulaire",
        "CAF/MSA": "protection_sociale",
    }  # words of the label « Protection sociale (CAF…) »
    assert draft.values["champ"] == {"Dév. local": "developpement_local"}


def test_foreign_file_through_a_profile_publishes_what_the_template_would():
    theirs = checked(her_workbook())
    ours = check_files([("modele.xlsx", xlsx_bytes(minimal_sheets()))])
    assert theirs.validation.valid, theirs.validation.problems
    for sheet, table in ours.validation.tables.items():
        got = theirs.validation.tables[sheet]
        expected = table.assign(**({"forme": "structure"} if sheet == "acteurs" else {}))
        pd.testing.assert_frame_equal(got[expected.columns], expected)
    assert "Commentaire" not in theirs.validation.tables["acteurs"].columns


def test_validation_problems_point_at_her_sheet_rows_and_headers():
    def mutate(rows):
        rows[1]["Famille"] = "Bidule"
        rows[2]["Code commune"] = "99999"

    validation = checked(her_workbook(mutate)).validation
    assert ("unknown_code", "Partenaires", 3, "Famille", "Bidule") in located(validation)
    assert ("unknown_commune", "Partenaires", 4, "Code commune", "99999") in located(validation)
    message = next(p.message for p in validation.problems if p.value == "Bidule")
    assert message.startswith("« Bidule » n’est pas une valeur admise pour « Famille »")


def test_two_columns_to_one_target_is_an_error_before_anything_is_stored(store):
    def mutate(rows):
        for row in rows:
            row["Raison sociale"] = row["Nom de la structure"]

    profile = Profile(
        "p",
        columns={**PROFILE.columns, "Raison sociale": "nom"},
        values=PROFILE.values,
        constants=PROFILE.constants,
    )
    validation = checked(her_workbook(mutate), profile).validation
    assert not validation.valid
    assert ("mapping_duplicate_target", "Partenaires", 1, "Raison sociale", "nom") in located(
        validation
    )
    assert store.history("principal") == []


def test_required_target_unmapped_and_value_without_code():
    def mutate(rows):
        rows[2]["Famille"] = "Financeur"
        rows[3]["Famille"] = "Financeur"

    profile = Profile(
        "p",
        columns={**PROFILE.columns, "Domaine d’action": ""},
        values={"categorie": {**PROFILE.values["categorie"], "Financeur": ""}},
    )
    validation = checked(her_workbook(mutate), profile).validation
    problems = located(validation)
    assert ("mapping_missing_target", "Partenaires", 1, None, "champ") in problems
    assert ("mapping_no_code", "Partenaires", 4, "Famille", "Financeur") in problems
    no_code = next(p for p in validation.problems if p.code == "mapping_no_code")
    assert "(2\u00a0lignes)" in no_code.message


def test_profile_round_trips_through_toml_and_json():
    profile = Profile(
        "Partenaires « 2026 »",
        key=("nom", "commune"),
        columns={'Nom "usuel"': "nom", "Code commune": "commune", "x": ""},
        values={"categorie": {"Asso": "association"}},
        constants={"forme": "structure"},
        guess=("champ",),
        keep_other_columns=False,
    )
    assert parse_profile(profile_toml(profile)) == profile
    assert parse_profile(profile_json(profile)) == profile


def test_spec_example_profile_is_read():
    text = """
name = "Liste des partenaires"
sheet = "acteurs"
key = "id"
[columns]
"Identifiant" = "id"
"Nom de la structure" = "nom"
"Code commune" = "commune"
[values.categorie]
"Asso" = "association"
[constants]
forme = "structure"
"""
    profile = parse_profile(text)
    assert profile.key == ("id",)
    assert profile.targets == {
        "id": "Identifiant",
        "nom": "Nom de la structure",
        "commune": "Code commune",
    }
    assert profile.values == {"categorie": {"Asso": "association"}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "x\n[columns', "n’est pas un TOML valide"),
        ('{"name": 1,', "n’est pas un JSON valide"),
        ('[columns]\n"Nom" = "raison"', "« raison », qui n’est pas une colonne de la feuille"),
        ('[values.categorie]\n"Asso" = "assoc"', "au code « assoc », qui n’est pas admis"),
        ('[values.nom]\n"a" = "b"', "n’est pas une colonne à valeurs contrôlées"),
        ('sheet = "partenaires"', "vise la feuille « partenaires », qui n’existe pas"),
    ],
)
def test_bad_profile_gets_a_french_message(text, expected):
    with pytest.raises(BadProfile, match=expected):
        parse_profile(text, "profil.toml")
