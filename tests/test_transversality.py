"""Transversality, bridging actors and late funders (SPEC §3), checked by hand on small
workbooks and against a naive computation on random ones."""

import random

import pytest

from maillage.model import build_model
from maillage.publishing import check
from maillage.transversality import (
    bridging_actors,
    late_funders,
    scheme_fields,
    transversality,
)
from tests.workbooks import minimal_sheets, xlsx_bytes


def model_of(sheets):
    """Read through the real reader and validation; an empty optional sheet is left out."""
    sheets = {name: rows for name, rows in sheets.items() if rows}
    _, validation = check([("t.xlsx", xlsx_bytes(sheets))])
    assert validation.valid, validation.problems
    return build_model(validation.tables)


def test_minimal_workbook_by_hand():
    # D_CTG: A_CC (les_deux, pilote) + A_CAF, A_CS (social) → both fields through les_deux.
    # D_PAT: A_CC (pilote) + A_CHA (developpement_local) + A_CAF (social) → both.
    model = model_of(minimal_sheets())
    assert transversality(model) == {"share": 1.0, "by_type": {"CTG": 1.0, "PAT": 1.0}}
    # A_CAF is in the CTG (social) and the PAT (local development); A_CC pilots both.
    assert bridging_actors(model) == ["A_CAF", "A_CC"]
    # Funders with a known stage: CTG at emergence, PAT at mise_en_oeuvre → 1 late of 2.
    assert late_funders(model) == 0.5


def test_the_pilote_counts_as_a_participation():
    sheets = minimal_sheets()
    # The CTG is piloted by a local-development actor; its only listed participant is social.
    sheets["dispositifs"][0]["pilote"] = "A_CHA"
    sheets["participations"] = [
        {"dispositif": "D_CTG", "acteur": "A_CS", "role": "operateur"},
    ]
    sheets["dispositifs"][1]["pilote"] = None  # the PAT: no pilote, no participant
    model = model_of(sheets)
    fields = scheme_fields(model)
    assert fields.loc["D_CTG", "participants"] == 2
    assert bool(fields.loc["D_CTG", "transversal"])
    assert fields.loc["D_PAT", "participants"] == 0
    assert not fields.loc["D_PAT", "transversal"]  # a scheme without participant is not
    assert transversality(model) == {"share": 0.5, "by_type": {"CTG": 1.0, "PAT": 0.0}}
    # A_CHA pilots the CTG (social sector) only: no bridge without a local-development scheme.
    assert bridging_actors(model) == []


def test_les_deux_counts_for_both_fields():
    sheets = minimal_sheets()
    sheets["participations"] = []
    sheets["dispositifs"][1]["pilote"] = "A_CHA"
    model = model_of(sheets)
    fields = scheme_fields(model)
    # D_CTG has only its pilote A_CC, of les_deux: social and local development at once.
    assert fields.loc["D_CTG", ["social", "developpement_local", "transversal"]].all()
    # D_PAT has only A_CHA (developpement_local).
    assert not fields.loc["D_PAT", "social"] and fields.loc["D_PAT", "developpement_local"]
    assert transversality(model)["share"] == 0.5


def test_missing_entry_stage_is_left_out_of_late_funders():
    sheets = minimal_sheets()
    sheets["participations"].append(
        {"dispositif": "D_PAT", "acteur": "A_CS", "role": "partenaire_financier"}
    )
    assert late_funders(model_of(sheets)) == 0.5  # still 1 late of the 2 with a stage
    for row in sheets["participations"]:
        row.pop("stade_entree", None)
    assert late_funders(model_of(sheets)) is None  # funders, but no stage known


def test_no_funder_gives_none():
    sheets = minimal_sheets()
    sheets["participations"] = [
        row for row in sheets["participations"] if row["role"] != "partenaire_financier"
    ]
    assert late_funders(model_of(sheets)) is None


def test_no_scheme_in_scope():
    model = model_of(minimal_sheets()).restrict(scheme_types=["GMR"])
    assert transversality(model) == {"share": 0.0, "by_type": {}}
    assert bridging_actors(model) == []
    assert late_funders(model) is None


def test_restricted_to_types():
    model = model_of(minimal_sheets()).restrict(scheme_types=["PAT"])
    assert transversality(model) == {"share": 1.0, "by_type": {"PAT": 1.0}}
    assert bridging_actors(model) == []  # no social-sector scheme left
    assert late_funders(model) == 1.0  # the PAT's funder joined at mise_en_oeuvre


# ----- random workbooks against a naive computation written here ------------------------

FIELDS = ["social", "developpement_local", "les_deux"]
TYPES = ["CTG", "GMR", "PAT", "LEADER", "AUTRE"]
SECTOR = {
    "CTG": "social",
    "GMR": "social",
    "PAT": "developpement_local",
    "LEADER": "developpement_local",
}
ROLES = ["copilote", "partenaire_technique", "partenaire_financier", "operateur", "participant"]
STAGES = ["emergence", "mise_en_oeuvre", "evaluation", None]


def random_sheets(seed):
    rng = random.Random(seed)
    sheets = minimal_sheets()
    actors = [
        {
            "id": f"A{i}",
            "nom": f"Acteur {i}",
            "categorie": "association",
            "champ": rng.choice(FIELDS),
        }
        for i in range(rng.randint(3, 15))
    ]
    schemes = []
    for i in range(rng.randint(1, 10)):
        kind = rng.choice(TYPES)
        row = {
            "id": f"D{i}",
            "nom": f"Dispositif {i}",
            "type": kind,
            "perimetre": rng.choice(["P_EPCI", "P_CAS", "P_PAT"]),
            "pilote": rng.choice([None, *(a["id"] for a in actors)]),
        }
        if kind == "AUTRE":
            row["secteur"] = rng.choice(["social", "developpement_local", None])
        schemes.append(row)
    participations = [
        {
            "dispositif": rng.choice(schemes)["id"],
            "acteur": rng.choice(actors)["id"],
            "role": rng.choice(ROLES),
            "stade_entree": rng.choice(STAGES),
        }
        for _ in range(rng.randint(0, 30))
    ]
    sheets.update(acteurs=actors, dispositifs=schemes, participations=participations)
    sheets.pop("blocages")
    return sheets


def naive(sheets):
    champ = {a["id"]: a["champ"] for a in sheets["acteurs"]}
    sector = {d["id"]: SECTOR.get(d["type"], d.get("secteur")) for d in sheets["dispositifs"]}
    people = {d["id"]: set() for d in sheets["dispositifs"]}
    links = set()
    for d in sheets["dispositifs"]:
        if d["pilote"]:
            people[d["id"]].add(d["pilote"])
            links.add((d["pilote"], d["id"]))
    for p in sheets["participations"]:
        people[p["dispositif"]].add(p["acteur"])
        links.add((p["acteur"], p["dispositif"]))
    transversal = {}
    for scheme, members in people.items():
        fields = {champ[a] for a in members}
        transversal[scheme] = "les_deux" in fields or {"social", "developpement_local"} <= fields
    by_type = {}
    for d in sheets["dispositifs"]:
        by_type.setdefault(d["type"], []).append(transversal[d["id"]])
    sectors_of = {}
    for actor, scheme in links:
        sectors_of.setdefault(actor, set()).add(sector[scheme])
    bridges = sorted(a for a, s in sectors_of.items() if {"social", "developpement_local"} <= s)
    stages = [
        p["stade_entree"]
        for p in sheets["participations"]
        if p["role"] == "partenaire_financier" and p["stade_entree"]
    ]
    late = sum(s != "emergence" for s in stages) / len(stages) if stages else None
    return (
        sum(transversal.values()) / len(transversal),
        {t: sum(v) / len(v) for t, v in by_type.items()},
        bridges,
        late,
    )


@pytest.mark.parametrize("seed", range(12))
def test_random_workbooks_match_a_naive_computation(seed):
    sheets = random_sheets(seed)
    model = model_of(sheets)
    share, by_type, bridges, late = naive(sheets)
    result = transversality(model)
    assert result["share"] == pytest.approx(share)
    assert result["by_type"] == pytest.approx(by_type)
    assert bridging_actors(model) == bridges
    assert late_funders(model) == (None if late is None else pytest.approx(late))


def test_bridging_schemes_lists_what_each_relay_links():
    """The phone's list instead of the network: each relay with the schemes of each field."""
    from maillage.transversality import bridging_schemes

    model = model_of(minimal_sheets())
    table = bridging_schemes(model)
    assert list(table.index) == bridging_actors(model)  # A_CAF and A_CC here, tied on count
    for actor in table.index:
        mine = set(model.participations.loc[model.participations["acteur"] == actor, "dispositif"])
        social = sorted(
            model.schemes.loc[
                [s for s in mine if model.schemes.loc[s, "sector"] == "social"], "nom"
            ]
        )
        local = sorted(
            model.schemes.loc[
                [s for s in mine if model.schemes.loc[s, "sector"] == "developpement_local"], "nom"
            ]
        )
        assert table.loc[actor, "social"] == " ; ".join(social)
        assert table.loc[actor, "developpement_local"] == " ; ".join(local)
