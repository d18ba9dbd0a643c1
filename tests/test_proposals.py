"""Pistes d'action (SPEC §3.2): each rule planted in a small workbook read by the real reader,
its proposals written by hand; the folding rule; ids; and random workbooks against a naive
implementation written here with Python sets."""

from __future__ import annotations

import random
from datetime import date
from itertools import combinations

import pytest

from maillage.demo import DEMO_FILE
from maillage.model import build_model
from maillage.proposals import RULES, build_proposals, ids, proposal_ids
from maillage.publishing import check
from maillage.validation import validate
from maillage.workbook import read_paths
from tests.workbooks import xlsx_bytes

TODAY = date(2026, 1, 1)
# Real communes of the Allier (all in CA Montluçon Communauté, SIREN 200071082, except the
# last four), with populations chosen here so that sums are checkable by hand.
POPULATION = {
    "03007": 100,
    "03098": 200,
    "03101": 300,
    "03136": 400,
    "03140": 500,
    "03185": 600,
    "03190": 700,
    "03013": 800,
    "03023": 900,
    "03056": 1000,
}
MONTLUCON = "200071082"
P1 = "03007;03098;03101;03136"  # 1 000 inhabitants


def actor(aid, champ="les_deux", **extra):
    return {"id": aid, "nom": f"Acteur {aid}", "categorie": "association", "champ": champ, **extra}


def scheme(sid, perimeter, pilote, type_="CTG", **extra):
    return {
        "id": sid,
        "nom": f"Dispositif {sid}",
        "type": type_,
        "perimetre": perimeter,
        "pilote": pilote,
        **extra,
    }


def sheets_of(actors, perimeters, schemes, participations=(), blockages=()):
    sheets = {
        "acteurs": list(actors),
        "perimetres": [
            {"id": pid, "nom": f"Territoire {pid}", "type": kind, "communes": codes}
            for pid, (kind, codes) in perimeters.items()
        ],
        "dispositifs": list(schemes),
        "communes": [{"code": c, "population": p} for c, p in POPULATION.items()],
    }
    if participations:
        sheets["participations"] = [
            {"dispositif": d, "acteur": a, "role": r, **extra}
            for d, a, r, *more in participations
            for extra in [more[0] if more else {}]
        ]
    if blockages:
        sheets["blocages"] = list(blockages)
    return sheets


def model_of(sheets):
    _, validation = check([("classeur.xlsx", xlsx_bytes(sheets))])
    assert validation.valid, validation.problems
    return build_model(validation.tables)


def proposals_of(sheets, perimeter=None):
    model = model_of(sheets)
    if perimeter:
        model = model.restrict(perimeter=perimeter)
    return {p.id: p for p in build_proposals(model, TODAY)}


# ----- one rule at a time ------------------------------------------------------------------------


def test_nothing_to_propose_when_no_rule_applies():
    """One scheme, its pilote for only participant, no blockage: no rule can apply."""
    found = proposals_of(sheets_of([actor("A")], {"P": ("autre", P1)}, [scheme("D", "P", "A")]))
    assert found == {}


def test_mutualiser_a_pooling_pair():
    sheets = sheets_of(
        [actor("A_CC"), actor("A_MSA"), actor("A_CAF", "social")],
        {"P": ("autre", P1)},
        [
            scheme(
                "D_CTG",
                "P",
                "A_CC",
                debut="01/01/2024",
                fin="31/12/2026",
                thematiques="enfance_jeunesse;sante",
                stade="mise_en_oeuvre",
            ),
            scheme(
                "D_GMR",
                "P",
                "A_MSA",
                "GMR",
                debut="01/01/2025",
                fin="31/12/2027",
                thematiques="enfance_jeunesse;mobilite",
                stade="emergence",
            ),
        ],
        [("D_CTG", "A_CAF", "participant"), ("D_GMR", "A_CAF", "participant")],
    )
    found = proposals_of(sheets)
    assert list(found) == ["mutualiser:D_CTG+D_GMR"]
    p = found["mutualiser:D_CTG+D_GMR"]
    assert (p.rule, p.lever) == ("mutualiser", "dispositifs_transversaux")
    assert p.schemes == ("D_CTG", "D_GMR") and p.actors == ("A_CC", "A_MSA")
    assert (p.communes, p.population) == (4, 1000)
    # 01/01/2025..31/12/2026 in common: 730 days, of which 2026 (365 days) still to run.
    assert p.evidence["shared_days"] == 730 and p.evidence["remaining_days"] == 365
    assert p.evidence["themes"] == ["enfance_jeunesse"]
    assert p.evidence["common_actors"] == 1 and p.evidence["overlap"] == 1.0
    assert p.title == (
        "Mutualiser la gouvernance et le diagnostic de «\u00a0Dispositif D_CTG"
        "\u00a0» et de «\u00a0Dispositif D_GMR\u00a0»\u00a0: mêmes 4\u00a0communes,"
        " 2\u00a0ans de calendrier commun, thème enfance et jeunesse en commun"
    )
    assert "Acteur A_CC" in p.explanation and "D_CTG" not in p.explanation.replace(
        "Dispositif D_CTG", ""
    )
    factors = {f.name: f for f in p.factors}
    assert list(factors) == ["strength", "reach", "calendar", "stage", "blockages"]
    assert factors["strength"].value == pytest.approx(0.75)  # overlap 1 × (½ + ½ · 1 theme / 2)
    assert factors["calendar"].value == pytest.approx(365 / (3 * 365))
    assert factors["stage"].value == pytest.approx((0.7 + 1.0) / 2)
    assert factors["reach"].value == pytest.approx(1.0)  # the pair covers the whole territory
    assert p.score == pytest.approx(sum(f.points for f in p.factors))


def test_se_rencontrer_side_by_side_pair():
    sheets = sheets_of(
        [actor("A1"), actor("A2")],
        {"P1": ("autre", P1), "P2": ("autre", "03007;03098;03101")},
        [scheme("D_A", "P1", "A1"), scheme("D_B", "P2", "A2", "PAT")],
    )
    found = proposals_of(sheets)
    assert list(found) == ["se_rencontrer:D_A+D_B"]
    p = found["se_rencontrer:D_A+D_B"]
    assert p.lever == "faire_reseau" and p.actors == ("A1", "A2")
    assert (p.communes, p.population) == (3, 600)
    assert p.evidence["overlap"] == 1.0 and p.evidence["common_actors"] == 0
    assert p.title.startswith("Faire se rencontrer les pilotes de «\u00a0Dispositif D_A\u00a0»")
    assert "aucun acteur en commun" in p.title


def wide_scheme_sheets(small_count):
    """W covers the 10 communes; each small scheme two of them; no actor in common."""
    codes = sorted(POPULATION)
    perimeters = {"P_ALL": ("autre", ";".join(codes))}
    schemes = [scheme("W", "P_ALL", "AW")]
    actors = [actor("AW")]
    for i in range(small_count):
        perimeters[f"P{i}"] = ("autre", ";".join(codes[2 * i : 2 * i + 2]))
        schemes.append(scheme(f"S{i}", f"P{i}", f"A{i}", "PAT"))
        actors.append(actor(f"A{i}"))
    return sheets_of(actors, perimeters, schemes)


def test_articuler_folds_the_pairs_of_a_wide_scheme():
    found = proposals_of(wide_scheme_sheets(4))
    assert list(found) == ["articuler:W"]
    p = found["articuler:W"]
    assert p.evidence["pairs"] == 4 and p.evidence["side_by_side_not_crossing"] == 4
    assert p.evidence["partners"] == ["S0", "S1", "S2", "S3"]
    assert p.folded == (
        "se_rencontrer:S0+W",
        "se_rencontrer:S1+W",
        "se_rencontrer:S2+W",
        "se_rencontrer:S3+W",
    )
    assert p.schemes == ("S0", "S1", "S2", "S3", "W")
    assert p.actors == ("A0", "A1", "A2", "A3", "AW")
    # 03007, 03013, 03023, 03056, 03098, 03101, 03136, 03140: the small schemes' communes
    assert (p.communes, p.population) == (8, 100 + 800 + 900 + 1000 + 200 + 300 + 400 + 500)
    assert not any("W" in q.schemes for q in found.values() if q.rule != "articuler")


def test_three_pairs_are_not_folded():
    found = proposals_of(wide_scheme_sheets(3))
    assert sorted(found) == ["se_rencontrer:S0+W", "se_rencontrer:S1+W", "se_rencontrer:S2+W"]


def test_partager_diagnostic_at_most_two_years_apart():
    sheets = sheets_of(
        [actor("A1"), actor("A2"), actor("A3"), actor("A_C")],
        {"P": ("autre", P1)},
        [
            scheme("D1", "P", "A1", annee_diagnostic=2022),
            scheme("D2", "P", "A2", "GMR", annee_diagnostic=2024),
            scheme("D3", "P", "A3", "CLS", annee_diagnostic=2019),
        ],
        [("D1", "A_C", "participant"), ("D2", "A_C", "participant"), ("D3", "A_C", "participant")],
    )
    found = proposals_of(sheets)
    assert list(found) == ["partager_diagnostic:D1+D2"]
    p = found["partager_diagnostic:D1+D2"]
    assert p.lever == "methodes_communes" and p.actors == ("A1", "A2")
    assert (p.evidence["year_a"], p.evidence["year_b"], p.evidence["years_apart"]) == (
        2022,
        2024,
        2,
    )
    assert p.evidence["shared_communes"] == 4 and p.population == 1000
    assert "diagnostics en 2022 et 2024" in p.title


def test_financeurs_des_emergence():
    sheets = sheets_of(
        [
            actor("A1"),
            actor("A2"),
            actor("A3"),
            actor("A_C"),
            {**actor("A_CD"), "categorie": "collectivite"},
        ],
        {"P1": ("autre", P1), "P3": ("autre", "03190;03013")},
        [
            scheme("D1", "P1", "A1", stade="mise_en_oeuvre"),
            scheme("D2", "P1", "A2", "GMR", stade="emergence"),
            scheme("D3", "P3", "A3", stade="emergence"),
        ],
        [
            ("D1", "A_C", "participant"),
            ("D2", "A_C", "participant"),
            ("D1", "A_CD", "partenaire_financier", {"stade_entree": "mise_en_oeuvre"}),
            ("D3", "A_C", "partenaire_financier", {"stade_entree": "emergence"}),
        ],
    )
    found = proposals_of(sheets)
    assert list(found) == ["financeurs_des_emergence:A_CD"]
    p = found["financeurs_des_emergence:A_CD"]
    assert p.lever == "faire_reseau"
    assert p.evidence["late_schemes"] == ["D1"]
    assert p.evidence["entry_stages"] == {"D1": "mise_en_oeuvre"}
    # D2 emerges on A_CD's communes (those of D1) without it; D3 emerges elsewhere.
    assert p.evidence["emerging_schemes_without_it"] == ["D2"]
    assert p.schemes == ("D1", "D2") and p.actors == ("A2", "A_CD")
    assert (p.communes, p.population) == (4, 1000)


def test_ouvrir_a_l_autre_champ_names_three_actors_of_the_missing_field():
    """A PAT run by local development alone; social actors act on its communes by their
    ressort (A_S2: 4 communes, A_S3: 2), their seat (A_S1 with a common theme, A_S5 without);
    A_S4 sits outside."""
    sheets = sheets_of(
        [
            actor("A_LD", "developpement_local"),
            actor("A_S1", "social", commune="03007", thematiques="alimentation"),
            actor("A_S2", "social", ressort="P"),
            actor("A_S3", "social", ressort="P_SMALL"),
            actor("A_S4", "social", commune="03190"),
            actor("A_S5", "les_deux", commune="03098"),
        ],
        {"P": ("autre", P1), "P_SMALL": ("autre", "03007;03098")},
        [scheme("D_PAT", "P", "A_LD", "PAT", thematiques="alimentation;economie")],
    )
    found = proposals_of(sheets)
    assert sorted(found) == [
        f"couvrir_communes_blanches:{MONTLUCON}",
        "integrer_isoles:territoire",
        "ouvrir_a_l_autre_champ:D_PAT",
    ]
    p = found["ouvrir_a_l_autre_champ:D_PAT"]
    assert p.actors == ("A_S2", "A_S3", "A_S1")
    assert p.evidence["missing_field"] == "social"
    assert p.evidence["candidates"] == [
        {"actor": "A_S2", "shared_communes": 4, "common_themes": 0},
        {"actor": "A_S3", "shared_communes": 2, "common_themes": 0},
        {"actor": "A_S1", "shared_communes": 1, "common_themes": 1},
    ]
    assert p.title == (
        "Ouvrir «\u00a0Dispositif D_PAT\u00a0» au social\u00a0: y associer "
        "«\u00a0Acteur A_S2\u00a0», «\u00a0Acteur A_S3\u00a0» et "
        "«\u00a0Acteur A_S1\u00a0»"
    )
    blank = found[f"couvrir_communes_blanches:{MONTLUCON}"]
    assert blank.evidence["blank_communes"] == ["03007", "03098", "03101", "03136"]
    assert blank.evidence["epci_name"] == "CA Montluçon Communauté"
    assert (blank.communes, blank.population) == (4, 1000)
    assert blank.actors == ("A_S2", "A_S3", "A_S1")  # social actors there, most communes first
    assert "«\u00a0CA Montluçon Communauté\u00a0»" in blank.title
    isolated = found["integrer_isoles:territoire"]
    assert isolated.actors == ("A_S1", "A_S2", "A_S3", "A_S4", "A_S5")


def test_personnes_relais():
    """A_B takes part in a CTG and a PAT: the one bridging actor; the social-only CLS on a
    neighbouring perimeter meets its communes."""
    sheets = sheets_of(
        [actor("A_X"), actor("A_Y"), actor("A_B"), actor("A_SOC", "social")],
        {"P1": ("autre", P1), "P2": ("autre", "03136;03140;03185")},
        [
            scheme("D_CTG", "P1", "A_X"),
            scheme("D_PAT", "P1", "A_Y", "PAT"),
            scheme("D_CLS", "P2", "A_SOC", "CLS"),
        ],
        [("D_CTG", "A_B", "participant"), ("D_PAT", "A_B", "participant")],
    )
    found = proposals_of(sheets)
    assert sorted(found) == ["ouvrir_a_l_autre_champ:D_CLS", "personnes_relais:territoire"]
    p = found["personnes_relais:territoire"]
    assert p.actors == ("A_B",) and p.lever == "personnes_relais"
    assert p.evidence["bridging_actors"] == 1
    relay = p.evidence["relays"][0]
    assert relay["actor"] == "A_B" and relay["could_join"] == ["D_CLS"] and relay["degree"] == 2
    # Of the 3 pairs of other actors (A_SOC is alone), only A_X – A_Y passes through A_B.
    assert relay["betweenness"] == pytest.approx(1 / 3)
    opening = found["ouvrir_a_l_autre_champ:D_CLS"]
    assert opening.actors == ("A_B", "A_X", "A_Y")  # one shared commune each: by id
    scoped = proposals_of(sheets, perimeter="P1")
    assert "personnes_relais:P1" in scoped


def test_coordonner_ressorts_epci_cut_by_circonscriptions():
    sheets = sheets_of(
        [actor("A", ressort="C1"), actor("B")],
        {
            "E1": ("epci", "03007;03098"),
            "E2": ("epci", "03101;03136"),
            "E3": ("epci", "03140"),
            "C1": ("circonscription_action_sociale", "03007;03101;03140"),
            "C2": ("circonscription_action_sociale", "03098;03136"),
        },
        [scheme("D", "E1", "B"), scheme("D2", "E2", "B"), scheme("D3", "E3", "B")],
        [("D", "A", "participant")],
    )
    found = proposals_of(sheets)
    assert list(found) == ["coordonner_ressorts:circonscription_action_sociale"]
    p = found["coordonner_ressorts:circonscription_action_sociale"]
    assert p.perimeters == ("E1", "E2") and p.actors == ("A",)
    assert p.evidence["split_rate"] == pytest.approx(2 / 3)
    assert p.evidence["epci"] == 3 and p.population == 1000
    assert "2 des 3\u00a0EPCI sont coupés entre plusieurs circonscriptions" in p.title


def test_coordonner_ressorts_says_one_of_one_and_all_plainly():
    """« 1 des 1 EPCI est coupé » read badly: the only EPCI, or all of them."""

    def title(epcis):
        sheets = sheets_of(
            [actor("A", ressort="C1"), actor("B")],
            {
                **epcis,
                "C1": ("circonscription_action_sociale", "03007;03101"),
                "C2": ("circonscription_action_sociale", "03098;03136"),
            },
            [scheme(f"D{i}", e, "B") for i, e in enumerate(epcis)],
            [("D0", "A", "participant")],
        )
        return proposals_of(sheets)["coordonner_ressorts:circonscription_action_sociale"].title

    assert title({"E1": ("epci", "03007;03098")}) == (
        "Coordonner les ressorts\u00a0: le seul EPCI du territoire est coupé entre plusieurs "
        "circonscriptions d’action sociale"
    )
    assert title({"E1": ("epci", "03007;03098"), "E2": ("epci", "03101;03136")}) == (
        "Coordonner les ressorts\u00a0: les 2\u00a0EPCI sont tous coupés entre plusieurs "
        "circonscriptions d’action sociale"
    )


def test_lever_blocage_groups_open_blockages_without_lever():
    def blockage(bid, category, **extra):
        return {"id": bid, "categorie": category, "description": f"Les mots {bid}", **extra}

    sheets = sheets_of(
        [actor("A")],
        {"P": ("autre", P1)},
        [scheme("D", "P", "A")],
        blockages=[
            blockage("B1", "methode", territoire="P"),
            blockage("B2", "methode", territoire="P", statut="en_cours"),
            blockage("B3", "methode", territoire="P", statut="leve"),
            blockage("B4", "methode", territoire="P", levier="legitimer"),
            blockage("B5", "moyens", dispositif="D"),
            blockage("B6", "moyens"),
        ],
    )
    found = proposals_of(sheets)
    assert sorted(found) == [
        "lever_blocage:P+methode",
        "lever_blocage:P+moyens",
        "lever_blocage:moyens+territoire",
    ]
    p = found["lever_blocage:P+methode"]
    assert p.evidence["blockages"] == ["B1", "B2"]
    assert p.levers == ("methodes_communes", "legitimer")
    assert p.evidence["statuses"] == {"ouvert": 1, "en_cours": 1}
    assert found["lever_blocage:P+moyens"].evidence["blockages"] == ["B5"]  # via its scheme
    assert found["lever_blocage:P+moyens"].actors == ("A",)  # the pilot of its scheme
    assert found["lever_blocage:moyens+territoire"].evidence["blockages"] == ["B6"]
    # B1, B2 (their category's levers) and B4 (its lever, legitimer) are open on its communes.
    factors = {f.name: f for f in p.factors}
    assert factors["blockages"].value == pytest.approx(3 / 5)
    assert factors["blockages"].detail == "3\u00a0blocages (B1, B2, B4)"


def test_associer_habitants_and_integrer_isoles():
    sheets = sheets_of(
        [
            actor("A"),
            actor("C1", forme="collectif_habitants", commune="03007"),
            actor("C2", forme="collectif_habitants"),
            actor("I1", "social", commune="03190"),
        ],
        {"P": ("autre", P1)},
        [scheme("D", "P", "A")],
        [("D", "C2", "participant")],
    )
    found = proposals_of(sheets)
    assert sorted(found) == ["associer_habitants:territoire", "integrer_isoles:territoire"]
    habitants = found["associer_habitants:territoire"]
    assert habitants.actors == ("C1",) and habitants.lever == "besoins_habitants"
    assert habitants.schemes == ("D",)  # the scheme that covers its commune
    assert habitants.title == (
        "Associer 1\u00a0collectif d’habitants aux dispositifs\u00a0: «\u00a0Acteur C1\u00a0»"
    )
    assert found["integrer_isoles:territoire"].actors == ("I1",)


def test_ids_follow_the_data_not_the_words():
    """Renaming actors and schemes changes sentences, never ids."""
    sheets = wide_scheme_sheets(2)
    before = proposals_of(sheets)
    for row in sheets["acteurs"] + sheets["dispositifs"]:
        row["nom"] = row["nom"].upper()
    after = proposals_of(sheets)
    assert sorted(before) == sorted(after) == ["se_rencontrer:S0+W", "se_rencontrer:S1+W"]
    assert before["se_rencontrer:S0+W"].title != after["se_rencontrer:S0+W"].title


def test_sorted_best_first_ties_by_id():
    proposals = build_proposals(model_of(wide_scheme_sheets(3)), TODAY)
    keys = [(-p.score, p.id) for p in proposals]
    assert keys == sorted(keys)


# ----- random workbooks against a naive implementation ---------------------------------------

CODES = sorted(POPULATION)
THEMES = ["sante", "mobilite", "alimentation"]


def random_sheets(seed):
    rng = random.Random(seed)
    perimeters = {
        f"P{i}": ("autre", ";".join(sorted(rng.sample(CODES, rng.randint(1, 6))))) for i in range(6)
    }
    actors = [
        actor(
            f"A{i}",
            rng.choice(["social", "developpement_local", "les_deux"]),
            commune=rng.choice([*CODES, None]),
        )
        for i in range(8)
    ]
    schemes = []
    for i in range(rng.randint(6, 12)):
        start = date(2023, 1, 1).toordinal() + rng.randint(0, 900)
        schemes.append(
            scheme(
                f"D{i:02d}",
                rng.choice(sorted(perimeters)),
                rng.choice([a["id"] for a in actors]),
                rng.choice(["CTG", "PAT", "CLS", "LEADER"]),
                debut=date.fromordinal(start).strftime("%d/%m/%Y"),
                fin=date.fromordinal(start + rng.randint(0, 1200)).strftime("%d/%m/%Y"),
                thematiques=";".join(rng.sample(THEMES, rng.randint(0, 2))) or None,
                annee_diagnostic=rng.choice([2019, 2020, 2021, 2022, 2023, None]),
            )
        )
    participations = sorted(
        {(rng.choice(schemes)["id"], rng.choice(actors)["id"], "participant") for _ in range(12)}
    )
    return sheets_of(actors, perimeters, schemes, participations), perimeters


def naive_pairs(sheets, perimeters):
    communes = {pid: set(codes.split(";")) for pid, (_, codes) in perimeters.items()}
    members = {}
    for s in sheets["dispositifs"]:
        members.setdefault(s["id"], set()).add(s["pilote"])
    for link in sheets.get("participations", []):
        members.setdefault(link["dispositif"], set()).add(link["acteur"])

    def day(text):
        return date(*map(int, reversed(text.split("/"))))

    schemes = {s["id"]: s for s in sheets["dispositifs"]}
    found = {}
    for a, b in combinations(sorted(schemes), 2):
        x, y = schemes[a], schemes[b]
        cx, cy = communes[x["perimetre"]], communes[y["perimetre"]]
        shared = cx & cy
        overlap = len(shared) / min(len(cx), len(cy))
        if overlap < 0.5:
            continue
        days = max(
            (min(day(x["fin"]), day(y["fin"])) - max(day(x["debut"]), day(y["debut"]))).days + 1, 0
        )
        themes = set((x["thematiques"] or "").split(";")) & set(
            (y["thematiques"] or "").split(";")
        ) - {""}
        years = (x["annee_diagnostic"], y["annee_diagnostic"])
        found[(a, b)] = {
            "shared_communes": len(shared),
            "overlap": overlap,
            "shared_population": sum(POPULATION[c] for c in shared),
            "shared_days": days,
            "pooling": days > 0 and bool(themes),
            "apart": not members[a] & members[b],
            "diagnostic": None not in years and abs(years[0] - years[1]) <= 2,
            "sizes": (len(cx), len(cy)),
        }
    return found


@pytest.mark.parametrize("seed", range(6))
def test_evidence_matches_a_naive_computation(seed):
    sheets, perimeters = random_sheets(seed)
    proposals = build_proposals(model_of(sheets), TODAY)
    pairs = naive_pairs(sheets, perimeters)
    listed = {p.id: p for p in proposals}
    folded = {i for p in proposals for i in p.folded}
    for (a, b), want in pairs.items():
        for rule, flag in (
            ("mutualiser", "pooling"),
            ("se_rencontrer", "apart"),
            ("partager_diagnostic", "diagnostic"),
        ):
            pid = f"{rule}:{a}+{b}"
            assert (pid in listed or pid in folded) == want[flag], (pid, want)
            if pid in listed:
                evidence = listed[pid].evidence
                assert evidence["shared_communes"] == want["shared_communes"]
                assert evidence["shared_population"] == want["shared_population"]
                assert evidence["overlap"] == pytest.approx(want["overlap"])
                if rule == "mutualiser":
                    assert evidence["shared_days"] == want["shared_days"]
    flagged = [(ab, w) for ab, w in pairs.items() if w["pooling"] or w["apart"]]
    larger = {}  # a scheme is wide when it is the larger in more than 3 flagged pairs
    for (a, b), want in flagged:
        if want["sizes"][0] != want["sizes"][1]:
            wide = a if want["sizes"][0] > want["sizes"][1] else b
            larger[wide] = larger.get(wide, 0) + 1
    wide = sorted(s for s, n in larger.items() if n > 3)
    assert sorted(p.id for p in proposals if p.rule == "articuler") == [
        f"articuler:{s}" for s in wide
    ]
    assert not any(
        p.rule in ("mutualiser", "se_rencontrer") and set(p.schemes) & set(wide) for p in proposals
    )
    keys = [(-p.score, p.id) for p in proposals]
    assert keys == sorted(keys)


def test_every_lever_is_quoted_from_cap_rural_2023():
    """Each lever's quotation is a line of the report's « Agir concrètement » (apostrophes
    made typographic), and every rule and factor has its French label."""
    from pathlib import Path

    from maillage.proposals import RULES, WEIGHTS
    from maillage.proposals.wording import FACTOR_LABELS, LEVER_QUOTES, RULE_LABELS
    from maillage.texts import LABELS
    from maillage.vocabularies import VOCABULARIES

    report = next(
        (Path(__file__).resolve().parents[2] / "shared" / "context").glob("cap-rural-2023-*.txt"),
        None,
    )
    assert set(LEVER_QUOTES) == set(VOCABULARIES["lever"]) == set(LABELS["lever"])
    assert set(RULE_LABELS) == set(RULES) and set(FACTOR_LABELS) == set(WEIGHTS)
    if report is None:
        pytest.skip("the Cap Rural report is not beside this checkout")
    text = report.read_text(encoding="utf-8").replace("'", "’").replace("...", "…")
    start = text.rindex("03_ Agir concrètement")
    part = text[start : text.index("04_ Mieux identifier", start)]
    for lever, quote in LEVER_QUOTES.items():
        assert quote.rstrip(".") in part, lever


def test_a_filter_on_scheme_types_still_ranks_every_proposal(store):
    """A blockage can name a scheme the type filter left out: found in a real browser, where
    Synthèse on « CTG, GMR » of one circonscription raised a KeyError."""
    from maillage.demo import publish_demo

    publish_demo(store)
    model = build_model(store.load("demo")).restrict("cas_moulins", ["CTG", "GMR"])
    found = build_proposals(model, date(2026, 12, 1))
    assert found
    assert all(0 <= p.score <= 100 for p in found)


# ----- the ids alone, as the comparison of two versions reads them ---------------------------


def ids_both_ways(model):
    """(the ids found without drafts, the ids of the ranked proposals) of a fresh model."""
    alone = ids.proposal_ids(model, TODAY)  # before any draft is memoised on the model
    return alone, sorted(p.id for p in build_proposals(model, TODAY))


@pytest.mark.parametrize("seed", range(12))
def test_ids_alone_are_the_ids_of_the_proposals_random(seed):
    sheets, _ = random_sheets(seed)
    alone, ranked = ids_both_ways(model_of(sheets))
    assert alone == ranked
    assert proposal_ids(model_of(sheets), TODAY) == ranked  # the public entry point too


@pytest.mark.parametrize("small_count", [2, 3, 4, 5])
def test_ids_alone_are_the_ids_of_the_proposals_with_a_wide_scheme(small_count):
    alone, ranked = ids_both_ways(model_of(wide_scheme_sheets(small_count)))
    assert alone == ranked
    assert any(i.startswith("articuler:") for i in ranked) == (small_count > 3)


def test_ids_alone_are_the_ids_of_the_proposals_on_the_demo_and_its_territories():
    """The demo plants every rule; each of its EPCI and circonscriptions, and one scheme type
    alone, cut the rules' inputs differently."""
    demo = build_model(validate(read_paths([DEMO_FILE])).tables)
    alone, ranked = ids_both_ways(demo)
    assert alone == ranked
    assert {i.split(":")[0] for i in ranked} == set(RULES)  # every rule has something to say
    perimeters = demo.perimeters
    for pid in perimeters.index[
        perimeters["type"].isin(["epci", "circonscription_action_sociale"])
    ]:
        alone, ranked = ids_both_ways(
            build_model(validate(read_paths([DEMO_FILE])).tables).restrict(perimeter=pid)
        )
        assert alone == ranked, pid
    alone, ranked = ids_both_ways(demo.restrict(scheme_types=["CTG"]))
    assert alone == ranked
