"""Mismatch of perimeter types (SPEC §3): hand-checked partitions, library values, real France.

Small cases are workbooks read by the real reader and validator; the metrics are compared
with scikit-learn on the same labels; real partitions of French communes (EPCI against
départements, against the arrondissements of a region) are checked against a second,
naive computation written here with pandas groupby and Python sets.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, homogeneity_completeness_v_measure

from maillage.cli import main
from maillage.mismatch import duplicate_coverage, mismatch
from maillage.model import build_model
from maillage.publishing import check
from maillage.reference import load_reference
from tests.workbooks import write_xlsx, xlsx_bytes

SPEC_KEYS = {
    "x_type",
    "y_type",
    "split_rate",
    "split_population",
    "uncovered_communes",
    "adjusted_rand",
    "homogeneity",
    "completeness",
    "v_measure",
    "rows",
}
ROW_KEYS = {"x", "y_count", "y_ids", "dominant_share"}

# Nine communes of the Allier, c[0] … c[8].
C = ["03001", "03002", "03003", "03004", "03005", "03006", "03007", "03008", "03009"]
CAS = "circonscription_action_sociale"


@pytest.fixture(scope="module")
def reference():
    return load_reference()


def perimeter(pid: str, kind: str, codes) -> dict:
    return {"id": pid, "nom": f"Périmètre {pid}", "type": kind, "communes": ";".join(codes)}


def sheets(perimeters: list[dict]) -> dict[str, list[dict]]:
    return {
        "acteurs": [
            {
                "id": "A1",
                "nom": "CAF",
                "categorie": "protection_sociale",
                "champ": "social",
                "commune": "03190",
            }
        ],
        "perimetres": perimeters,
        "dispositifs": [
            {
                "id": "D1",
                "nom": "CTG",
                "type": "CTG",
                "perimetre": perimeters[0]["id"],
                "pilote": "A1",
            }
        ],
    }


def model_of(perimeters: list[dict]):
    _, validation = check([("classeur.xlsx", xlsx_bytes(sheets(perimeters)))])
    assert validation.valid, [p.message for p in validation.problems]
    return build_model(validation.tables)


def row(result, x: str) -> dict:
    return result.rows.set_index("x").loc[x].to_dict()


def population(reference, codes) -> int:
    return int(reference.communes.loc[list(codes), "population"].sum())


# ----- hand-checked partitions ------------------------------------------------------------
def test_identical_partitions_agree_perfectly():
    model = model_of(
        [
            perimeter("E1", "epci", C[:3]),
            perimeter("E2", "epci", C[3:6]),
            perimeter("S1", CAS, C[:3]),
            perimeter("S2", CAS, C[3:6]),
        ]
    )
    result = mismatch(model, "epci", CAS)
    assert result.split_rate == 0.0
    assert result.split_population == 0
    assert result.uncovered_communes == []
    assert row(result, "E1")["y_ids"] == ["S1"] and row(result, "E2")["y_ids"] == ["S2"]
    assert set(result.rows["dominant_share"]) == {1.0}
    assert result.adjusted_rand == pytest.approx(1.0)
    assert (result.homogeneity, result.completeness, result.v_measure) == pytest.approx(
        (1.0, 1.0, 1.0)
    )
    assert result.contingency.loc["E1", "S1"] == 3 and result.contingency.loc["E1", "S2"] == 0


def test_nested_partitions_are_homogeneous_not_complete(reference):
    # E1 = S1 + S2 (split in two), E2 = S3: each S lies in one E (homogeneous).
    model = model_of(
        [
            perimeter("E1", "epci", C[:4]),
            perimeter("E2", "epci", C[4:6]),
            perimeter("S1", CAS, C[:2]),
            perimeter("S2", CAS, C[2:4]),
            perimeter("S3", CAS, C[4:6]),
        ]
    )
    result = mismatch(model, "epci", CAS)
    assert result.split_rate == 0.5
    assert result.split_population == population(reference, C[:4])
    assert row(result, "E1")["y_count"] == 2 and row(result, "E1")["dominant_share"] == 0.5
    assert row(result, "E2")["y_count"] == 1
    assert [p["y"] for p in row(result, "E1")["pieces"]] == ["S1", "S2"]
    # By hand: pairs inside cells 3, inside E 6+1=7, inside S 3, all pairs 15.
    expected = 7 * 3 / 15
    assert result.adjusted_rand == pytest.approx((3 - expected) / ((7 + 3) / 2 - expected))
    assert result.adjusted_rand == pytest.approx(4 / 9)
    assert result.homogeneity == pytest.approx(1.0)
    assert result.completeness == pytest.approx(1 - (2 / 3) * math.log(2) / math.log(3))
    # The other way round, the finer map is complete and nothing is split.
    reverse = mismatch(model, CAS, "epci")
    assert reverse.split_rate == 0.0
    assert reverse.completeness == pytest.approx(1.0)
    assert reverse.homogeneity == pytest.approx(result.completeness)


def test_crossing_partitions_split_both(reference):
    model = model_of(
        [
            perimeter("E1", "epci", C[:3]),
            perimeter("E2", "epci", C[3:6]),
            perimeter("S1", CAS, C[:2]),
            perimeter("S2", CAS, C[2:4]),
            perimeter("S3", CAS, C[4:6]),
        ]
    )
    result = mismatch(model, "epci", CAS)
    assert result.split_rate == 1.0
    assert result.split_population == population(reference, C[:6])
    assert row(result, "E1")["y_ids"] == ["S1", "S2"]
    assert row(result, "E2")["y_ids"] == ["S2", "S3"]
    assert row(result, "E1")["dominant_share"] == pytest.approx(2 / 3)
    by_people = mismatch(model, "epci", CAS, weight="population")
    shares = [population(reference, C[:2]), population(reference, C[2:3])]
    assert row(by_people, "E1")["dominant_share"] == pytest.approx(max(shares) / sum(shares))
    assert by_people.contingency.loc["E2", "S2"] == population(reference, C[3:4])
    assert by_people.split_rate == result.split_rate  # splitting is about borders, not people


def test_gaps_uncovered_communes_and_common_communes_only(reference):
    # Y misses C[3], C[4] and the whole E3; it also covers C[8], outside X.
    model = model_of(
        [
            perimeter("E1", "epci", C[:3]),
            perimeter("E2", "epci", C[3:6]),
            perimeter("E3", "epci", C[6:8]),
            perimeter("S1", CAS, C[:2]),
            perimeter("S2", CAS, [C[2], C[5], C[8]]),
        ]
    )
    result = mismatch(model, "epci", CAS)
    assert result.uncovered_communes == [C[3], C[4], C[6], C[7]]
    e2, e3 = row(result, "E2"), row(result, "E3")
    assert e2["y_ids"] == ["S2"] and e2["dominant_share"] == pytest.approx(1 / 3)
    assert e2["uncovered"] == 2
    assert e2["uncovered_population"] == population(reference, C[3:5])
    assert e3["y_count"] == 0 and e3["dominant_share"] == 0.0 and e3["y_ids"] == []
    assert result.split_rate == pytest.approx(1 / 3)  # E1 only
    assert result.common_communes == 4
    x = ["E1", "E1", "E1", "E2"]
    y = ["S1", "S1", "S2", "S2"]
    assert result.adjusted_rand == pytest.approx(adjusted_rand_score(x, y))
    assert (result.homogeneity, result.completeness, result.v_measure) == pytest.approx(
        homogeneity_completeness_v_measure(x, y)
    )


def test_metrics_are_null_when_a_type_does_not_partition():
    model = model_of(
        [
            perimeter("E1", "epci", C[:3]),
            perimeter("E2", "epci", C[3:6]),
            perimeter("S1", CAS, C[:4]),
            perimeter("S2", CAS, C[3:6]),
            perimeter("P1", "pnr", C[:6]),
            perimeter("P2", "pnr", C[:2]),
        ]
    )
    result = mismatch(model, "epci", CAS)
    assert result.y_duplicate_communes == [C[3]]
    assert result.x_duplicate_communes == []
    assert result.adjusted_rand is None and result.v_measure is None
    assert result.homogeneity is None and result.completeness is None
    assert row(result, "E2")["y_ids"] == ["S1", "S2"]
    # Duplicate coverage: partitioning types present only (pnr is not one).
    assert duplicate_coverage(model) == {"epci": [], CAS: [C[3]]}


def test_unknown_types_give_an_empty_result_and_bad_weight_raises():
    model = model_of([perimeter("E1", "epci", C[:3])])
    result = mismatch(model, "epci", "territoire_caf")
    assert result.uncovered_communes == C[:3]
    assert result.split_rate == 0.0 and result.adjusted_rand is None
    empty = mismatch(model, "territoire_msa", "epci")
    assert empty.split_rate is None and empty.as_json()["rows"] == []
    with pytest.raises(ValueError, match="weight"):
        mismatch(model, "epci", CAS, weight="habitants")


def test_restricted_model_sees_only_its_communes():
    model = model_of(
        [
            perimeter("E1", "epci", C[:3]),
            perimeter("E2", "epci", C[3:6]),
            perimeter("S1", CAS, C[:2]),
            perimeter("S2", CAS, C[2:6]),
        ]
    )
    result = mismatch(model.restrict(perimeter="S2"), "epci", CAS)
    assert list(result.rows["x"]) == ["E1", "E2"]
    assert row(result, "E1")["communes"] == 1 and row(result, "E1")["y_ids"] == ["S2"]
    assert result.split_rate == 0.0


# ----- metrics against scikit-learn ------------------------------------------------------
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_metrics_equal_sklearn_on_random_partitions(seed, reference):
    rng = np.random.default_rng(seed)
    codes = sorted(reference.communes.index[reference.communes["departement"] == "03"])[:80]
    x = rng.integers(0, 6, len(codes))
    y = rng.integers(0, 4, len(codes))
    model = model_of(
        [
            perimeter(f"X{k}", "epci", [c for c, v in zip(codes, x, strict=True) if v == k])
            for k in sorted(set(x))
        ]
        + [
            perimeter(f"Y{k}", CAS, [c for c, v in zip(codes, y, strict=True) if v == k])
            for k in sorted(set(y))
        ]
    )
    result = mismatch(model, "epci", CAS)
    assert result.adjusted_rand == pytest.approx(adjusted_rand_score(x, y), abs=1e-12)
    assert (result.homogeneity, result.completeness, result.v_measure) == pytest.approx(
        homogeneity_completeness_v_measure(x, y), abs=1e-12
    )


def test_population_weighting_counts_each_inhabitant(reference):
    """Expand each commune into as many items as inhabitants, then ask scikit-learn."""
    rng = np.random.default_rng(7)
    small = reference.communes[
        (reference.communes["departement"] == "03") & (reference.communes["population"] < 160)
    ]
    codes = sorted(small.index)[:24]
    x = rng.integers(0, 4, len(codes))
    y = rng.integers(0, 3, len(codes))
    model = model_of(
        [
            perimeter(f"X{k}", "epci", [c for c, v in zip(codes, x, strict=True) if v == k])
            for k in sorted(set(x))
        ]
        + [
            perimeter(f"Y{k}", CAS, [c for c, v in zip(codes, y, strict=True) if v == k])
            for k in sorted(set(y))
        ]
    )
    people = small.loc[codes, "population"].to_numpy(dtype=int)
    x_items, y_items = np.repeat(x, people), np.repeat(y, people)
    result = mismatch(model, "epci", CAS, weight="population")
    assert result.adjusted_rand == pytest.approx(adjusted_rand_score(x_items, y_items))
    assert (result.homogeneity, result.completeness, result.v_measure) == pytest.approx(
        homogeneity_completeness_v_measure(x_items, y_items)
    )
    assert int(result.contingency.to_numpy().sum()) == people.sum()
    by_communes = mismatch(model, "epci", CAS)
    assert by_communes.adjusted_rand == pytest.approx(adjusted_rand_score(x, y))


# ----- real partitions of French communes -------------------------------------------------
def naive(labels: pd.DataFrame, weight: pd.Series | None = None) -> dict:
    """Second implementation: one pass over the communes with Python dicts and sets."""
    weights = labels["pop"] if weight is not None else pd.Series(1, index=labels.index)
    met: dict[str, set] = {}
    inside: dict[str, Counter] = {}
    total: Counter = Counter()
    uncovered = []
    for code, x, y, w in zip(labels.index, labels["x"], labels["y"], weights, strict=True):
        if pd.isna(x):
            continue
        met.setdefault(x, set())
        inside.setdefault(x, Counter())
        total[x] += int(w)
        if pd.isna(y):
            uncovered.append(code)
        else:
            met[x].add(y)
            inside[x][y] += int(w)
    rows = {
        x: {
            "y_ids": sorted(met[x]),
            "dominant_share": max(inside[x].values(), default=0) / total[x],
        }
        for x in met
    }
    split = {x for x in met if len(met[x]) >= 2}
    people = sum(int(p) for x, p in zip(labels["x"], labels["pop"], strict=True) if x in split)
    return {
        "rows": rows,
        "split_rate": len(split) / len(rows),
        "split_population": people,
        "uncovered": sorted(uncovered),
    }


def exact_ari(x: pd.Series, y: pd.Series, w: pd.Series) -> float:
    """ARI over weighted items with Python integers (population scale: no sklearn expansion)."""

    def pairs(counter: Counter) -> int:
        return sum(v * (v - 1) // 2 for v in counter.values())

    cells, rows, cols = Counter(), Counter(), Counter()
    for a, b, k in zip(x, y, w, strict=True):
        cells[a, b] += int(k)
        rows[a] += int(k)
        cols[b] += int(k)
    total = sum(rows.values()) * (sum(rows.values()) - 1) // 2
    expected = pairs(rows) * pairs(cols) / total
    return (pairs(cells) - expected) / ((pairs(rows) + pairs(cols)) / 2 - expected)


def france_sheets(reference) -> dict[str, list[dict]]:
    communes = reference.communes
    perimeters = [
        {
            "id": f"EPCI_{e}",
            "nom": reference.epci.loc[e, "nom"] if e in reference.epci.index else e,
            "type": "epci",
            "communes": f"epci:{e}",
        }
        for e in sorted(communes["epci"].dropna().unique())
    ]
    perimeters += [
        {"id": f"DEP_{d}", "nom": f"Département {d}", "type": "departement", "communes": f"dep:{d}"}
        for d in sorted(communes["departement"].unique())
    ]
    return sheets(perimeters)


@pytest.fixture(scope="module")
def france(reference):
    _, validation = check([("france.xlsx", xlsx_bytes(france_sheets(reference)))], reference)
    assert validation.valid
    return build_model(validation.tables, reference)


def assert_matches_naive(result, expected, prefix_x, prefix_y):
    rows = result.rows.set_index("x")
    assert len(rows) == len(expected["rows"])
    for x, want in expected["rows"].items():
        got = rows.loc[f"{prefix_x}{x}"]
        assert got["y_ids"] == [f"{prefix_y}{y}" for y in want["y_ids"]]
        assert got["dominant_share"] == pytest.approx(want["dominant_share"])
    assert result.split_rate == pytest.approx(expected["split_rate"])
    assert result.split_population == expected["split_population"]
    assert result.uncovered_communes == expected["uncovered"]


@pytest.mark.parametrize("weight", ["communes", "population"])
def test_france_epci_against_departements(france, reference, weight):
    communes = reference.communes
    labels = pd.DataFrame(
        {
            "x": communes["epci"],
            "y": communes["departement"],
            "pop": communes["population"].fillna(0).astype(int),
        }
    )
    w = labels["pop"] if weight == "population" else None
    result = mismatch(france, "epci", "departement", weight=weight)
    assert_matches_naive(result, naive(labels, w), "EPCI_", "DEP_")
    common = labels.dropna(subset=["x", "y"])
    if weight == "communes":
        assert result.adjusted_rand == pytest.approx(adjusted_rand_score(common.x, common.y))
        assert (result.homogeneity, result.completeness, result.v_measure) == pytest.approx(
            homogeneity_completeness_v_measure(common.x, common.y)
        )
    else:
        assert result.adjusted_rand == pytest.approx(
            exact_ari(common.x, common.y, common["pop"]), rel=1e-9
        )
    assert 0 < result.split_rate < 0.2  # a minority of EPCI straddle a départemental border
    # The other way round: départements, and the communes that belong to no EPCI.
    reverse = mismatch(france, "departement", "epci", weight=weight)
    no_epci = sorted(communes.index[communes["epci"].isna()])
    assert reverse.uncovered_communes == no_epci
    assert duplicate_coverage(france) == {"epci": [], "departement": []}


def test_region_epci_against_arrondissements(reference, tmp_path, capsys):
    """Auvergne-Rhône-Alpes: EPCI cut to the region and its arrondissements, listed commune by
    commune, published and read back through the command line."""
    communes = reference.communes[reference.communes["region"] == "84"]
    perimeters = [
        perimeter(f"E{e}", "epci", sorted(group.index))
        for e, group in communes.dropna(subset=["epci"]).groupby("epci")
    ]
    perimeters += [
        perimeter(f"A{a}", "arrondissement", sorted(group.index))
        for a, group in communes.dropna(subset=["arrondissement"]).groupby("arrondissement")
    ]
    labels = pd.DataFrame(
        {
            "x": communes["epci"],
            "y": communes["arrondissement"],
            "pop": communes["population"].fillna(0).astype(int),
        }
    )
    expected = naive(labels)
    model = model_of(perimeters)
    result = mismatch(model, "epci", "arrondissement")
    assert_matches_naive(result, expected, "E", "A")
    common = labels.dropna(subset=["x", "y"])
    assert result.adjusted_rand == pytest.approx(adjusted_rand_score(common.x, common.y))
    assert result.v_measure == pytest.approx(
        homogeneity_completeness_v_measure(common.x, common.y)[2]
    )
    assert result.split_rate > 0  # EPCI do cross arrondissements

    # End to end: `maillage import` then `maillage mismatch … --json` print the same numbers.
    db = tmp_path / "cli.db"
    book = write_xlsx(tmp_path / "aura.xlsx", sheets(perimeters))
    assert main(["import", str(book), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["mismatch", "epci", "arrondissement", "--json", "--db", str(db)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(result.as_json()))


def test_cli_mismatch_json_is_the_spec_contract(tmp_path, capsys, reference):
    perimeters = [
        perimeter("E1", "epci", C[:3]),
        perimeter("E2", "epci", C[3:6]),
        perimeter("S1", CAS, C[:2]),
        perimeter("S2", CAS, C[2:5]),
    ]
    book = write_xlsx(tmp_path / "classeur.xlsx", sheets(perimeters))
    db = str(tmp_path / "cli.db")
    assert main(["import", str(book), "--db", db]) == 0
    capsys.readouterr()
    assert main(["mismatch", "epci", CAS, "--json", "--db", db]) == 0
    data = json.loads(capsys.readouterr().out)
    assert SPEC_KEYS <= set(data)
    assert data["x_type"] == "epci" and data["y_type"] == CAS
    assert data["split_rate"] == 0.5
    assert data["uncovered_communes"] == [C[5]]
    assert data["split_population"] == population(reference, C[:3])
    assert [r["x"] for r in data["rows"]] == ["E1", "E2"]
    assert all(ROW_KEYS <= set(r) for r in data["rows"])
    assert data["rows"][0]["y_ids"] == ["S1", "S2"]
    assert data["rows"][0]["dominant_share"] == pytest.approx(2 / 3)
    for key in ("adjusted_rand", "homogeneity", "completeness", "v_measure"):
        assert data[key] is not None
    assert main(["mismatch", "epci", CAS, "--json", "--db", db, "--weight", "population"]) == 0
    by_people = json.loads(capsys.readouterr().out)
    assert by_people["weight"] == "population"
    e1 = [population(reference, C[:2]), population(reference, C[2:3])]
    assert by_people["rows"][0]["dominant_share"] == pytest.approx(max(e1) / sum(e1))
    assert main(["mismatch", "epci", CAS, "--json", "--db", db, "--perimeter", "S1"]) == 0
    scoped = json.loads(capsys.readouterr().out)
    assert [r["x"] for r in scoped["rows"]] == ["E1"] and scoped["split_rate"] == 0.0
