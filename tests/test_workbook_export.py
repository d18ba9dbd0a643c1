"""`maillage export`: what was published, in the template's format, re-importable as it is."""

import openpyxl
import pandas as pd
import pytest

from maillage.cli import main
from maillage.demo import publish_demo
from maillage.publishing import import_files
from maillage.workbook import read_paths
from maillage.workbook_export import export_tables, text_tables
from tests.workbooks import minimal_sheets, xlsx_bytes


def same_content(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)
    for sheet in a:
        pd.testing.assert_frame_equal(
            a[sheet].reset_index(drop=True), b[sheet].reset_index(drop=True), obj=sheet
        )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_version(store, tmp_path, fmt):
    publish_demo(store)
    target = tmp_path / ("demo.xlsx" if fmt == "xlsx" else "demo")
    written = export_tables(store.load("demo"), target, fmt)
    outcome = import_files(store, "copie", [(p.name, p.read_bytes()) for p in written])
    assert outcome.version is not None, outcome.validation.problems[:3]
    same_content(store.load("copie"), store.load("demo"))


def test_export_keeps_unknown_columns_writes_codes_and_inert_text(store, tmp_path):
    sheets = minimal_sheets()
    sheets["acteurs"][0].update(
        nom="@SUM(A1) Montluçon", categorie="Collectivité territoriale", remarque="-à revoir"
    )
    sheets["acteurs"][1].update(longitude="-0,123456789012345")
    outcome = import_files(store, "principal", [("v1.xlsx", xlsx_bytes(sheets))])
    assert outcome.version is not None, outcome.validation.problems
    (path,) = export_tables(store.load("principal"), tmp_path / "espace.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["acteurs", "perimetres", "dispositifs", "participations", "blocages"]
    actors = book["acteurs"]
    headers = [c.value for c in actors[1]]
    assert headers[:3] == ["id", "nom", "categorie"] and headers[-1] == "remarque"
    name = actors.cell(2, headers.index("nom") + 1)
    assert name.data_type == "s" and name.value == "@SUM(A1) Montluçon"
    assert name.quotePrefix  # stays text when edited in a spreadsheet
    assert actors.cell(2, headers.index("categorie") + 1).value == "collectivite"
    assert actors.cell(3, headers.index("longitude") + 1).value == "-0.123456789012345"
    dates = [c.value for c in book["dispositifs"]["A"]]  # ids; dates are JJ/MM/AAAA text
    assert dates[1] == "D_CTG"
    schemes = book["dispositifs"]
    start = [c.value for c in schemes[1]].index("debut") + 1
    assert schemes.cell(2, start).value == "01/01/2023"
    assert read_paths([path]).sheets["acteurs"].frame.shape[0] == 4


def test_text_tables_are_template_text():
    frame = pd.DataFrame(
        {
            "id": ["D1"],
            "debut": [pd.Timestamp("2024-06-01")],
            "annee_diagnostic": pd.array([2023], dtype="Int64"),
        }
    )
    text = text_tables({"dispositifs": frame})["dispositifs"]
    assert text.loc[0, ["debut", "annee_diagnostic"]].tolist() == ["01/06/2024", "2023"]


def test_cli_export_and_unknown_version(capsys, tmp_path, db_path):
    source = tmp_path / "v1.xlsx"
    source.write_bytes(xlsx_bytes(minimal_sheets()))
    assert main(["import", str(source)]) == 0
    capsys.readouterr()
    assert main(["export", str(tmp_path / "sortie"), "--format", "csv"]) == 0
    assert "Version 1 de l’espace « principal » écrite" in capsys.readouterr().out
    assert (tmp_path / "sortie" / "acteurs.csv").read_bytes().startswith(b"\xef\xbb\xbfid;")
    assert main(["export", str(tmp_path / "x.xlsx"), "--version", "7"]) == 1
    assert "n’a de version 7" in capsys.readouterr().err
