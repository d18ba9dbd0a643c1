"""Synthetic workspaces at the bench's three scales, and the timing of the network measures.

`synthetic_tables(scale, seed)` returns the cleaned tables a published version holds (what
`maillage.model.build_model` accepts), drawn at random on real communes of the reference: a
département, a region, or all of France (~35,000 communes, 100,000 actors, 15,000 schemes,
200,000 participations). Generated with numpy in one pass per table, so that building the
workload never dominates the timing of what it measures.

    .venv/bin/python -m bench.indicators_scale france   # prints one JSON line per step
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from maillage.model import Model, build_model
from maillage.reference import load_reference
from maillage.schema import SHEETS
from maillage.vocabularies import VOCABULARIES


@dataclass(frozen=True)
class Scale:
    area: str  # "departement" code, "region" code, or "france"
    actors: int
    schemes: int
    participations: int
    blockages: int


SCALES = {
    "departement": Scale("dep:03", 1_000, 150, 2_000, 100),
    "region": Scale("region:84", 10_000, 2_000, 20_000, 1_000),
    "france": Scale("france", 100_000, 15_000, 200_000, 5_000),
}
CIRCONSCRIPTIONS_PER_DEPARTEMENT = 6
_SECTORS = VOCABULARIES["sector"]


def _communes(area: str) -> pd.DataFrame:
    communes = load_reference().communes
    if area.startswith("dep:"):
        return communes[communes["departement"] == area[4:]]
    if area.startswith("region:"):
        return communes[communes["region"] == area[7:]]
    return communes


def _typed(sheet: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Every declared column, with the dtypes validation hands over."""
    columns = {}
    for column in SHEETS[sheet].columns:
        values = (
            frame[column.name]
            if column.name in frame
            else pd.Series([None] * len(frame), index=frame.index)
        )
        if column.kind == "date":
            columns[column.name] = pd.to_datetime(values)
        elif column.kind == "year":
            columns[column.name] = values.astype("Int64")
        elif column.kind in ("number", "integer"):
            columns[column.name] = values.astype("float64")
        else:
            columns[column.name] = values.astype("str").where(values.notna())
    return pd.DataFrame(columns).reset_index(drop=True)


def _codes_list(
    rng: np.random.Generator, codes: tuple[str, ...], n: int, most: int = 3
) -> np.ndarray:
    """n `;`-lists of 1..most distinct codes (None for about one in five)."""
    picks = rng.integers(0, len(codes), size=(n, most))
    counts = rng.integers(1, most + 1, size=n)
    lists = [
        ";".join(dict.fromkeys(codes[j] for j in row[:c]))
        for row, c in zip(picks, counts, strict=True)
    ]
    return np.where(rng.random(n) < 0.2, None, np.array(lists, dtype=object))


def _perimeters(rng: np.random.Generator, communes: pd.DataFrame) -> pd.DataFrame:
    """The EPCI and départements of the area, and circonscriptions cut in each département."""
    epci = sorted(communes["epci"].dropna().unique())
    deps = sorted(communes["departement"].dropna().unique())
    rows = [
        {"id": f"P_EPCI_{e}", "nom": f"EPCI {e}", "type": "epci", "communes": f"epci:{e}"}
        for e in epci
    ]
    rows += [
        {
            "id": f"P_DEP_{d}",
            "nom": f"Département {d}",
            "type": "departement",
            "communes": f"dep:{d}",
        }
        for d in deps
    ]
    cut = rng.integers(0, CIRCONSCRIPTIONS_PER_DEPARTEMENT, size=len(communes))
    groups = pd.DataFrame(
        {"dep": communes["departement"].to_numpy(), "cut": cut, "code": communes.index.to_numpy()}
    )
    for (dep, number), codes in groups.groupby(["dep", "cut"])["code"]:
        rows.append(
            {
                "id": f"P_CAS_{dep}_{number}",
                "nom": f"Circonscription {dep}-{number}",
                "type": "circonscription_action_sociale",
                "communes": ";".join(codes),
            }
        )
    return pd.DataFrame(rows)


def synthetic_tables(scale: str | Scale = "france", seed: int = 0) -> dict[str, pd.DataFrame]:
    """Random but valid tables at `scale` (a key of SCALES or a Scale), reproducible by seed."""
    size = SCALES[scale] if isinstance(scale, str) else scale
    rng = np.random.default_rng(seed)
    communes = _communes(size.area)
    perimeters = _perimeters(rng, communes)
    perimeter_ids = perimeters["id"].to_numpy()

    actor_ids = np.array([f"A{i:06d}" for i in range(size.actors)], dtype=object)
    has_ressort = rng.random(size.actors) < 0.5
    actors = pd.DataFrame(
        {
            "id": actor_ids,
            "nom": [f"Acteur {i}" for i in range(size.actors)],
            "categorie": rng.choice(VOCABULARIES["actor_category"], size.actors),
            "forme": rng.choice(VOCABULARIES["actor_form"], size.actors, p=[0.8, 0.15, 0.05]),
            "champ": rng.choice(VOCABULARIES["field"], size.actors, p=[0.45, 0.4, 0.15]),
            "commune": rng.choice(communes.index.to_numpy(), size.actors),
            "ressort": np.where(has_ressort, rng.choice(perimeter_ids, size.actors), None),
            "echelle": rng.choice(VOCABULARIES["scale"], size.actors),
            "thematiques": _codes_list(rng, VOCABULARIES["theme"], size.actors),
        }
    )

    scheme_ids = np.array([f"D{i:05d}" for i in range(size.schemes)], dtype=object)
    types = rng.choice(VOCABULARIES["scheme_type"], size.schemes)
    start = pd.Timestamp("2018-01-01") + pd.to_timedelta(
        rng.integers(0, 2500, size.schemes), unit="D"
    )
    length = pd.to_timedelta(rng.integers(180, 2200, size.schemes), unit="D")
    dated = rng.random(size.schemes) < 0.85
    schemes = pd.DataFrame(
        {
            "id": scheme_ids,
            "nom": [f"Dispositif {i}" for i in range(size.schemes)],
            "type": types,
            "perimetre": rng.choice(perimeter_ids, size.schemes),
            "pilote": np.where(
                rng.random(size.schemes) < 0.9, rng.choice(actor_ids, size.schemes), None
            ),
            "debut": start.where(dated),
            "fin": (start + length).where(dated),
            "stade": rng.choice(VOCABULARIES["stage"], size.schemes),
            "thematiques": _codes_list(rng, VOCABULARIES["theme"], size.schemes),
            "secteur": np.where(types == "AUTRE", rng.choice(_SECTORS, size.schemes), None),
        }
    )

    n = size.participations
    stages = rng.choice(VOCABULARIES["entry_stage"], n)
    participations = pd.DataFrame(
        {
            "dispositif": rng.choice(scheme_ids, n),
            "acteur": rng.choice(actor_ids, n),
            "role": rng.choice(VOCABULARIES["role"][1:], n),
            "stade_entree": np.where(rng.random(n) < 0.7, stages, None),
            "nature": _codes_list(rng, VOCABULARIES["nature"], n, most=2),
        }
    ).drop_duplicates(["dispositif", "acteur", "role"])

    m = size.blockages
    blockages = pd.DataFrame(
        {
            "id": [f"B{i:05d}" for i in range(m)],
            "categorie": rng.choice(VOCABULARIES["blockage_category"], m),
            "sous_categorie": rng.choice(["pensée en silos", "appels à projets", None], m),
            "description": [f"Blocage rapporté {i}" for i in range(m)],
            "territoire": rng.choice(perimeter_ids, m),
            "date": pd.Timestamp("2021-01-01")
            + pd.to_timedelta(rng.integers(0, 1500, m), unit="D"),
            "source": rng.choice(VOCABULARIES["source"], m),
            "statut": rng.choice(VOCABULARIES["status"], m),
            "levier": np.where(rng.random(m) < 0.6, rng.choice(VOCABULARIES["lever"], m), None),
        }
    )
    return {
        "acteurs": _typed("acteurs", actors),
        "perimetres": _typed("perimetres", perimeters),
        "dispositifs": _typed("dispositifs", schemes),
        "participations": _typed("participations", participations),
        "blocages": _typed("blocages", blockages),
    }


def _timed(step: str, function, *args) -> tuple[dict, object]:
    began = time.perf_counter()
    result = function(*args)
    return {"step": step, "seconds": round(time.perf_counter() - began, 3)}, result


def bench_participation_indicators(model: Model) -> list[dict]:
    """Time transversality, bridging actors, late funders, blockages and the directory."""
    from maillage.blockages import blockage_summary, category_by_territory, status_over_time
    from maillage.directory import directory
    from maillage.transversality import bridging_actors, late_funders, transversality

    rows = []
    for name, function in (
        ("transversality", transversality),
        ("bridging_actors", bridging_actors),
        ("late_funders", late_funders),
        ("blockages", blockage_summary),
        ("blockages_by_territory", category_by_territory),
        ("blockages_over_time", status_over_time),
        ("directory", directory),
    ):
        row, _ = _timed(name, function, model)
        rows.append(row)
    first = model.territory[0] if model.territory else None
    row, _ = _timed(
        "directory_commune", lambda m: directory(m, commune=first, text="acteur 1"), model
    )
    rows.append(row)
    return rows


def bench_network(model: Model) -> dict:
    """Time the network measures of the whole model (degree, sampled betweenness of the
    projected actor graph, components); the page computes them once per version and scope."""
    from maillage.network import network_measures

    row, measures = _timed("network", network_measures, model)
    return {
        **row,
        "actors": len(model.actors),
        "schemes": len(model.schemes),
        "participations": len(model.participations),
        "sampled_sources": measures.sampled_sources,
        "components": measures.components,
    }


def main(argv: list[str]) -> None:
    for scale in argv or list(SCALES):
        row, tables = _timed("generate", synthetic_tables, scale)
        print(json.dumps({"scale": scale, **row}))
        row, model = _timed("build_model", build_model, tables)
        print(json.dumps({"scale": scale, **row}))
        for row in bench_participation_indicators(model):
            print(json.dumps({"scale": scale, **row}))
        print(json.dumps({"scale": scale, **bench_network(model)}))


if __name__ == "__main__":
    main(sys.argv[1:])
