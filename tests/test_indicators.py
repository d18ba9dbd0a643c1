"""`maillage indicators --json`: the keys of SPEC §4, checked by hand on the minimal workbook.

T = the 5 communes of P_PAT. D_CTG (social) covers P_EPCI's 4 communes, D_PAT (local
development) all 5; 03140 is reached by no social scheme. The pair overlaps fully
(4 / min(4, 5)), shares A_CC and A_CAF, shares days and the theme « santé »: a pooling
candidate, not « side by side ». A_CAF joined the CTG at emergence and the PAT later."""

import json

import pytest

from maillage.cli import main
from maillage.reference import load_reference
from tests.apptests import publish

EPCI_AND_CAS = ("03007", "03098", "03101", "03136", "03140")


@pytest.fixture
def indicators(db_path, capsys):
    publish(db_path)

    def run(*options):
        assert main(["indicators", "--json", *options]) == 0
        return json.loads(capsys.readouterr().out)

    return run


def test_every_key_of_the_contract_with_hand_checked_values(indicators):
    result = indicators()
    assert result["space"] == "principal" and result["version"] == 1
    population = load_reference().communes["population"]
    epci, everywhere = ["03007", "03098", "03101", "03136"], list(EPCI_AND_CAS)
    ctg_population = int(population[epci].sum()) / int(population[everywhere].sum())
    assert result["coverage"] == [
        {"type": "CTG", "communes_share": 0.8, "population_share": pytest.approx(ctg_population)},
        {"type": "PAT", "communes_share": 1.0, "population_share": 1.0},
    ]
    assert result["blank_communes"] == ["03140"]
    assert result["side_by_side_not_crossing"] == []
    assert result["pooling_candidates"] == [["D_CTG", "D_PAT"]]
    assert result["transversality"] == {"share": 1.0, "by_type": {"CTG": 1.0, "PAT": 1.0}}
    assert result["bridging_actors"] == ["A_CAF", "A_CC"]
    assert result["late_funders"] == 0.5
    assert all(codes == [] for codes in result["duplicate_coverage"].values())
    assert set(result["duplicate_coverage"]) == {"epci", "circonscription_action_sociale"}
    blockages = result["blockages"]
    assert blockages["by_category"]["segmentation"] == 1 and blockages["by_category"]["moyens"] == 1
    assert blockages["by_status"]["ouvert"] == 1 and blockages["by_status"]["leve"] == 1
    assert blockages["lifted_share"] == 0.5
    assert result["network"]["actors"] == 4 and result["network"]["isolated_actors"] == []


def test_restricted_to_a_perimeter(indicators):
    result = indicators("--perimeter", "P_CAS")
    assert result["perimeter"] == "P_CAS"
    shares = {row["type"]: row["communes_share"] for row in result["coverage"]}
    assert shares == {"CTG": pytest.approx(2 / 3), "PAT": 1.0}
    assert result["blank_communes"] == ["03140"]
