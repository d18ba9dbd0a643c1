"""The import page: upload → every problem shown → publish only without error → history/restore."""

import io
import json
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from maillage.publishing import check, publish_checked
from maillage.store import Store
from maillage.ui import importing
from tests.apptests import open_page
from tests.workbooks import minimal_sheets, xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page() -> AppTest:
    return open_page("importing")


def _broken_sheets() -> dict[str, list[dict]]:
    sheets = minimal_sheets()
    sheets["acteurs"].append(
        {
            "id": "A_CC",
            "nom": "Doublon",
            "categorie": "pas_une_categorie",
            "champ": "social",
            "commune": "99999",
        }
    )
    return sheets


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=importing.UPLOAD).set_value((name, data, XLSX))
    at.run()
    assert not at.exception
    return at


def _publish_button(at: AppTest):
    return at.button(key="import_publier")


def _history(at: AppTest):
    (table,) = [d.value for d in at.dataframe if "Publiée le" in d.value.columns]
    return table


def _publish_directly(store: Store, sheets) -> int:
    files = [("t.xlsx", xlsx_bytes(sheets))]
    workbook, validation = check(files)
    return publish_checked(store, "principal", workbook, validation).version


def test_page_renders_without_data(db_path):
    at = _page()
    assert at.title[0].value.startswith("Importer un classeur")
    assert len(at.file_uploader) == 1
    assert set(at.file_uploader[0].allowed_type) == {".xlsx", ".ods", ".csv"}
    assert at.file_uploader[0].accept_multiple_files
    assert "25\u00a0Mo" in at.file_uploader[0].help
    assert any("Aucune version publiée" in c.value for c in at.caption)


def test_broken_workbook_shows_every_problem_and_cannot_be_published(db_path):
    files = [("territoire.xlsx", xlsx_bytes(_broken_sheets()))]
    _, validation = check(files)
    errors = [p for p in validation.problems if p.severity == "erreur"]
    assert errors
    at = _upload(_page(), *files[0])
    table = at.dataframe[0].value
    assert list(table.columns) == ["Gravité", "Feuille", "Ligne", "Colonne", "Valeur", "Message"]
    assert table["Message"].tolist() == [p.message for p in validation.problems]
    # the longest message (314 characters, the list of the categories) read whole: rows tall
    # enough for the 6 lines chromium wraps it to at 1400 px, and the grid wraps (> 64 px)
    assert max(map(len, table["Message"])) == 314
    grid = at.dataframe[0].proto
    assert grid.row_height >= 6 * 21 and grid.row_height > 64
    widths = {name: c["width"] for name, c in json.loads(grid.columns).items() if "width" in c}
    assert set(widths) == set(table.columns)
    assert sum(widths.values()) <= 910  # the main area beside the sidebar at 1400 px
    assert widths["Message"] == max(widths.values())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Erreurs"] == str(len(errors))
    assert len(at.status) == 1
    assert at.status[0].label.startswith("Classeur vérifié"), at.status[0].label
    assert at.status[0].state == "error"
    downloads = at.get("download_button")
    assert len(downloads) == 3  # template, annotated workbook, CSV
    assert _publish_button(at).disabled
    assert Store(db_path).history("principal") == []


def test_problem_filters_narrow_the_table(db_path):
    at = _upload(_page(), "t.xlsx", xlsx_bytes(_broken_sheets()))
    everything = at.dataframe[0].value
    at.multiselect(key=importing.SHEET_FILTER).set_value(["acteurs"]).run()
    shown = at.dataframe[0].value
    assert set(shown["Feuille"]) == {"acteurs"}
    assert len(shown) == (everything["Feuille"] == "acteurs").sum()


def test_good_workbook_publishes_one_new_version(db_path):
    at = _upload(_page(), "territoire.xlsx", xlsx_bytes(minimal_sheets()))
    assert not _publish_button(at).disabled
    _publish_button(at).click().run()
    assert not at.exception
    history = Store(db_path).history("principal")
    assert [v.version for v in history] == [1]
    assert history[0].file == "territoire.xlsx"
    assert any("Version 1 publiée" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == "import_publier"]  # no second publication
    assert _history(at)["Version"].tolist() == [1]
    assert _history(at)["Origine"].tolist() == ["import"]
    assert any("version 1 publiée le" in c.value for c in at.caption)  # the frame sees it


def test_unreadable_file_shows_only_a_french_error(db_path):
    at = _upload(_page(), "territoire.xlsx", b"ceci n'est pas un classeur")
    assert len(at.error) == 1
    assert "territoire.xlsx" in at.error[0].value
    assert not at.exception
    assert not at.metric
    assert not [b for b in at.button if b.key == "import_publier"]
    assert Store(db_path).history("principal") == []


def test_restore_publishes_a_former_version_again(db_path):
    store = Store(db_path)
    _publish_directly(store, minimal_sheets())
    smaller = minimal_sheets()
    del smaller["blocages"]
    _publish_directly(store, smaller)
    at = _page()
    restore = at.button(key="import_restaurer")
    assert restore.disabled  # nothing happens without the confirmation
    at.selectbox(key=importing.RESTORE_CHOICE).set_value(1).run()
    at.checkbox(key=importing.RESTORE_CONFIRM).check().run()
    at.button(key="import_restaurer").click().run()
    assert not at.exception
    history = store.history("principal")
    assert [v.version for v in history] == [3, 2, 1]
    assert history[0].restored_from == 1
    assert history[0].rows == history[2].rows
    assert _history(at)["Origine"].iloc[0] == "restauration de v1"
    assert not at.checkbox(key=importing.RESTORE_CONFIRM).value  # asked again next time
    assert any("version 3" in s.value for s in at.success)


@pytest.mark.parametrize("broken", [False, True])
def test_run_check_keeps_the_outcome_of_an_upload(broken):
    sheets = _broken_sheets() if broken else minimal_sheets()
    steps = []
    result = importing.run_check(
        [("t.xlsx", xlsx_bytes(sheets))], lambda label, fraction: steps.append(fraction)
    )
    assert steps == sorted(steps) and steps
    assert result.can_publish is not broken
    assert (result.errors > 0) is broken


def test_template_download_is_a_workbook_with_the_expected_sheets():
    workbook = openpyxl.load_workbook(io.BytesIO(importing.template_bytes()))
    assert {"acteurs", "perimetres", "dispositifs"} <= set(workbook.sheetnames)


def test_published_state_survives_a_rerun(db_path):
    at = _upload(_page(), "territoire.xlsx", xlsx_bytes(minimal_sheets()))
    _publish_button(at).click().run()
    at.run()
    assert any("Version 1 publiée" in s.value for s in at.success)
    assert [v.version for v in Store(db_path).history("principal")] == [1]


def test_with_only_the_demo_published_a_new_space_is_named_before_publishing(db_path):
    from maillage.demo import publish_demo

    store = Store(db_path)
    publish_demo(store)
    at = _page()
    target = next(s for s in at.selectbox if s.label == "Espace de destination")
    assert target.value == "demo"
    target.set_value(importing.NEW_SPACE).run()
    name = next(t for t in at.text_input if t.label == "Nom du nouvel espace")
    name.set_value("Pas valide !").run()
    assert not at.file_uploader  # no upload until the space has a valid name
    name = next(t for t in at.text_input if t.label == "Nom du nouvel espace")
    name.set_value("bocage").run()
    at = _upload(at, "bocage.xlsx", xlsx_bytes(minimal_sheets()))
    _publish_button(at).click().run()
    assert [v.version for v in store.history("bocage")] == [1]
    assert [v.version for v in store.history("demo")] == [1]  # the demo is untouched


def test_rows_read_count_only_the_data_of_a_filled_template(db_path, tmp_path):
    """« Lignes lues » once counted the template's lisez_moi and hidden lists (219 for 46)."""
    from maillage.template import write_template

    book = openpyxl.load_workbook(write_template(tmp_path / "modele.xlsx"))
    sheets = minimal_sheets()
    for name, records in sheets.items():
        headers = [cell.value for cell in book[name][1]]
        for number, record in enumerate(records, start=2):
            for key, value in record.items():
                book[name].cell(row=number, column=headers.index(key) + 1, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    at = _upload(_page(), "modele-rempli.xlsx", buffer.getvalue())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Lignes lues"] == str(sum(len(records) for records in sheets.values()))
    assert metrics["Erreurs"] == "0"


def test_problem_filters_that_keep_nothing_say_so(db_path):
    at = _upload(_page(), "territoire.xlsx", xlsx_bytes(_broken_sheets()))
    assert len(at.dataframe) == 1
    at.multiselect(key=importing.SEVERITY_FILTER).set_value(["Avertissement"]).run()
    assert not at.exception
    # only errors in this workbook: a sentence saying what to do, not an empty grid
    assert [d for d in at.dataframe if "Message" in d.value.columns] == []
    assert (
        "Aucun problème ne correspond à ces filtres : retirez une gravité ou une feuille "
        "pour revoir les autres."
    ) in [i.value for i in at.info]
    assert any(c.value.startswith("0\u00a0problème affiché sur 3.") for c in at.caption)
