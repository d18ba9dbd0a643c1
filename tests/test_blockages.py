"""Blockage statistics (SPEC §3), by hand and against a naive count on random workbooks."""

import random
from collections import Counter

import pandas as pd
import pytest

from maillage.blockages import (
    blockage_summary,
    blockage_territories,
    category_by_territory,
    levers_by_category,
    reported_words,
    status_over_time,
    without_lever,
)
from tests.test_transversality import model_of
from tests.workbooks import minimal_sheets


def sheets_with_blockages():
    sheets = minimal_sheets()
    sheets["blocages"] += [
        {
            "id": "B3",
            "categorie": "segmentation",
            "sous_categorie": "appels à projets",
            "description": "La logique d’appels à projets crée de la concurrence",
            "territoire": "P_CAS",
            "date": "15/03/2024",
            "statut": "en_cours",
            "levier": "dispositifs_transversaux",
        },
        {
            "id": "B4",
            "categorie": "methode",
            "description": "Financeurs associés en fin de projet",
            "date": "02/04/2024",
        },  # no status (open), no lever, no territory
        {
            "id": "B5",
            "categorie": "segmentation",
            "description": "On ne sait pas qui fait quoi",
            "territoire": "P_EPCI",
            "date": "20/11/2024",
            "statut": "leve",
            "levier": "faire_reseau",
        },
    ]
    return sheets


def test_summary_by_hand():
    summary = blockage_summary(model_of(sheets_with_blockages()))
    assert summary["total"] == 5
    assert summary["by_category"] == {
        "segmentation": 3,
        "methode": 1,
        "portage_politique": 0,
        "moyens": 1,
    }
    assert summary["by_status"] == {"ouvert": 2, "en_cours": 1, "leve": 2}
    assert summary["lifted_share"] == pytest.approx(2 / 5)
    assert summary["levers"] == {"faire_reseau": 2, "dispositifs_transversaux": 1}
    assert summary["without_lever"] == 1  # B4; B2 has none either but is lifted


def test_no_blockage():
    sheets = minimal_sheets()
    sheets.pop("blocages")
    model = model_of(sheets)
    summary = blockage_summary(model)
    assert summary["lifted_share"] is None
    assert set(summary["by_category"].values()) == {0}
    assert category_by_territory(model).empty
    assert status_over_time(model).empty


def test_category_by_territory_and_levers():
    model = model_of(sheets_with_blockages())
    # B2 has no territory but is about D_PAT, whose perimeter is P_PAT; B4 is about nothing.
    assert blockage_territories(model).to_dict() == {
        "B1": "P_EPCI",
        "B2": "P_PAT",
        "B3": "P_CAS",
        "B4": None,
        "B5": "P_EPCI",
    }
    table = category_by_territory(model)
    assert table.loc["P_EPCI", "segmentation"] == 2
    assert table.loc["P_PAT", "moyens"] == 1
    assert table.loc["P_CAS", "segmentation"] == 1
    assert table.loc["P_EPCI", "nom"] == "Montluçon (extrait)"
    assert int(table[["segmentation", "methode", "portage_politique", "moyens"]].sum().sum()) == 4
    levers = levers_by_category(model)
    assert levers.loc["segmentation", "faire_reseau"] == 2
    assert levers.loc["segmentation", "dispositifs_transversaux"] == 1
    assert int(levers.loc["moyens"].sum()) == 0
    assert list(without_lever(model).index) == ["B4"]


def test_words_and_status_over_time():
    model = model_of(sheets_with_blockages())
    words = reported_words(model)
    assert list(words["categorie"]) == ["segmentation"] * 3 + ["methode", "moyens"]
    assert words.loc["B4", "statut"] == "ouvert"
    quarters = status_over_time(model, "quarter")
    # every quarter from the first to the last, the quiet third one included
    assert list(quarters.index) == [
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-04-01"),
        pd.Timestamp("2024-07-01"),
        pd.Timestamp("2024-10-01"),
    ]
    assert quarters.loc[pd.Timestamp("2024-07-01")].sum() == 0
    assert quarters.loc[pd.Timestamp("2024-01-01")].to_dict() == {
        "ouvert": 0,
        "en_cours": 1,
        "leve": 0,
    }
    assert status_over_time(model, "year").loc[pd.Timestamp("2024-01-01")].sum() == 3


def test_restricted_to_a_territory():
    model = model_of(sheets_with_blockages()).restrict(perimeter="P_CAS")
    summary = blockage_summary(model)
    # B3 is filed on P_CAS; B2 names no territory but its scheme D_PAT covers P_CAS. B1 and
    # B5 are filed on P_EPCI, which only shares two communes with P_CAS: about somewhere
    # else (maillage.scope). B4, tied to nothing, is out.
    assert set(model.blockages.index) == {"B2", "B3"}
    assert summary["total"] == 2


@pytest.mark.parametrize("seed", range(6))
def test_random_blockages_match_a_naive_count(seed):
    rng = random.Random(seed)
    sheets = minimal_sheets()
    rows = []
    for i in range(rng.randint(1, 25)):
        row = {
            "id": f"B{i}",
            "description": f"mot {i}",
            "categorie": rng.choice(["segmentation", "methode", "portage_politique", "moyens"]),
        }
        for column, values in (
            ("statut", ["ouvert", "en_cours", "leve", None]),
            ("levier", ["faire_reseau", "legitimer", None]),
            ("territoire", ["P_EPCI", "P_CAS", None]),
        ):
            value = rng.choice(values)
            if value:
                row[column] = value
        rows.append(row)
    sheets["blocages"] = rows
    summary = blockage_summary(model_of(sheets))
    categories = Counter(r["categorie"] for r in rows)
    statuses = Counter(r.get("statut", "ouvert") for r in rows)
    assert {k: v for k, v in summary["by_category"].items() if v} == dict(categories)
    assert {k: v for k, v in summary["by_status"].items() if v} == dict(statuses)
    assert summary["lifted_share"] == pytest.approx(statuses["leve"] / len(rows))
    assert summary["levers"] == dict(Counter(r["levier"] for r in rows if "levier" in r))
    assert summary["without_lever"] == sum(
        1 for r in rows if "levier" not in r and r.get("statut") != "leve"
    )
