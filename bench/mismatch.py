"""Bench of the mismatch at France scale: EPCI against every administrative partition.

The model is built once from the reference of communes (~35,000 communes, 1,255 EPCI), as
a workbook would give it with `epci:` and `dep:` items; then `mismatch` is timed for EPCI ×
départements, régions and arrondissements, by communes and by population, next to a naive
baseline (pairwise Python set intersections) run on the same model in the same process.

    .venv/bin/python -m bench.mismatch      (the reference; `make bench` passes its models)
"""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable

import pandas as pd

from maillage.mismatch import mismatch
from maillage.model import Model, build_model
from maillage.reference import Reference, load_reference
from maillage.vocabularies import PARTITIONING_PERIMETER_TYPES


def france_model(reference: Reference | None = None) -> Model:
    """EPCI, départements, régions and arrondissements of all France as perimeters."""
    reference = reference or load_reference()
    communes = reference.communes
    rows = [
        {"id": f"EPCI_{e}", "nom": e, "type": "epci", "communes": f"epci:{e}"}
        for e in sorted(communes["epci"].dropna().unique())
    ]
    rows += [
        {"id": f"DEP_{d}", "nom": d, "type": "departement", "communes": f"dep:{d}"}
        for d in sorted(communes["departement"].unique())
    ]
    for kind in ("region", "arrondissement"):
        rows += [
            {
                "id": f"{kind.upper()}_{code}",
                "nom": code,
                "type": kind,
                "communes": ";".join(sorted(group.index)),
            }
            for code, group in communes.dropna(subset=[kind]).groupby(kind)
        ]
    perimeters = pd.DataFrame(rows).assign(composition=None)
    tables = {
        "perimetres": perimeters,
        "dispositifs": pd.DataFrame(
            {
                "id": ["D"],
                "nom": ["CTG"],
                "type": ["CTG"],
                "perimetre": ["DEP_03"],
                "pilote": [None],
                "secteur": [None],
            }
        ),
        "acteurs": pd.DataFrame(
            {
                "id": ["A"],
                "nom": ["CAF"],
                "commune": ["03190"],
                "latitude": [None],
                "longitude": [None],
                "ressort": [None],
            }
        ),
    }
    return build_model(tables, reference)


def naive_split_counts(model: Model, x_type: str, y_type: str) -> dict[str, int]:
    """Baseline: for every pair (x, y), intersect their commune sets in Python."""
    sets = model.perimeter_communes
    types = model.perimeters["type"]
    xs = [p for p in types.index if types[p] == x_type]
    ys = [p for p in types.index if types[p] == y_type]
    return {x: sum(1 for y in ys if sets[x] & sets[y]) for x in xs}


def _best(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - start)
    return best, value


def bench_mismatch(
    model: Model | None = None,
    *,
    x_type: str = "epci",
    y_types: tuple[str, ...] | None = None,
    repeat: int = 3,
) -> dict:
    """Time `mismatch(model, x_type, y)` for each y type and weight; the slowest is the headline.

    Without a model, all France from the reference; `y_types` defaults to every partitioning
    type present in the model but `x_type`.

    Every call builds the commune x perimeter incidence matrix, as a page's first render
    would; `seconds` is the best of `repeat` runs of the slowest pair.
    """
    build_seconds, source = 0.0, "model"
    if model is None:
        start = time.perf_counter()
        model, source = france_model(), "reference"
        build_seconds = time.perf_counter() - start
    if y_types is None:
        present = set(model.perimeters["type"])
        y_types = tuple(t for t in PARTITIONING_PERIMETER_TYPES if t in present and t != x_type)
    pairs = {}
    for y_type in y_types:
        for weight in ("communes", "population"):
            seconds, result = _best(
                lambda y=y_type, w=weight: mismatch(model, x_type, y, w), repeat
            )
            pairs[f"{x_type}x{y_type}:{weight}"] = {
                "seconds": round(seconds, 4),
                "split_rate": result.split_rate,
                "adjusted_rand": result.adjusted_rand,
            }
    tracemalloc.start()  # a separate run: tracing slows every allocation down
    mismatch(model, x_type, y_types[0])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    baseline, _ = _best(lambda: naive_split_counts(model, x_type, y_types[0]), 1)
    headline = max(pair["seconds"] for pair in pairs.values())
    return {
        "step": "mismatch",
        "source": source,
        "communes": len(model.territory),
        "perimeters": len(model.perimeters),
        "seconds": headline,
        "under_one_second": headline < 1.0,
        "peak_mib": round(peak / 2**20, 1),
        "baseline": "naive pairwise set intersections, " + f"{x_type}x{y_types[0]}",
        "baseline_seconds": round(baseline, 4),
        "model_build_seconds": round(build_seconds, 3),
        "pairs": pairs,
    }


if __name__ == "__main__":
    print(json.dumps(bench_mismatch(), ensure_ascii=False))
