"""« Qui fait quoi » : the directory's filters, checked by hand, and its CSV download."""

import csv
import io

import pytest

from maillage.directory import directory, directory_for_display
from maillage.exports import csv_bytes
from tests.test_transversality import model_of
from tests.workbooks import minimal_sheets


@pytest.fixture(scope="module")
def model():
    sheets = minimal_sheets()
    sheets["acteurs"][2]["ressort"] = "P_CAS"  # the centre social acts on its circonscription
    sheets["participations"][1]["nature"] = "animation;coordination"
    return model_of(sheets)


def ids(table):
    return sorted(table.index)


def test_no_filter_lists_everyone_sorted_by_name(model):
    table = directory(model)
    assert list(table.index) == ["A_CAF", "A_CS", "A_CHA", "A_CC"]  # CAF, Ce, Ch, M
    assert table.loc["A_CAF", "dispositifs"] == "D_CTG;D_PAT"
    assert table.loc["A_CAF", "roles"] == "partenaire_financier"
    assert table.loc["A_CC", "roles"] == "pilote"  # the pilote is a participation


def test_commune_through_seat_ressort_and_scheme_perimeters(model):
    # 03140 is in P_CAS and, by composition, in P_PAT: the PAT's participants act there,
    # and so does the centre social through its ressort. Nobody has its seat there.
    assert ids(directory(model, commune="03140")) == ["A_CAF", "A_CC", "A_CHA", "A_CS"]
    # 03136 is in P_EPCI and P_PAT only: CTG and PAT participants; A_CS is in the CTG.
    assert ids(directory(model, commune="03136")) == ["A_CAF", "A_CC", "A_CHA", "A_CS"]
    # 03190 (Vichy) is in no perimeter: only the actors seated there.
    assert ids(directory(model, commune="03190")) == ["A_CAF", "A_CHA"]


def test_theme_category_field(model):
    # alimentation is a theme of the PAT only; culture one of the centre social's own themes.
    assert ids(directory(model, theme="alimentation")) == ["A_CAF", "A_CC", "A_CHA"]
    assert ids(directory(model, theme="culture")) == ["A_CS"]
    assert ids(directory(model, category="protection_sociale")) == ["A_CAF"]
    # les_deux is found under either field.
    assert ids(directory(model, field="social")) == ["A_CAF", "A_CC", "A_CS"]
    assert ids(directory(model, field="developpement_local")) == ["A_CC", "A_CHA"]
    assert ids(directory(model, field="les_deux")) == ["A_CC"]


def test_role_stage_and_nature_filter_one_participation(model):
    assert ids(directory(model, role="partenaire_financier")) == ["A_CAF"]
    assert ids(directory(model, role="partenaire_financier", entry_stage="emergence")) == ["A_CAF"]
    # A_CHA is a partenaire technique with no known stage: missing stade_entree never matches.
    assert ids(directory(model, role="partenaire_technique", entry_stage="emergence")) == []
    assert ids(directory(model, nature="animation")) == ["A_CS"]
    assert ids(directory(model, nature="animation", role="pilote")) == []


def test_text_search_ignores_case_accents_and_punctuation(model):
    assert ids(directory(model, text="CHAMBRE D’AGRICULTURE")) == ["A_CHA"]
    assert ids(directory(model, text="montlucon")) == ["A_CC"]
    assert ids(directory(model, text="centre-social")) == ["A_CS"]
    assert ids(directory(model, text="personne")) == []


def test_display_and_csv(model):
    shown = directory_for_display(model, directory(model, field="les_deux"))
    row = shown.iloc[0]
    assert row["Nom"] == "Montluçon Communauté"
    assert row["Champ"] == "Les deux"
    assert row["Dispositifs"] == "CTG de Montluçon, PAT du Montluçonnais"
    assert row["Commune du siège"].endswith("(03185)")
    shown.loc[0, "Nom"] = '=HYPERLINK("http://x")'
    data = csv_bytes(shown)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Identifiant", "Nom"]
    assert rows[1][1].startswith("'=")


def test_display_names_seats_and_ressorts_outside_a_restricted_view():
    """A seat outside the territory shown keeps its name (« Moulins (03190) », not a bare
    code); a ressort outside it is said to be outside, never shown as a raw id."""
    sheets = minimal_sheets()
    sheets["perimetres"].append(
        {"id": "P_LOIN", "nom": "Pays lointain", "type": "pays_petr", "communes": "03190"}
    )
    sheets["acteurs"][1]["ressort"] = "P_LOIN"  # the CAF, seated in Moulins
    sheets["acteurs"][2]["ressort"] = "P_CAS"
    # the CAF takes part in a scheme local to P_CAS: it is in the view (maillage.scope)
    sheets["dispositifs"].append(
        {
            "id": "D_LOC",
            "nom": "ABS de la circonscription",
            "type": "ABS",
            "perimetre": "P_CAS",
            "pilote": "A_CAF",
        }
    )
    model = model_of(sheets).restrict(perimeter="P_CAS")
    shown = directory_for_display(model, directory(model)).set_index("Identifiant")
    assert shown.loc["A_CAF", "Commune du siège"] == "Moulins (03190)"
    assert shown.loc["A_CAF", "Code INSEE du siège"] == "03190"
    assert shown.loc["A_CAF", "Ressort"] == "Hors du territoire affiché"
    assert shown.loc["A_CS", "Commune du siège"] == "Désertines (03098)"
    assert shown.loc["A_CS", "Ressort"] == "Circonscription Montluçon Est"
    assert "P_LOIN" not in shown.to_string() and "P_CAS" not in shown["Ressort"].tolist()
    columns = list(shown.columns)
    assert columns.index("Code INSEE du siège") == columns.index("Commune du siège") + 1
