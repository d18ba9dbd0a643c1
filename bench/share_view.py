"""Bench of what a share link's first run adds: the scope (maillage.scope) and persons shown
as roles (maillage.persons), next to naive baselines run on the same model in the same
process (Python loops over rows with sets, as one would write the rules first).

    .venv/bin/python -m bench.share_view [departement|region|france]
"""

from __future__ import annotations

import json
import sys
import time

from maillage.model import Model
from maillage.persons import PERSON, hide_persons, role_of


def _best(function, repeat: int = 3) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        began = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - began)
    return best, value


def naive_scope(model: Model, perimeter: str) -> tuple[set, set]:
    """Baseline: the actors and blockages in scope, row by row with Python sets."""
    inside = set(model.communes_of(perimeter))
    sets = model.perimeter_communes
    within = {p for p, c in sets.items() if c and c <= inside}
    concerning = within | {p for p, c in sets.items() if c and inside <= c}
    meeting = {p for p, c in sets.items() if c & inside}
    schemes = {s for s, p in model.schemes["perimetre"].items() if p in meeting}
    local = {s for s in schemes if model.schemes.at[s, "perimetre"] in within}
    taking_part = {
        a
        for s, a in zip(
            model.participations["dispositif"], model.participations["acteur"], strict=True
        )
        if s in local
    }
    actors = {
        a
        for a, row in model.actors.iterrows()
        if row["commune"] in inside or row["ressort"] in concerning or a in taking_part
    }
    blockages = {
        b
        for b, row in model.blockages.iterrows()
        if (
            row["territoire"] in concerning
            if isinstance(row["territoire"], str)
            else row["dispositif"] in schemes
        )
    }
    return actors, blockages


def naive_hide(model: Model) -> dict[str, str]:
    """Baseline: every person's role, row by row."""
    return {a: role_of(row) for a, row in model.actors.iterrows() if row["forme"] == PERSON}


def bench_share_view(model: Model) -> list[dict]:
    epci = model.perimeters.index[model.perimeters["type"] == "epci"]
    perimeter = max(
        epci if len(epci) else model.perimeters.index, key=lambda p: len(model.communes_of(p))
    )
    seconds, scoped = _best(lambda: model.restrict(perimeter=perimeter))
    baseline, (actors, blockages) = _best(lambda: naive_scope(model, perimeter), repeat=1)
    assert set(scoped.actors.index) == actors and set(scoped.blockages.index) == blockages
    hide_seconds, hidden = _best(lambda: hide_persons(model))
    hide_baseline, roles = _best(lambda: naive_hide(model), repeat=1)
    assert sorted(hidden.actors.loc[hidden.actors["forme"] == PERSON, "nom"]) == sorted(
        roles.values()
    )
    return [
        {
            "step": "share link scope",
            "seconds": round(seconds, 3),
            "baseline_seconds": round(baseline, 3),
            "speedup": round(baseline / seconds, 1),
            "perimeter_communes": len(model.communes_of(perimeter)),
            "actors_in_scope": len(actors),
        },
        {
            "step": "persons as roles",
            "seconds": round(hide_seconds, 3),
            "baseline_seconds": round(hide_baseline, 3),
            "speedup": round(hide_baseline / hide_seconds, 1),
            "persons": len(roles),
        },
    ]


if __name__ == "__main__":
    from bench.indicators_scale import synthetic_tables
    from maillage.model import build_model

    for scale in sys.argv[1:] or ["region"]:
        model = build_model(synthetic_tables(scale, seed=0))
        for line in bench_share_view(model):
            print(json.dumps({"scale": scale, **line}, ensure_ascii=False), flush=True)
