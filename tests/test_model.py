"""The model: perimeters expanded to communes, pilots as participations, restriction."""

from maillage.model import build_model
from maillage.publishing import check
from maillage.reference import load_reference
from tests.workbooks import minimal_sheets, xlsx_bytes


def model_of(sheets):
    _, validation = check([("c.xlsx", xlsx_bytes(sheets))])
    assert validation.valid, [p.message for p in validation.problems]
    return build_model(validation.tables)


def test_composition_is_the_union_of_its_parts():
    model = model_of(minimal_sheets())
    assert model.communes_of("P_PAT") == model.communes_of("P_EPCI") | model.communes_of("P_CAS")
    assert model.territory == sorted(model.communes_of("P_PAT"))


def test_nested_composition_and_perimetre_communes_sheet():
    sheets = minimal_sheets()
    sheets["perimetres"].append(
        {"id": "P_TOUT", "nom": "Tout", "type": "autre", "composition": "P_PAT"}
    )
    sheets["perimetres"].append({"id": "P_LISTE", "nom": "Liste", "type": "autre"})
    sheets["perimetre_communes"] = [
        {"perimetre": "P_LISTE", "commune": "03185"},
        {"perimetre": "P_LISTE", "commune": 3190},
    ]
    model = model_of(sheets)
    assert model.communes_of("P_TOUT") == model.communes_of("P_PAT")
    assert model.communes_of("P_LISTE") == {"03185", "03190"}


def test_epci_and_departement_items_expand_to_their_communes():
    reference = load_reference()
    sheets = minimal_sheets()
    sheets["perimetres"][0]["communes"] = "epci:200071082"
    sheets["perimetres"].append(
        {"id": "P_DEP", "nom": "Allier", "type": "departement", "communes": "dep:3"}
    )
    model = model_of(sheets)
    assert model.communes_of("P_EPCI") == set(reference.epci_communes("200071082"))
    assert model.communes_of("P_DEP") == set(reference.departement_communes("03"))


def test_pilot_counts_as_a_participation_once():
    sheets = minimal_sheets()
    sheets["participations"].append({"dispositif": "D_CTG", "acteur": "A_CC", "role": "pilote"})
    model = model_of(sheets)
    pilots = model.participations.query("role == 'pilote'")
    assert sorted(zip(pilots["dispositif"], pilots["acteur"], strict=True)) == [
        ("D_CTG", "A_CC"),
        ("D_PAT", "A_CC"),
    ]


def test_actors_without_coordinates_sit_at_their_commune():
    model = model_of(minimal_sheets())
    seat = load_reference().communes.loc["03185"]
    assert model.actors.loc["A_CC", "latitude"] == seat["latitude"]
    assert model.actors.loc["A_CC", "longitude"] == seat["longitude"]


def test_restriction_keeps_nothing_outside_the_scope():
    sheets = minimal_sheets()
    sheets["perimetres"].append(
        {"id": "P_LOIN", "nom": "Ailleurs", "type": "epci", "communes": "03310"}
    )
    sheets["dispositifs"].append(
        {"id": "D_LOIN", "nom": "CLS de Vichy", "type": "CLS", "perimetre": "P_LOIN"}
    )
    sheets["acteurs"].append(
        {
            "id": "A_LOIN",
            "nom": "CCAS de Vichy",
            "categorie": "organisme_public",
            "champ": "social",
            "commune": "03310",
        }
    )
    sheets["participations"].append(
        {"dispositif": "D_LOIN", "acteur": "A_LOIN", "role": "operateur"}
    )
    sheets["blocages"].append(
        {"id": "B_LOIN", "categorie": "methode", "description": "x", "territoire": "P_LOIN"}
    )
    model = model_of(sheets).restrict(perimeter="P_EPCI")
    assert set(model.communes.index) == model.communes_of("P_EPCI")
    assert "D_LOIN" not in model.schemes.index
    assert "A_LOIN" not in model.actors.index
    assert "B_LOIN" not in model.blockages.index
    assert set(model.membership["commune"]) <= set(model.communes.index)
    assert model.scope == "P_EPCI"


def test_restriction_to_scheme_types():
    model = model_of(minimal_sheets()).restrict(scheme_types=["CTG"])
    assert list(model.schemes.index) == ["D_CTG"]
    assert set(model.participations["dispositif"]) == {"D_CTG"}


def test_incidence_matrix_matches_scheme_communes():
    model = model_of(minimal_sheets())
    matrix, communes, schemes = model.incidence("schemes")
    for j, scheme in enumerate(schemes):
        column = {communes[i] for i in matrix[:, j].nonzero()[0]}
        pairs = model.scheme_communes
        expected = set(pairs.loc[pairs["scheme"] == scheme, "commune"])
        assert column == expected
