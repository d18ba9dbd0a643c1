"""The mapping step of the import page, in real Streamlit: proposals for a foreign file, the
required columns before going on, saving the mapping, and next month's file using it alone."""

import pandas as pd
from streamlit.testing.v1 import AppTest

from maillage.profiles import saved_profiles
from maillage.publishing import check_files
from maillage.store import Store
from maillage.ui import importing, mapping_step
from tests.apptests import open_page, publish
from tests.test_mapping import her_workbook
from tests.workbooks import csv_bytes, minimal_sheets, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "Identifiant",
    "Nom de la structure",
    "Famille",
    "Domaine d’action",
    "Code commune",
    "Commentaire",
    "Thèmes",
]


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=importing.UPLOAD).set_value((name, data, XLSX))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def prefix(name: str, data: bytes) -> str:
    return f"map_{importing.files_digest([(name, data)])[:12]}"


def test_foreign_file_is_mapped_saved_and_published(db_path):
    data = xlsx_bytes(her_workbook())
    at = upload(open_page("importing.py"), "partenaires.xlsx", data)
    key = prefix("partenaires.xlsx", data)
    profile = next(s for s in at.selectbox if s.label == "Correspondance des colonnes")
    assert profile.value == mapping_step.NEW  # « Partenaires » is no sheet of maillage
    assert at.dataframe[0].value.columns.tolist()[:3] == HEADERS[:3]  # her first rows
    chosen = {
        s.label: s.value for s in at.selectbox if (s.key or "").startswith(f"{key}_acteurs_col")
    }
    assert chosen == {
        "Identifiant": "id",
        "Nom de la structure": "nom",
        "Famille": "categorie",
        "Domaine d’action": "champ",
        "Code commune": "commune",
        "Commentaire": mapping_step.KEEP,
        "Thèmes": "thematiques",
    }
    reasons = [c.value for c in at.caption]
    assert "nom usuel de « commune »" in reasons
    codes = {s.label: s.value for s in at.selectbox if "_val_" in (s.key or "")}
    assert codes["Asso (1\u00a0ligne)"] == "association"
    assert codes["CAF/MSA (1\u00a0ligne)"] == "protection_sociale"
    assert codes["Dév. local (1\u00a0ligne)"] == "developpement_local"

    at.text_input(key=f"{mapping_step.SAVE_NAME}_{key}").set_value("Partenaires du bocage")
    at.button(key=f"{key}_enregistrer").click()
    at.run()
    assert [p.name for p in saved_profiles(Store(db_path), "principal")] == [
        "Partenaires du bocage"
    ]
    assert any("enregistrée" in s.value for s in at.success)

    publish = at.button(key="import_publier")
    assert not publish.disabled
    publish.click()
    at.run()
    assert not at.exception
    published = Store(db_path).load("principal")
    expected = check_files([("m.xlsx", xlsx_bytes(minimal_sheets()))]).validation.tables
    for column in ("nom", "categorie", "champ", "commune", "thematiques"):
        pd.testing.assert_series_equal(
            published["acteurs"].set_index("id")[column],
            expected["acteurs"].set_index("id")[column],
        )

    def next_month(rows):
        rows[0]["Nom de la structure"] = "Montluçon Communauté (nouveau siège)"

    later = xlsx_bytes(her_workbook(next_month))
    at = upload(open_page("importing.py"), "partenaires-decembre.xlsx", later)
    profile = next(s for s in at.selectbox if s.label == "Correspondance des colonnes")
    assert profile.value == "Partenaires du bocage"
    assert any("reconnue d’après les en-têtes" in c.value for c in at.caption)
    at.button(key="import_publier").click()
    at.run()
    actors = Store(db_path).load("principal")["acteurs"].set_index("id")
    assert actors.at["A_CC", "nom"] == "Montluçon Communauté (nouveau siège)"


def test_a_required_column_must_be_mapped_before_going_on(db_path):
    data = xlsx_bytes(her_workbook())
    at = upload(open_page("importing.py"), "partenaires.xlsx", data)
    key = prefix("partenaires.xlsx", data)
    field = next(
        s
        for s in at.selectbox
        if (s.key or "").startswith(f"{key}_acteurs_col") and s.label == "Domaine d’action"
    )
    field.set_value(mapping_step.IGNORE)
    at.run()
    assert "la colonne obligatoire « champ » n’est associée à rien" in at.warning[0].value
    assert not [b for b in at.button if b.key == "import_publier"]
    at.selectbox(key=f"{key}_acteurs_const_champ").set_value(mapping_step.GUESS)
    at.run()
    assert not at.warning
    assert not at.button(key="import_publier").disabled  # champ deduced, with warnings
    (problems,) = [d.value for d in at.dataframe if "Message" in d.value.columns]
    messages = problems["Message"].tolist()
    assert any(m.startswith("« champ » n’est pas dans le fichier") for m in messages)


def test_template_workbook_needs_no_mapping(db_path):
    at = upload(open_page("importing.py"), "modele.xlsx", xlsx_bytes(minimal_sheets()))
    profile = next(s for s in at.selectbox if s.label == "Correspondance des colonnes")
    assert profile.value == mapping_step.NONE
    assert not [s for s in at.selectbox if "_col_" in (s.key or "")]
    assert not at.button(key="import_publier").disabled


def test_completing_from_the_page_says_so_in_the_history(db_path):
    publish(db_path)
    new = {
        "id": "A_MJC",
        "nom": "MJC de Domérat",
        "categorie": "association",
        "champ": "social",
        "commune": "03101",
    }
    at = open_page("importing.py")
    at.file_uploader(key=importing.UPLOAD).set_value(("acteurs.csv", csv_bytes([new]), "text/csv"))
    at.run()
    assert at.radio(key=mapping_step.MODE).value == "remplacer"  # the default
    assert at.button(key="import_publier").disabled  # alone, acteurs.csv is no whole space
    at.radio(key=mapping_step.MODE).set_value("completer")
    at.run()
    assert not at.exception
    at.button(key="import_publier").click()
    at.run()
    history = next(d.value for d in at.dataframe if "Publiée le" in d.value.columns)
    assert history["Origine"].iloc[0] == "complété depuis acteurs.csv : 1 ajoutés, 0 mis à jour"
    assert len(Store(db_path).load("principal")["acteurs"]) == 5
