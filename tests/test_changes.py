"""What changed between two versions (SPEC §3.3), on workbooks published through the real path.

Version 1 is the minimal workbook (tests/workbooks.py). Version 2 changes it by hand, one
kind of change at a time:
    acteurs        A_NEW (03101) and A_FAR (Vichy, outside every perimeter) added, A_CHA
                   removed, A_CS renamed and given a `referent` (unknown
                   column), its themes only reordered (no change)
    dispositifs    D_CTG ends a year later and gains the theme « mobilite »
    perimetres     P_CAS gains 03185 and 03190 — so does P_PAT, composed of P_EPCI + P_CAS
    participations A_CS's role in D_CTG goes from operateur to participant; A_CHA's goes
    blocages       B1 ouvert → leve, B3 en_cours → leve, B4 added
"""

import random

import pytest

from maillage.changes import Published, compare, headline
from maillage.indicators import spec_indicators
from maillage.model import build_model
from maillage.store import Store
from tests.apptests import publish
from tests.workbooks import minimal_sheets

B3 = {
    "id": "B3",
    "categorie": "methode",
    "description": "Pas de diagnostic partagé",
    "territoire": "P_CAS",
    "statut": "en_cours",
}


def first_version() -> dict:
    sheets = minimal_sheets()
    sheets["blocages"].append(dict(B3))
    return sheets


def second_version() -> dict:
    sheets = first_version()
    actors = {a["id"]: a for a in sheets["acteurs"]}
    del actors["A_CHA"]
    actors["A_CS"] = {
        **actors["A_CS"],
        "nom": "Centre social du Bocage bourbonnais",
        "thematiques": "culture;enfance_jeunesse",
        "referent": "Mme Martin",
    }
    actors["A_NEW"] = {
        "id": "A_NEW",
        "nom": "Épicerie solidaire",
        "categorie": "association",
        "champ": "social",
        "commune": "03101",
    }
    actors["A_FAR"] = {
        "id": "A_FAR",
        "nom": "Association de Vichy",
        "categorie": "association",
        "champ": "developpement_local",
        "commune": "03310",
    }
    sheets["acteurs"] = list(actors.values())
    ctg = sheets["dispositifs"][0]
    ctg.update(fin="31/12/2027", thematiques="enfance_jeunesse;sante;mobilite")
    sheets["perimetres"][1]["communes"] = "03098;03101;03140;03185;03190"
    sheets["participations"] = [p for p in sheets["participations"] if p["acteur"] != "A_CHA"]
    for p in sheets["participations"]:
        if p["acteur"] == "A_CS":
            p["role"] = "participant"
    for b in sheets["blocages"]:
        b["statut"] = "leve" if b["id"] in ("B1", "B3") else b["statut"]
    sheets["blocages"].append(
        {"id": "B4", "categorie": "moyens", "description": "Pas de local", "territoire": "P_EPCI"}
    )
    return sheets


def published(store: Store, version: int) -> Published:
    tables = store.load("principal", version)
    return Published(version, tables, build_model(tables))


@pytest.fixture
def two_versions(db_path):
    publish(db_path, first_version())
    publish(db_path, second_version())
    store = Store(db_path)
    return published(store, 1), published(store, 2)


def test_every_kind_of_change_written_by_hand(two_versions):
    old, new = two_versions
    result = compare(old, new, space="principal").as_json()
    assert (result["space"], result["from"], result["to"]) == ("principal", 1, 2)
    rows = result["rows"]
    assert rows["acteurs"] == {
        "added": ["A_FAR", "A_NEW"],
        "removed": ["A_CHA"],
        "modified": [
            {
                "id": "A_CS",
                "changes": {
                    "nom": ["Centre social du bocage", "Centre social du Bocage bourbonnais"],
                    "referent": [None, "Mme Martin"],
                },
            }
        ],
    }
    assert rows["dispositifs"] == {
        "added": [],
        "removed": [],
        "modified": [
            {
                "id": "D_CTG",
                "changes": {
                    "fin": ["2026-12-31", "2027-12-31"],
                    "thematiques": ["enfance_jeunesse;sante", "enfance_jeunesse;sante;mobilite"],
                },
            }
        ],
    }
    assert rows["perimetres"] == {
        "added": [],
        "removed": [],
        "modified": [
            {
                "id": "P_CAS",
                "changes": {"communes": ["03098;03101;03140", "03098;03101;03140;03185;03190"]},
            }
        ],
    }
    assert rows["participations"] == {
        "added": [["D_CTG", "A_CS", "participant"]],
        "removed": [["D_CTG", "A_CS", "operateur"], ["D_PAT", "A_CHA", "partenaire_technique"]],
        "modified": [],
    }
    assert rows["blocages"]["added"] == ["B4"] and rows["blocages"]["removed"] == []
    assert [m["id"] for m in rows["blocages"]["modified"]] == ["B1", "B3"]
    assert rows["blocages"]["modified"][0]["changes"] == {"statut": ["ouvert", "leve"]}
    assert result["perimeter_communes"] == {
        "P_CAS": {"added": ["03185", "03190"], "removed": []},
        "P_PAT": {"added": ["03185", "03190"], "removed": []},
    }
    assert result["blockage_status"] == [
        {"id": "B1", "from": "ouvert", "to": "leve"},
        {"id": "B3", "from": "en_cours", "to": "leve"},
    ]
    assert result["proposals"] == {"new": [], "resolved": []}


def test_indicators_are_those_of_each_version(two_versions):
    old, new = two_versions
    indicators = compare(old, new, space="principal").as_json()["indicators"]
    before, after = spec_indicators(old.model), spec_indicators(new.model)
    assert indicators == {name: [before[name], after[name]] for name in indicators}
    assert indicators["blank_communes"] == [["03140"], ["03140", "03185", "03190"]]
    assert indicators["coverage"][0][0]["communes_share"] == 0.8  # CTG: 4 of 5 communes
    assert indicators["coverage"][1][0]["communes_share"] == 4 / 7  # then 4 of 7
    assert indicators["blockages"][0]["lifted_share"] == pytest.approx(1 / 3)
    assert indicators["blockages"][1]["lifted_share"] == pytest.approx(3 / 4)
    assert set(indicators) >= {
        "coverage",
        "blank_communes",
        "transversality",
        "bridging_actors",
        "late_funders",
        "blockages",
    }


def test_the_headline_says_what_moved_in_french(two_versions):
    changes = compare(*two_versions, space="principal")
    assert headline(changes) == (
        "Depuis la version 1 : 2 acteurs ajoutés, 1 retiré et 1 modifié, 1 dispositif modifié, "
        "1 participation gagnée et 2 perdues, 1 blocage signalé, 2 périmètres redessinés, "
        "2 blocages levés et 2 communes blanches de plus."
    )
    same = compare(two_versions[1], two_versions[1], space="principal")
    assert same.empty and headline(same) == "Rien n’a changé entre la version 2 et la version 2."


def test_restricted_to_a_perimeter_nothing_outside_it(two_versions):
    changes = compare(*two_versions, space="principal", perimeter="P_EPCI").as_json()
    assert changes["perimeter_communes"] == {}  # P_CAS grew outside P_EPCI only
    assert changes["rows"]["acteurs"]["added"] == ["A_NEW"]  # not A_FAR, seated in Vichy
    assert changes["rows"]["perimetres"]["modified"] == []
    assert changes["indicators"]["blank_communes"] == [[], []]
    assert "A_FAR" not in str(changes) and "03185" not in str(changes)


def test_proposals_new_and_resolved_by_id(two_versions):
    def ids(model, _published_at):  # enough to test that proposals are compared by id
        return [f"rule:{a}" for a in model.actors.index]  # one "proposal" per actor

    proposals = compare(*two_versions, space="principal", proposal_ids=ids).proposals
    assert proposals.new == ("rule:A_FAR", "rule:A_NEW") and proposals.resolved == ("rule:A_CHA",)


# ----- randomized: against a naive diff of the rows written in the workbooks -------------------

COMMUNES = ["03007", "03098", "03101", "03136", "03140", "03185", "03190"]
THEMES = ["sante", "culture", "mobilite", "logement"]
FIELDS = ["social", "developpement_local", "les_deux"]
CATEGORIES = ["association", "collectivite", "organisme_public"]


def random_actor(rng: random.Random, actor_id: str) -> dict:
    row = {
        "id": actor_id,
        "nom": f"Structure {rng.randint(1, 5)}",
        "categorie": rng.choice(CATEGORIES),
        "champ": rng.choice(FIELDS),
        "commune": rng.choice(COMMUNES),
    }
    if rng.random() < 0.5:
        row["thematiques"] = ";".join(sorted(rng.sample(THEMES, rng.randint(1, 3))))
    if rng.random() < 0.5:
        row["note"] = rng.choice(["à revoir", "ok", "contact pris"])  # unknown column
    if rng.random() < 0.3:
        row["latitude"], row["longitude"] = rng.choice([46.1, 46.25]), 2.6
    return row


def mutate(rng: random.Random, row: dict) -> dict:
    row = dict(row)
    column = rng.choice(["nom", "categorie", "champ", "commune", "thematiques", "note", "latitude"])
    if column == "latitude":
        row["latitude"], row["longitude"] = rng.choice([46.1, 46.25, 46.4]), 2.6
    elif column == "thematiques" and row.get("thematiques") and rng.random() < 0.5:
        row["thematiques"] = ";".join(reversed(row["thematiques"].split(";")))  # same set
    else:
        fresh = random_actor(rng, row["id"])
        if column in fresh:
            row[column] = fresh[column]
        else:
            row.pop(column, None)
    return row


def random_versions(seed: int) -> tuple[dict, dict]:
    rng = random.Random(seed)
    base = minimal_sheets()
    base.pop("blocages")
    old_actors = [random_actor(rng, f"R{i:02d}") for i in range(30)]
    new_actors = [
        mutate(rng, a) if rng.random() < 0.4 else a for a in old_actors if rng.random() < 0.8
    ]
    new_actors += [random_actor(rng, f"N{i:02d}") for i in range(rng.randint(0, 6))]

    def participations(actors):
        pairs = {
            (d, a["id"], rng.choice(["operateur", "participant"]))
            for a in actors
            for d in ("D_CTG", "D_PAT")
            if rng.random() < 0.3
        }
        return [{"dispositif": d, "acteur": a, "role": r} for d, a, r in sorted(pairs)]

    old = {
        **base,
        "acteurs": base["acteurs"] + old_actors,
        "participations": participations(old_actors),
    }
    new = {
        **base,
        "acteurs": base["acteurs"] + new_actors,
        "participations": participations(new_actors),
    }
    return old, new


def naive_diff(old_rows: list[dict], new_rows: list[dict], key) -> dict:
    """Rows as dicts, compared the slow obvious way; `;`-lists of themes as sets."""

    def norm(column, value):
        if value in (None, ""):
            return None
        if column == "thematiques":
            return frozenset(value.split(";"))
        return value

    def shown(column, value):
        return None if value in (None, "") else value

    old = {key(r): r for r in old_rows}
    new = {key(r): r for r in new_rows}
    modified = []
    for k in sorted(old.keys() & new.keys()):
        columns = [c for c in dict.fromkeys([*new[k], *old[k]]) if c != "id"]
        changed = {
            c: [shown(c, old[k].get(c)), shown(c, new[k].get(c))]
            for c in columns
            if norm(c, old[k].get(c)) != norm(c, new[k].get(c))
        }
        if changed:
            modified.append({"id": k, "changes": changed})
    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "modified": modified,
    }


@pytest.mark.parametrize("seed", range(4))
def test_random_versions_against_a_naive_diff(db_path, seed):
    old_sheets, new_sheets = random_versions(seed)
    publish(db_path, old_sheets)
    publish(db_path, new_sheets)
    store = Store(db_path)
    result = compare(published(store, 1), published(store, 2), space="principal").as_json()

    def sort_changes(diff):  # same columns, order aside
        return {
            **diff,
            "modified": [
                {"id": m["id"], "changes": dict(sorted(m["changes"].items()))}
                for m in diff["modified"]
            ],
        }

    expected_actors = naive_diff(old_sheets["acteurs"], new_sheets["acteurs"], lambda r: r["id"])
    assert sort_changes(result["rows"]["acteurs"]) == sort_changes(expected_actors)

    def triple(r):
        return (r["dispositif"], r["acteur"], r["role"])

    expected = naive_diff(old_sheets["participations"], new_sheets["participations"], triple)
    assert result["rows"]["participations"] == {
        "added": [list(k) for k in expected["added"]],
        "removed": [list(k) for k in expected["removed"]],
        "modified": [],
    }
