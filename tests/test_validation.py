"""One bad workbook per problem, each asserting the exact sheet, row and column reported."""

import copy

import pytest

from maillage.publishing import check
from tests.workbooks import minimal_sheets, xlsx_bytes


def validate_sheets(sheets):
    _, validation = check([("classeur.xlsx", xlsx_bytes(sheets))])
    return validation


def where(validation, severity="erreur"):
    return {
        (p.code, p.sheet, p.row, p.column) for p in validation.problems if p.severity == severity
    }


def broken(mutate):
    sheets = copy.deepcopy(minimal_sheets())
    mutate(sheets)
    return validate_sheets(sheets)


def test_minimal_workbook_is_valid():
    validation = validate_sheets(minimal_sheets())
    assert validation.valid
    assert [p for p in validation.problems if p.severity == "erreur"] == []


CASES = {
    # name: (mutation, expected (code, sheet, row, column)); row 2 = first data row
    "duplicate id": (
        lambda s: s["acteurs"].append(dict(s["acteurs"][0], nom="Doublon")),
        ("duplicate_id", "acteurs", 6, "id"),
    ),
    "empty required cell": (
        lambda s: s["dispositifs"][1].update(nom=None),
        ("empty_required", "dispositifs", 3, "nom"),
    ),
    "unknown code": (
        lambda s: s["acteurs"][2].update(champ="culturel"),
        ("unknown_code", "acteurs", 4, "champ"),
    ),
    "unknown item in a list": (
        lambda s: s["dispositifs"][0].update(thematiques="sante;astronomie"),
        ("unknown_code", "dispositifs", 2, "thematiques"),
    ),
    "dangling scheme perimeter": (
        lambda s: s["dispositifs"][1].update(perimetre="P_NULLE_PART"),
        ("dangling_reference", "dispositifs", 3, "perimetre"),
    ),
    "dangling participation actor": (
        lambda s: s["participations"][3].update(acteur="A_FANTOME"),
        ("dangling_reference", "participations", 5, "acteur"),
    ),
    "dangling composition": (
        lambda s: s["perimetres"][2].update(composition="P_EPCI;P_ABSENT"),
        ("dangling_reference", "perimetres", 4, "composition"),
    ),
    "unknown commune": (
        lambda s: s["perimetres"][1].update(communes="03098;99999"),
        ("unknown_commune", "perimetres", 3, "communes"),
    ),
    "unknown actor seat": (
        lambda s: s["acteurs"][1].update(commune="3"),
        ("unknown_commune", "acteurs", 3, "commune"),
    ),
    "unknown epci": (
        lambda s: s["perimetres"][0].update(communes="epci:123456789"),
        ("unknown_epci", "perimetres", 2, "communes"),
    ),
    "reversed dates": (
        lambda s: s["dispositifs"][0].update(debut="01/01/2027"),
        ("reversed_dates", "dispositifs", 2, "fin"),
    ),
    "unreadable date": (
        lambda s: s["dispositifs"][1].update(fin="bientôt"),
        ("bad_date", "dispositifs", 3, "fin"),
    ),
    "31 February": (
        lambda s: s["dispositifs"][1].update(fin="31/02/2026"),
        ("impossible_date", "dispositifs", 3, "fin"),
    ),
    "month 13": (
        lambda s: s["dispositifs"][1].update(debut="01/13/2024"),
        ("impossible_date", "dispositifs", 3, "debut"),
    ),
    "wrong number": (
        lambda s: s["acteurs"][0].update(latitude="nord"),
        ("bad_number", "acteurs", 2, "latitude"),
    ),
    "latitude out of range": (
        lambda s: s["acteurs"][0].update(latitude=146.3),
        ("out_of_range", "acteurs", 2, "latitude"),
    ),
    "wrong year": (
        lambda s: s["dispositifs"][0].update(annee_diagnostic="l’an dernier"),
        ("bad_year", "dispositifs", 2, "annee_diagnostic"),
    ),
    "composition cycle": (
        lambda s: s["perimetres"][0].update(communes=None, composition="P_PAT"),
        ("composition_cycle", "perimetres", 2, "composition"),
    ),
    "perimeter without commune": (
        lambda s: s["perimetres"][1].update(communes=None),
        ("empty_perimeter", "perimetres", 3, "communes"),
    ),
    "missing required column": (
        lambda s: [row.pop("champ") for row in s["acteurs"]],
        ("missing_column", "acteurs", 1, "champ"),
    ),
    "required sheet without data": (
        lambda s: s.update(acteurs=[{"id": None, "nom": None, "categorie": None, "champ": None}]),
        ("no_data", "acteurs", None, None),
    ),
    "missing required sheet": (
        lambda s: s.pop("dispositifs"),
        ("missing_sheet", "dispositifs", None, None),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_each_problem_is_located_exactly(name):
    mutate, expected = CASES[name]
    validation = broken(mutate)
    assert not validation.valid
    assert expected in where(validation)


def test_every_problem_is_reported_in_one_pass():
    def many(s):
        for mutate, _ in (
            CASES["duplicate id"],
            CASES["unknown code"],
            CASES["reversed dates"],
            CASES["unknown commune"],
        ):
            mutate(s)

    found = where(broken(many))
    for name in ("duplicate id", "unknown code", "reversed dates", "unknown commune"):
        assert CASES[name][1] in found


def test_messages_are_french_and_say_how_to_fix():
    validation = broken(CASES["unknown code"][0])
    problem = next(p for p in validation.problems if p.code == "unknown_code")
    assert "culturel" in problem.message
    assert "Valeurs possibles" in problem.message
    assert problem.value == "culturel"


def test_french_labels_and_header_variants_are_accepted():
    sheets = minimal_sheets()
    for row in sheets["acteurs"]:
        row["Champ d’action"] = None
    sheets["acteurs"] = [
        {
            "ID": r["id"],
            "Nom": r["nom"],
            "Catégorie": r["categorie"],
            "CHAMP": {
                "les_deux": "Les deux",
                "social": "Social",
                "developpement_local": "Développement local",
            }[r["champ"]],
            "Code INSEE": r["commune"],
        }
        for r in sheets["acteurs"]
    ]
    validation = validate_sheets(sheets)
    assert validation.valid, [p.message for p in validation.problems]
    assert set(validation.tables["acteurs"]["champ"]) == {
        "les_deux",
        "social",
        "developpement_local",
    }
    assert "Champ d’action" not in validation.tables["acteurs"].columns


def test_insee_codes_stored_as_numbers_keep_their_leading_zero():
    sheets = minimal_sheets()
    sheets["acteurs"][0]["commune"] = 3185  # Excel turned "03185" into a number
    validation = validate_sheets(sheets)
    assert validation.valid
    assert validation.tables["acteurs"]["commune"].iloc[0] == "03185"


def test_former_commune_code_is_a_warning_and_mapped_to_current():
    sheets = minimal_sheets()
    from maillage.reference import load_reference

    former, current = next(
        iter((f, c) for f, c in load_reference().former_codes.items() if f.startswith("03"))
    )
    sheets["perimetres"][1]["communes"] = f"03098;{former}"
    validation = validate_sheets(sheets)
    assert validation.valid
    assert ("former_commune", "perimetres", 3, "communes") in where(validation, "avertissement")
    assert current in validation.tables["perimetres"]["communes"].iloc[1].split(";")


def test_dates_from_excel_cells_and_french_text_agree():
    import datetime

    sheets = minimal_sheets()
    sheets["dispositifs"][0]["debut"] = datetime.datetime(2023, 1, 1)
    validation = validate_sheets(sheets)
    assert validation.valid
    start = validation.tables["dispositifs"]["debut"]
    assert start.iloc[0] == start.iloc[0].normalize()
    assert str(start.iloc[0].date()) == "2023-01-01"
    assert str(start.iloc[1].date()) == "2024-06-01"  # typed as 01/06/2024


def test_unknown_columns_are_kept():
    sheets = minimal_sheets()
    sheets["acteurs"][0]["Référent local"] = "M. X"
    validation = validate_sheets(sheets)
    assert "Référent local" in validation.tables["acteurs"].columns


def test_local_communes_sheet_declares_a_commune_unknown_to_the_reference():
    sheets = minimal_sheets()
    sheets["perimetres"][1]["communes"] = "03098;98799"
    assert not validate_sheets(sheets).valid
    sheets["communes"] = [{"code": "98799", "nom": "Commune fictive", "population": 120}]
    assert validate_sheets(sheets).valid


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("31/02/2026", "février 2026 n’a que 28 jours"),
        ("30/02/2024", "février 2024 n’a que 29 jours"),
        ("31/04/2025", "avril 2025 n’a que 30 jours"),
        ("12/13/2024", "pas de mois n° 13"),
    ],
)
def test_a_day_that_does_not_exist_is_named_as_such(value, words):
    sheets = minimal_sheets()
    sheets["dispositifs"][1]["fin"] = value
    (found,) = [p for p in validate_sheets(sheets).problems if p.column == "fin"]
    assert found.code == "impossible_date" and found.severity == "erreur"
    assert words in found.message and f"« {value} »" in found.message
    assert "JJ/MM/AAAA" in found.message
