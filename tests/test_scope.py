"""The rules of `maillage.scope`, each on a row built to tempt it (tests/scope_data.py).

Expected sets are written by hand from the workbook, not computed by the code under test."""

import pytest

from maillage.model import build_model
from maillage.publishing import check
from tests.scope_data import SCOPE, tempting_sheets
from tests.workbooks import xlsx_bytes


@pytest.fixture(scope="module")
def scoped():
    _, validation = check([("t.xlsx", xlsx_bytes(tempting_sheets()))])
    assert validation.valid, [p.message for p in validation.problems]
    return build_model(validation.tables).restrict(perimeter=SCOPE)


def test_communes_are_those_of_the_scope(scoped):
    assert set(scoped.communes.index) == {"03007", "03098", "03101", "03136"}
    assert set(scoped.membership["commune"]) <= {"03007", "03098", "03101", "03136"}


def test_perimeters_meeting_the_scope_are_kept_and_cut(scoped):
    assert set(scoped.perimeters.index) == {"P_EPCI", "P_CAS", "P_PAT", "P_DEP", "P_GRAZE"}
    assert scoped.communes_of("P_GRAZE") == {"03136"}
    assert scoped.communes_of("P_DEP") == {"03007", "03098", "03101", "03136"}


def test_schemes_on_a_perimeter_in_scope(scoped):
    assert set(scoped.schemes.index) == {"D_CTG", "D_PAT", "D_DEP"}


def test_actors_placed_in_the_scope_or_in_a_local_scheme(scoped):
    assert set(scoped.actors.index) == {
        "A_CS",  # seat in S
        "A_CAF",  # seated in Moulins, takes part in D_CTG, which lies within S
        "ZZICI_SIEGE",  # seat in S, takes part in nothing
        "ZZICI_RESSORT",  # seated in Moulins, ressort P_DEP covers S
        "ZZICI_LOCAL",  # seated in Moulins, takes part in D_CTG
        "A_CC",  # seated in Montluçon, pilots D_CTG: a pilot takes part
    }


def test_the_pilot_of_a_local_scheme_is_in_but_not_that_of_a_wide_one(scoped):
    # A_CC pilots D_CTG (lies within S): in. ZZLOIN_PILOTE pilots D_DEP (covers S): out, and
    # the scheme keeps no trace of it.
    assert scoped.schemes.loc["D_CTG", "pilote"] == "A_CC"
    assert "ZZLOIN_PILOTE" not in scoped.actors.index
    assert scoped.schemes["pilote"].isna()["D_DEP"]


def test_no_person_or_structure_of_another_territory_through_a_wide_scheme(scoped):
    for far in ("ZZLOIN_PERSONNE", "ZZLOIN_PILOTE", "ZZLOIN_EFFLEURE", "ZZLOIN_A", "A_CHA"):
        assert far not in scoped.actors.index, far


def test_participations_need_both_ends_in_scope(scoped):
    pairs = set(
        zip(scoped.participations["dispositif"], scoped.participations["acteur"], strict=True)
    )
    assert pairs == {
        ("D_CTG", "A_CC"),
        ("D_PAT", "A_CC"),  # pilot of both, in through D_CTG
        ("D_CTG", "A_CAF"),
        ("D_CTG", "A_CS"),
        ("D_CTG", "ZZICI_LOCAL"),
        ("D_PAT", "A_CAF"),  # A_CAF is in (D_CTG), D_PAT is in: the pair is in
        ("D_DEP", "ZZICI_RESSORT"),
        ("D_DEP", "A_CS"),
    }


def test_blockages_by_their_territory_else_their_scheme(scoped):
    assert set(scoped.blockages.index) == {
        "B1",  # territoire P_EPCI
        "B2",  # no territory, scheme D_PAT in scope
        "ZZICI_B1",  # territoire P_DEP covers S
        "ZZICI_B2",  # no territory, scheme D_DEP in scope
    }
