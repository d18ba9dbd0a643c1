"""Overlaps at three scales: the sparse computation against a naive pairwise baseline.

`bench_overlaps(model)` times `maillage.overlaps.overlaps` (every pair sharing a commune) and a
naive implementation with Python sets, pair by pair, as one would write it first. The naive
loop over all N(N-1)/2 pairs takes minutes at France scale, so it is timed on a uniform random
sample of pairs and extrapolated to all pairs (per-pair cost × number of pairs).

`synthetic_model(scale)` builds a model from tables shaped like a validated workbook, on the
real communes of the reference: schemes on communes, EPCI, groups of EPCI (pays, GAL),
circonscriptions cutting across EPCI, départements and regions, with actors mostly local and a
few departmental hubs (CAF, département, MSA) taking part in many schemes.

    .venv/bin/python -m bench.overlaps            # the three scales, one JSON line each
"""

from __future__ import annotations

import json
import random
import sys
import time

import numpy as np
import pandas as pd

from maillage.model import Model, build_model
from maillage.overlaps import overlaps
from maillage.reference import load_reference
from maillage.vocabularies import VOCABULARIES

SCALES = {  # name: (region / département filter, actors, schemes)
    "departement": (("departement", "03"), 1_000, 150),
    "region": (("region", "84"), 10_000, 2_000),
    "france": (None, 100_000, 15_000),
}
# (perimeter level, share of the schemes, scheme types drawn from)
LEVELS = [
    ("commune", 0.45, ["PVD", "ABS", "TZCLD"]),
    ("epci", 0.25, ["CTG", "CLS", "CRTE", "GMR"]),
    ("groupe", 0.12, ["PAT", "LEADER", "PAEC", "CFT"]),
    ("circonscription", 0.10, ["AUTRE", "CLS"]),
    ("departement", 0.075, ["AUTRE", "CLS"]),
    ("region", 0.005, ["CPER"]),
]


def synthetic_tables(scale: str = "france", seed: int = 0) -> dict[str, pd.DataFrame]:
    """Tables as `validate` returns them, for one of SCALES."""
    where, n_actors, n_schemes = SCALES[scale]
    rng = np.random.default_rng(seed)
    communes = load_reference().communes
    if where is not None:
        communes = communes[communes[where[0]] == where[1]]
    communes = communes.sort_index()
    perimeters, level_of, dep_of = _perimeters(communes)
    actors, hubs, local = _actors(communes, n_actors, rng)
    schemes, participations = _schemes(perimeters, level_of, dep_of, hubs, local, n_schemes, rng)
    return {
        "acteurs": actors,
        "perimetres": perimeters,
        "dispositifs": schemes,
        "participations": participations,
    }


def synthetic_model(scale: str = "france", seed: int = 0) -> Model:
    return build_model(synthetic_tables(scale, seed))


def _perimeters(communes: pd.DataFrame):
    rows, level_of, dep_of = [], {}, {}

    def add(pid: str, level: str, codes, dep: str) -> None:
        rows.append(
            {
                "id": pid,
                "nom": pid,
                "type": "autre",
                "communes": ";".join(codes),
                "composition": None,
            }
        )
        level_of.setdefault(level, []).append(pid)
        dep_of[pid] = dep

    for code, dep in communes["departement"].items():
        add(f"C{code}", "commune", [code], dep)
    for dep, group in communes.groupby("departement"):
        epcis = [codes.index.tolist() for _, codes in group.groupby("epci")]
        for i, codes in enumerate(epcis):
            add(f"E{dep}_{i}", "epci", codes, dep)
        for i in range(0, len(epcis), 3):
            add(f"G{dep}_{i}", "groupe", [c for codes in epcis[i : i + 3] for c in codes], dep)
        codes = group.index.tolist()
        for i, chunk in enumerate(np.array_split(codes, max(1, len(codes) // 60))):
            add(f"S{dep}_{i}", "circonscription", chunk.tolist(), dep)
        add(f"D{dep}", "departement", codes, dep)
    for region, group in communes.groupby("region"):
        add(f"R{region}", "region", group.index.tolist(), group["departement"].iloc[0])
    frame = pd.DataFrame(rows).astype({"communes": "str", "composition": "str"})
    return frame, level_of, dep_of


def _actors(communes: pd.DataFrame, n_actors: int, rng: np.random.Generator):
    seats = rng.choice(communes.index.to_numpy(), size=n_actors)
    deps = communes["departement"].reindex(seats).to_numpy()
    ids = np.array([f"A{i}" for i in range(n_actors)], dtype=object)
    hubs: dict[str, list[str]] = {}
    for dep in communes["departement"].unique():  # CAF, département, MSA: in many schemes
        hubs[dep] = [f"H{dep}_{k}" for k in ("CAF", "CD", "MSA")]
    local = pd.Series(ids).groupby(deps).apply(list).to_dict()
    hub_ids = [h for group in hubs.values() for h in group]
    hub_seats = [communes.index[communes["departement"] == h[1:].split("_")[0]][0] for h in hub_ids]
    actors = pd.DataFrame(
        {
            "id": np.concatenate([ids, hub_ids]),
            "nom": np.concatenate([ids, hub_ids]),
            "categorie": "association",
            "champ": rng.choice(
                ["social", "developpement_local", "les_deux"], size=n_actors + len(hub_ids)
            ),
            "commune": np.concatenate([seats, hub_seats]),
            "latitude": np.nan,
            "longitude": np.nan,
            "ressort": None,
        }
    ).astype({"ressort": "str"})
    return actors, hubs, local


def _schemes(perimeters, level_of, dep_of, hubs, local, n_schemes, rng):
    themes = np.array(VOCABULARIES["theme"], dtype=object)
    rows, links = [], []
    counts = rng.multinomial(n_schemes, [share for _, share, _ in LEVELS])
    for (level, _, types), count in zip(LEVELS, counts, strict=True):
        chosen = rng.choice(level_of[level], size=count)
        for pid in chosen:
            sid = f"D{len(rows)}"
            dep = dep_of[pid]
            pool = local.get(dep) or hubs[dep]
            members = list(
                rng.choice(pool, size=min(len(pool), int(rng.integers(2, 8))), replace=False)
            )
            members += [h for h in hubs[dep] if rng.random() < 0.4]
            start = np.datetime64("2014-01-01") + int(rng.integers(0, 12 * 365))
            end = start + int(rng.integers(365, 6 * 365))
            rows.append(
                {
                    "id": sid,
                    "nom": sid,
                    "type": str(rng.choice(types)),
                    "perimetre": pid,
                    "pilote": members[0],
                    "debut": start if rng.random() > 0.1 else None,
                    "fin": end if rng.random() > 0.1 else None,
                    "thematiques": ";".join(
                        rng.choice(themes, size=int(rng.integers(1, 4)), replace=False)
                    ),
                    "instances": "COPIL;COTECH" if rng.random() < 0.6 else None,
                    "annee_diagnostic": int(rng.integers(2015, 2026))
                    if rng.random() < 0.6
                    else None,
                    "secteur": None,
                }
            )
            links += [{"dispositif": sid, "acteur": a, "role": "participant"} for a in members[1:]]
    schemes = pd.DataFrame(rows).astype(
        {
            "debut": "datetime64[ns]",
            "fin": "datetime64[ns]",
            "annee_diagnostic": "Int64",
            "instances": "str",
            "secteur": "str",
        }
    )
    participations = pd.DataFrame(links).assign(stade_entree=None, nature=None)
    participations = participations.astype({"stade_entree": "str", "nature": "str"})
    return schemes, participations


# ----- the naive baseline ------------------------------------------------------------------------


def naive_pair(first: dict, second: dict, population: dict[str, int]) -> dict | None:
    """One pair as a first implementation would do it: Python sets, nothing shared."""
    shared = first["communes"] & second["communes"]
    if not shared:
        return None
    days = None
    if None not in (first["debut"], first["fin"], second["debut"], second["fin"]):
        start, end = max(first["debut"], second["debut"]), min(first["fin"], second["fin"])
        days = max((end - start).days + 1, 0)
    return {
        "overlap": len(shared) / min(len(first["communes"]), len(second["communes"])),
        "shared_communes": len(shared),
        "shared_population": sum(population.get(c, 0) for c in shared),
        "shared_days": days,
        "common_actors": len(first["actors"] & second["actors"]),
        "common_themes": len(first["themes"] & second["themes"]),
    }


def naive_schemes(model: Model) -> dict[str, dict]:
    communes = model.scheme_communes.groupby("scheme")["commune"].agg(frozenset).to_dict()
    actors = model.participations.groupby("dispositif")["acteur"].agg(frozenset).to_dict()
    found = {}
    for sid, row in model.schemes.iterrows():
        themes = row["thematiques"]
        found[sid] = {
            "communes": communes.get(sid, frozenset()),
            "actors": actors.get(sid, frozenset()),
            "themes": frozenset(themes.split(";")) if isinstance(themes, str) else frozenset(),
            "debut": None if pd.isna(row["debut"]) else row["debut"].date(),
            "fin": None if pd.isna(row["fin"]) else row["fin"].date(),
        }
    return found


def bench_overlaps(model: Model, sample: int = 300_000, seed: int = 0) -> dict:
    """Time the sparse computation and the naive baseline (sampled, extrapolated)."""
    started = time.perf_counter()
    frame = overlaps(model)
    seconds = time.perf_counter() - started

    schemes = naive_schemes(model)
    population = model.communes["population"].fillna(0).astype(int).to_dict()
    ids = list(schemes)
    n = len(ids)
    all_pairs = n * (n - 1) // 2
    rng = random.Random(seed)
    drawn = []
    for _ in range(min(sample, all_pairs)):
        i, j = rng.randrange(n), rng.randrange(n - 1)
        drawn.append((ids[i], ids[j + (j >= i)]))
    started = time.perf_counter()
    for a, b in drawn:
        naive_pair(schemes[a], schemes[b], population)
    measured = time.perf_counter() - started
    naive_seconds = measured / max(len(drawn), 1) * all_pairs
    return {
        "step": "overlaps",
        "schemes": n,
        "communes": len(model.territory),
        "pairs": len(frame),
        "seconds": round(seconds, 3),
        "naive_seconds": round(naive_seconds, 1),
        "naive_sampled_pairs": len(drawn),
        "naive_measured_seconds": round(measured, 3),
        "speedup": round(naive_seconds / seconds, 1) if seconds else None,
    }


def main(scales: list[str] | None = None) -> None:
    for scale in scales or list(SCALES):
        result = bench_overlaps(synthetic_model(scale))
        print(json.dumps({"scale": scale, **result}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or None)
