"""Coverage, blank communes and schemes per commune (SPEC §3), checked by hand on real communes."""

import io

import pandas as pd
import pytest
import xlsxwriter

from maillage.coverage import blank_communes, blank_share, coverage, schemes_per_commune
from maillage.model import build_model
from maillage.publishing import check, import_files
from maillage.reference import load_reference
from tests.workbooks import minimal_sheets, xlsx_bytes

EPCI_PART = ["03007", "03098", "03101", "03136"]
CAS = ["03098", "03101", "03140"]
T = sorted(set(EPCI_PART) | set(CAS))


def model_of(sheets):
    _, validation = check([("classeur.xlsx", xlsx_bytes(sheets))])
    assert validation.valid, [p.message for p in validation.problems]
    return build_model(validation.tables)


def pop(codes):
    return int(load_reference().communes.loc[list(codes), "population"].sum())


def test_coverage_by_type_on_a_hand_checked_workbook():
    model = model_of(minimal_sheets())
    table = coverage(model)
    assert list(table.columns) == ["type", "communes_share", "population_share"]
    assert table["type"].tolist() == ["CTG", "PAT"]  # sorted
    ctg, pat = table.to_dict(orient="records")
    # CTG on P_EPCI (4 of the 5 communes of T); PAT on P_EPCI + P_CAS = T.
    assert ctg["communes_share"] == pytest.approx(4 / 5)
    assert ctg["population_share"] == pytest.approx(pop(EPCI_PART) / pop(T))
    assert pat["communes_share"] == 1.0
    assert pat["population_share"] == 1.0


def test_blank_communes_are_those_no_social_scheme_reaches():
    model = model_of(minimal_sheets())
    # CTG (social) reaches the four communes of P_EPCI; PAT is local development.
    assert blank_communes(model) == ["03140"]
    assert blank_share(model) == pytest.approx((1 / 5, pop(["03140"]) / pop(T)))


def test_schemes_per_commune_counts_every_commune_of_t_zeros_included():
    sheets = minimal_sheets()
    sheets["perimetres"].append(
        {"id": "P_SEUL", "nom": "Commune seule", "type": "commune", "communes": "03185"}
    )
    counts = schemes_per_commune(model_of(sheets))
    assert counts.index.tolist() == sorted([*T, "03185"])
    assert counts.to_dict() == {
        "03007": 2,
        "03098": 2,
        "03101": 2,
        "03136": 2,
        "03140": 1,
        "03185": 0,
    }


def test_restricting_to_a_perimeter_measures_against_its_communes():
    model = model_of(minimal_sheets()).restrict(perimeter="P_CAS")
    table = coverage(model).set_index("type")
    # Inside P_CAS (03098, 03101, 03140): the CTG reaches 03098 and 03101.
    assert table.loc["CTG", "communes_share"] == pytest.approx(2 / 3)
    assert table.loc["CTG", "population_share"] == pytest.approx(pop(["03098", "03101"]) / pop(CAS))
    assert table.loc["PAT", "communes_share"] == 1.0
    assert blank_communes(model) == ["03140"]
    assert schemes_per_commune(model).to_dict() == {"03098": 2, "03101": 2, "03140": 1}


def test_restricting_to_scheme_types_keeps_the_territory_whole():
    model = model_of(minimal_sheets()).restrict(scheme_types=["PAT"])
    assert coverage(model)["type"].tolist() == ["PAT"]
    assert blank_communes(model) == T  # no social scheme left
    assert schemes_per_commune(model).to_dict() == dict.fromkeys(T, 1)


def test_other_type_counts_as_social_only_when_its_sector_says_so():
    sheets = minimal_sheets()
    sheets["dispositifs"].append(
        {
            "id": "D_AUTRE",
            "nom": "Plan local",
            "type": "AUTRE",
            "perimetre": "P_CAS",
            "secteur": "social",
        }
    )
    assert blank_communes(model_of(sheets)) == []


def test_empty_scheme_list_gives_an_empty_table_with_the_columns():
    model = model_of(minimal_sheets()).restrict(scheme_types=["LEADER"])
    table = coverage(model)
    assert table.empty
    assert table.to_dict(orient="records") == []
    assert list(table.columns) == ["type", "communes_share", "population_share"]


# --- epci: and dep: items give exactly what the explicit lists give ---------------------------


def shorthand_sheets(explicit: bool):
    reference = load_reference()
    montlucon = reference.communes.loc["03185", "epci"]  # Montluçon Communauté
    epci_codes = reference.epci_communes(montlucon)
    cantal = reference.departement_communes("15")

    def items(*parts):
        if explicit:
            return ";".join(code for part in parts for code in part[1])
        return ";".join(part[0] for part in parts)

    sheets = minimal_sheets()
    sheets["perimetres"] = [
        {
            "id": "P_EPCI",
            "nom": "Montluçon Communauté",
            "type": "epci",
            "communes": items((f"epci:{montlucon}", epci_codes)),
        },
        {
            "id": "P_DEP",
            "nom": "Cantal",
            "type": "departement",
            "communes": items(("dep:15", cantal)),
        },
        {
            "id": "P_MIX",
            "nom": "Montluçon et Moulins",
            "type": "autre",
            "communes": items((f"epci:{montlucon}", epci_codes), ("03190", ["03190"])),
        },
        {
            "id": "P_CAS",
            "nom": "Circonscription",
            "type": "circonscription_action_sociale",
            "communes": "03098;03101;03140;15014",
        },
        {"id": "P_PAT", "nom": "Territoire du PAT", "type": "autre", "composition": "P_MIX;P_DEP"},
    ]
    sheets["dispositifs"].append(
        {"id": "D_GMR", "nom": "GMR du Cantal", "type": "GMR", "perimetre": "P_DEP"}
    )
    return sheets


@pytest.mark.parametrize("perimeter", [None, "P_EPCI", "P_DEP", "P_CAS", "P_PAT"])
def test_epci_and_dep_items_equal_the_explicit_lists(perimeter):
    short = model_of(shorthand_sheets(explicit=False)).restrict(perimeter=perimeter)
    listed = model_of(shorthand_sheets(explicit=True)).restrict(perimeter=perimeter)
    assert len(short.territory) > 0
    assert short.territory == listed.territory
    pd.testing.assert_frame_equal(coverage(short), coverage(listed))
    assert blank_communes(short) == blank_communes(listed)
    pd.testing.assert_series_equal(schemes_per_commune(short), schemes_per_commune(listed))


def test_shorthand_covers_the_whole_departement():
    model = model_of(shorthand_sheets(explicit=False))
    cantal = load_reference().departement_communes("15")
    table = coverage(model.restrict(perimeter="P_DEP")).set_index("type")
    assert table.loc["GMR", "communes_share"] == 1.0
    assert set(cantal) <= set(model.territory)
    assert not set(cantal) & set(blank_communes(model))  # the GMR is social


# --- a perimeter of every commune of France -----------------------------------------------------


def france_workbook() -> bytes:
    """All communes of the reference as a `perimetre_communes` sheet, written fast."""
    codes = load_reference().communes.index
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheets = minimal_sheets()
    sheets["perimetres"] = [{"id": "P_FRANCE", "nom": "France", "type": "autre"}]
    sheets["dispositifs"] = [
        {
            "id": "D_CTG",
            "nom": "CTG nationale",
            "type": "CTG",
            "perimetre": "P_FRANCE",
            "pilote": "A_CAF",
        }
    ]
    sheets["participations"] = []
    sheets["blocages"] = []
    for name, rows in sheets.items():
        if not rows:
            continue
        sheet = book.add_worksheet(name)
        headers = list(dict.fromkeys(key for row in rows for key in row))
        sheet.write_row(0, 0, headers)
        for i, row in enumerate(rows, start=1):
            sheet.write_row(i, 0, ["" if row.get(h) is None else row.get(h) for h in headers])
    pairs = book.add_worksheet("perimetre_communes")
    pairs.write_row(0, 0, ["perimetre", "commune"])
    for i, code in enumerate(codes, start=1):
        pairs.write_string(i, 0, "P_FRANCE")
        pairs.write_string(i, 1, code)
    book.close()
    return buffer.getvalue()


def test_a_perimeter_of_every_french_commune_imports_and_covers_everything(store):
    reference = load_reference()
    assert len(reference.communes) == 34_969  # COG 2026
    outcome = import_files(store, "france", [("france.xlsx", france_workbook())])
    assert outcome.version is not None, [p.message for p in outcome.validation.problems]
    model = build_model(store.load("france"))
    assert len(model.territory) == 34_969
    assert coverage(model).to_dict(orient="records") == [
        {"type": "CTG", "communes_share": 1.0, "population_share": 1.0}
    ]
    assert blank_communes(model) == []
    assert blank_share(model) == (0.0, 0.0)
