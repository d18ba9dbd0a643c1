"""Overlaps (SPEC §3, §4): hand-checked workbooks, and random workbooks against a naive
pairwise implementation written here with Python sets."""

from __future__ import annotations

import json
import random
from datetime import date
from itertools import combinations

import pandas as pd
import pytest

from maillage.cli import main
from maillage.model import build_model
from maillage.overlaps import (
    duplicate_diagnostics,
    duplicate_governance,
    flagged_pairs,
    overlap_matrix,
    overlaps,
    overlaps_json,
    pooling_candidates,
    side_by_side_not_crossing,
)
from maillage.publishing import check
from tests.workbooks import minimal_sheets, write_xlsx, xlsx_bytes

# Real communes of the Allier, with populations chosen here so sums are checkable by hand.
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
    "03056": 0,
}


def model_of(sheets):
    _, validation = check([("classeur.xlsx", xlsx_bytes(sheets))])
    assert validation.valid, validation.problems
    return build_model(validation.tables)


def with_populations(sheets):
    sheets = dict(sheets)
    sheets["communes"] = [{"code": code, "population": pop} for code, pop in POPULATION.items()]
    return sheets


def actor(aid):
    return {"id": aid, "nom": aid, "categorie": "association", "champ": "social"}


def scheme(sid, perimeter, pilote=None, debut=None, fin=None, themes=None, **extra):
    return {
        "id": sid,
        "nom": f"Dispositif {sid}",
        "type": "CTG",
        "perimetre": perimeter,
        "pilote": pilote,
        "debut": debut,
        "fin": fin,
        "thematiques": themes,
        **extra,
    }


def workbook(perimeters, schemes, participations=(), actors=("A1", "A2", "A3")):
    return with_populations(
        {
            "acteurs": [actor(a) for a in actors],
            "perimetres": [
                {"id": pid, "nom": pid, "type": "autre", **items}
                for pid, items in perimeters.items()
            ],
            "dispositifs": list(schemes),
            "participations": [
                {"dispositif": d, "acteur": a, "role": "participant"} for d, a in participations
            ]
            or [{"dispositif": schemes[0]["id"], "acteur": "A3", "role": "participant"}],
        }
    )


def row(frame, a, b):
    found = frame[(frame["a"] == a) & (frame["b"] == b)]
    assert len(found) == 1, f"no single row for {a}, {b}"
    return found.iloc[0]


# ----- hand-checked cases ---------------------------------------------------------------------


def test_minimal_workbook_composition_perimeter():
    """D_PAT lies on P_PAT = P_EPCI ∪ P_CAS (composition): it contains the 4 communes of D_CTG."""
    frame = overlaps(model_of(with_populations(minimal_sheets())))
    assert len(frame) == 1
    pair = row(frame, "D_CTG", "D_PAT")
    assert pair["shared_communes"] == 4
    assert pair["overlap"] == 1.0  # 4 / min(4, 5)
    assert pair["shared_population"] == 100 + 200 + 300 + 400
    # 01/06/2024–31/12/2025 inside 2023–2026: 214 days of 2024 + 365 of 2025
    assert pair["shared_days"] == 214 + 365
    assert pair["common_actors"] == 2  # A_CC, pilote of both, and A_CAF
    assert pair["common_themes"] == 1  # sante
    assert bool(pair["pooling_candidate"])
    assert not bool(pair["side_by_side_not_crossing"])


def test_nested_disjoint_and_partial_perimeters():
    model = model_of(
        workbook(
            {
                "P_A": {"communes": "03007;03098;03101;03136"},
                "P_B": {"communes": "03098;03101"},
                "P_C": {"communes": "03190;03185"},
                "P_D": {"communes": "03101;03140;03185;03013"},
            },
            [
                scheme("D1", "P_A", "A1", "01/01/2020", "31/12/2020", "sante"),
                scheme("D2", "P_B", "A2", "01/01/2021", "31/12/2021", "sante"),
                scheme("D3", "P_C", "A1"),
                scheme("D4", "P_D", "A1", "01/01/2020"),
            ],
        )
    )
    frame = overlaps(model)
    assert list(zip(frame["a"], frame["b"], strict=True)) == [
        ("D1", "D2"),
        ("D1", "D4"),
        ("D2", "D4"),
        ("D3", "D4"),
    ]  # D1–D3 disjoint: no row
    nested = row(frame, "D1", "D2")
    assert (nested["shared_communes"], nested["overlap"]) == (2, 1.0)
    assert nested["shared_population"] == 500
    assert nested["shared_days"] == 0  # calendars disjoint
    assert nested["common_actors"] == 0
    assert bool(nested["side_by_side_not_crossing"])
    assert not bool(nested["pooling_candidate"])  # no common day
    partial = row(frame, "D1", "D4")
    assert (partial["shared_communes"], partial["overlap"]) == (1, 0.25)
    assert pd.isna(partial["shared_days"])  # D4 has no end date
    assert partial["common_actors"] == 1
    assert not bool(partial["side_by_side_not_crossing"])  # under 0.5
    assert row(frame, "D3", "D4")["shared_population"] == 600
    assert side_by_side_not_crossing(model) == [("D1", "D2"), ("D2", "D4")]  # D2–D4: 1 of 2
    assert pooling_candidates(model) == []
    kept = overlaps(model, min_overlap=0.5)  # D1–D4 (0.25) goes; D3–D4 is 1 of 2
    assert list(zip(kept["a"], kept["b"], strict=True)) == [
        ("D1", "D2"),
        ("D2", "D4"),
        ("D3", "D4"),
    ]


def test_both_ends_of_the_calendar_count_and_missing_start_is_unknown():
    model = model_of(
        workbook(
            {"P": {"communes": "03007;03098"}},
            [
                scheme("Z_LAST", "P", "A1", "01/01/2020", "31/12/2020", "sante;mobilite"),
                scheme("B_FIRST", "P", "A2", "31/12/2020", "30/06/2021", "mobilite"),
                scheme("M_OPEN", "P", "A1", None, "31/12/2022", "mobilite"),
            ],
        )
    )
    frame = overlaps(model)
    assert row(frame, "B_FIRST", "Z_LAST")["shared_days"] == 1
    assert pd.isna(row(frame, "B_FIRST", "M_OPEN")["shared_days"])
    assert pooling_candidates(model) == [("B_FIRST", "Z_LAST")]  # sorted, a < b
    assert side_by_side_not_crossing(model) == [("B_FIRST", "M_OPEN"), ("B_FIRST", "Z_LAST")]


def test_pilote_counts_as_a_common_actor():
    model = model_of(
        workbook(
            {"P": {"communes": "03007;03098"}},
            [scheme("D1", "P", "A1"), scheme("D2", "P", "A2")],
            participations=[("D2", "A1")],
        )
    )
    assert row(overlaps(model), "D1", "D2")["common_actors"] == 1
    assert side_by_side_not_crossing(model) == []


def test_restriction_to_a_perimeter_and_to_types():
    model = model_of(with_populations(minimal_sheets()))
    inside = overlaps(model.restrict(perimeter="P_CAS"))
    pair = row(inside, "D_CTG", "D_PAT")
    assert pair["shared_communes"] == 2  # 03098, 03101
    assert pair["shared_population"] == 500
    assert overlaps(model.restrict(scheme_types=["CTG"])).empty
    assert overlaps_json(model.restrict(scheme_types=["GMR"])) == []


def test_duplicate_diagnostics_and_governance():
    model = model_of(
        workbook(
            {"P": {"communes": "03007;03098"}, "Q": {"communes": "03098;03140"}},
            [
                scheme("D1", "P", "A1", annee_diagnostic=2021, instances="COPIL;COTECH"),
                scheme("D2", "P", "A2", annee_diagnostic=2023, instances="Comité de pilotage"),
                scheme("D3", "Q", "A3", annee_diagnostic=2020),
                scheme("D4", "Q", "A3"),
            ],
        )
    )
    diagnostics = duplicate_diagnostics(model)
    pairs = set(zip(diagnostics["a"], diagnostics["b"], strict=True))
    assert pairs == {("D1", "D2"), ("D1", "D3")}  # 2 and 1 years apart; D2–D3: 3; D4: none
    assert row(diagnostics, "D1", "D2")["years_apart"] == 2
    governance = duplicate_governance(model)
    assert list(zip(governance["a"], governance["b"], strict=True)) == [("D1", "D2")]
    closer = duplicate_diagnostics(model, min_overlap=0.6)  # D1–D3 share 1 commune of 2
    assert list(zip(closer["a"], closer["b"], strict=True)) == [("D1", "D2")]


def test_flagged_pairs_say_why_in_french():
    model = model_of(
        workbook(
            {"P": {"communes": "03007;03098;03101;03136;03140"}, "Q": {"communes": "03007;03098"}},
            [
                scheme("D1", "P", "A1", "01/01/2020", "31/12/2021", "sante;mobilite"),
                scheme("D2", "Q", "A2", "01/01/2021", "31/12/2022", "sante"),
            ],
        )
    )
    flagged = flagged_pairs(model)
    assert len(flagged) == 1
    reason = flagged.loc[0, "reason"]
    assert "100\u00a0% des mêmes communes" in reason
    assert "aucun acteur en commun" in reason
    assert "365\u00a0jours" in reason and "(santé)" in reason
    assert bool(flagged.loc[0, "side_by_side_not_crossing"])
    assert flagged_pairs(model.restrict(scheme_types=["GMR"])).empty


def test_overlap_matrix_keeps_clusters_together():
    model = model_of(
        workbook(
            {
                "P": {"communes": "03007;03098;03101"},
                "Q": {"communes": "03140;03185;03190"},
                "P2": {"communes": "03007;03098"},
                "Q2": {"communes": "03185;03190"},
            },
            [scheme("D1", "P"), scheme("D2", "Q"), scheme("D3", "P2"), scheme("D4", "Q2")],
        )
    )
    matrix = overlap_matrix(model, ["D1", "D2", "D3", "D4"])
    order = list(matrix.index)
    groups = [{"D1", "D3"}, {"D2", "D4"}]
    assert {frozenset(order[:2]), frozenset(order[2:])} == {frozenset(g) for g in groups}
    assert matrix.loc["D1", "D3"] == 1.0 and matrix.loc["D1", "D2"] == 0.0


# ----- random workbooks against a naive implementation ----------------------------------------

CODES = sorted(POPULATION)
THEMES = ["sante", "mobilite", "alimentation", "culture"]


def random_sheets(seed):
    rng = random.Random(seed)
    perimeters = {
        f"P{i}": {"communes": ";".join(rng.sample(CODES, rng.randint(1, 6)))} for i in range(6)
    }
    perimeters["P_UNION"] = {"composition": "P0;P1"}
    actors = [f"A{i}" for i in range(6)]
    schemes = []
    for i in range(rng.randint(8, 14)):
        start = date(2018, 1, 1).toordinal() + rng.randint(0, 1500)
        end = start + rng.randint(0, 900)
        schemes.append(
            scheme(
                f"D{rng.randint(0, 99):02d}_{i}",
                rng.choice(sorted(perimeters)),
                rng.choice([*actors, None]),
                date.fromordinal(start).strftime("%d/%m/%Y") if rng.random() < 0.8 else None,
                date.fromordinal(end).strftime("%d/%m/%Y") if rng.random() < 0.8 else None,
                ";".join(rng.sample(THEMES, rng.randint(0, 2))) or None,
            )
        )
    participations = {(rng.choice(schemes)["id"], rng.choice(actors)) for _ in range(10)}
    return workbook(perimeters, schemes, sorted(participations), actors=actors), perimeters


def naive_overlaps(sheets, perimeters):
    """Every pair, one by one, with Python sets."""

    def communes_of(pid):
        items = perimeters[pid]
        if "composition" in items:
            return set().union(*(communes_of(c) for c in items["composition"].split(";")))
        return set(items["communes"].split(";"))

    def day(text):
        return None if text is None else date(*map(int, reversed(text.split("/"))))

    actors = {}
    for link in sheets["participations"]:
        actors.setdefault(link["dispositif"], set()).add(link["acteur"])
    schemes = {}
    for s in sheets["dispositifs"]:
        schemes[s["id"]] = {
            "communes": communes_of(s["perimetre"]),
            "actors": actors.get(s["id"], set()) | ({s["pilote"]} if s["pilote"] else set()),
            "themes": set(s["thematiques"].split(";")) if s["thematiques"] else set(),
            "debut": day(s["debut"]),
            "fin": day(s["fin"]),
        }
    rows = []
    for a, b in combinations(sorted(schemes), 2):
        x, y = schemes[a], schemes[b]
        shared = x["communes"] & y["communes"]
        if not shared:
            continue
        overlap = len(shared) / min(len(x["communes"]), len(y["communes"]))
        days = None
        if None not in (x["debut"], x["fin"], y["debut"], y["fin"]):
            days = max((min(x["fin"], y["fin"]) - max(x["debut"], y["debut"])).days + 1, 0)
        common = len(x["actors"] & y["actors"])
        rows.append(
            {
                "a": a,
                "b": b,
                "overlap": overlap,
                "shared_communes": len(shared),
                "shared_population": sum(POPULATION[c] for c in shared),
                "shared_days": days,
                "common_actors": common,
                "pooling_candidate": overlap >= 0.5
                and bool(days)
                and bool(x["themes"] & y["themes"]),
                "side_by_side": overlap >= 0.5 and common == 0,
            }
        )
    return rows


@pytest.mark.parametrize("seed", range(8))
def test_matches_a_naive_pairwise_implementation(seed):
    sheets, perimeters = random_sheets(seed)
    model = model_of(sheets)
    expected = naive_overlaps(sheets, perimeters)
    found = overlaps_json(model)
    assert [(r["a"], r["b"]) for r in found] == [(r["a"], r["b"]) for r in expected]
    for got, want in zip(found, expected, strict=True):
        assert got["overlap"] == pytest.approx(want["overlap"])
        for key in (
            "shared_communes",
            "shared_population",
            "shared_days",
            "common_actors",
            "pooling_candidate",
        ):
            assert got[key] == want[key], (got, want, key)
    assert side_by_side_not_crossing(model) == [
        (r["a"], r["b"]) for r in expected if r["side_by_side"]
    ]
    assert pooling_candidates(model) == [
        (r["a"], r["b"]) for r in expected if r["pooling_candidate"]
    ]
    threshold = 0.4
    assert len(overlaps(model, threshold)) == sum(r["overlap"] >= threshold for r in expected)


# ----- JSON and the command line ---------------------------------------------------------------


def test_overlaps_json_is_the_spec_shape():
    model = model_of(
        workbook(
            {"P": {"communes": "03007;03098"}},
            [scheme("D2", "P", "A1", "01/01/2020", "31/12/2020"), scheme("D1", "P", "A2")],
        )
    )
    found = overlaps_json(model)
    assert found == [
        {
            "a": "D1",
            "b": "D2",
            "overlap": 1.0,
            "shared_communes": 2,
            "shared_population": 300,
            "shared_days": None,
            "common_actors": 0,
            "pooling_candidate": False,
        }
    ]
    assert [type(v) for v in found[0].values()] == [
        str,
        str,
        float,
        int,
        int,
        type(None),
        int,
        bool,
    ]
    json.dumps(found)


def test_cli_overlaps_end_to_end(tmp_path, db_path, capsys):
    path = write_xlsx(tmp_path / "classeur.xlsx", minimal_sheets())
    assert main(["import", str(path), "--db", str(db_path)]) == 0
    capsys.readouterr()
    assert main(["overlaps", "--json", "--db", str(db_path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [(p["a"], p["b"], p["shared_communes"]) for p in printed] == [("D_CTG", "D_PAT", 4)]
    assert set(printed[0]) == {
        "a",
        "b",
        "overlap",
        "shared_communes",
        "shared_population",
        "shared_days",
        "common_actors",
        "pooling_candidate",
    }
    assert main(["overlaps", "--json", "--min-overlap", "1.01", "--db", str(db_path)]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["overlaps", "--json", "--perimeter", "P_CAS", "--db", str(db_path)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["shared_communes"] == 2


def test_population_beyond_the_packed_product_is_still_exact():
    """Shared counts and population ride in one int64 product; past its range, two products
    must give the same answer (checked against a dense computation)."""
    import numpy as np
    from scipy import sparse

    from maillage.overlaps import _shared

    rng = np.random.default_rng(0)
    dense = (rng.random((30, 8)) < 0.3).astype(np.int64)
    matrix = sparse.csc_matrix(dense)
    for population in (rng.integers(0, 1_000, 30), np.full(30, 1 << 50, dtype=np.int64)):
        counts, shared_population, a, b = _shared(matrix, population)
        expected = [(i, j) for i, j in combinations(range(8), 2) if dense[:, i] @ dense[:, j]]
        assert list(zip(a.tolist(), b.tolist(), strict=True)) == expected
        assert counts.tolist() == [int(dense[:, i] @ dense[:, j]) for i, j in expected]
        assert shared_population.tolist() == [
            int((dense[:, i] * dense[:, j]) @ population) for i, j in expected
        ]
