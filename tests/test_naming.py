"""The territory's name in titles: the link's or filter's perimeter, else the perimeter that
covers (almost) all of it, else the space."""

from maillage.naming import territory_name
from tests.test_transversality import model_of
from tests.workbooks import ardeche_sheets, minimal_sheets


def test_a_restricted_view_is_named_after_its_perimeter():
    model = model_of(minimal_sheets())
    assert territory_name(model.restrict(perimeter="P_CAS"), "principal") == (
        "Circonscription Montluçon Est"
    )


def test_a_whole_space_takes_the_name_of_the_perimeter_that_covers_it():
    # P_PAT is the union of P_EPCI and P_CAS: every commune of the territory
    assert territory_name(model_of(minimal_sheets()), "principal") == "Territoire du PAT"
    assert territory_name(model_of(ardeche_sheets()), "ardeche") == "CA Privas Centre Ardèche"


def test_without_a_covering_perimeter_the_space_names_it():
    sheets = minimal_sheets()
    sheets["perimetres"] = sheets["perimetres"][:2]  # P_EPCI and P_CAS: 4 + 3 of 5 communes
    sheets["dispositifs"][1]["perimetre"] = "P_CAS"
    assert territory_name(model_of(sheets), "bocage") == "Espace « bocage »"
