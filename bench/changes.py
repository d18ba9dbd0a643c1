"""Changes between two versions at France scale, and the dossier of a region, as whole
processes (`maillage changes --json`, `maillage dossier`), as an analyst runs them.

The second version moves a little of everything, as a quarter between two committees does:
1 % of actors removed and as many added, 2 % of actors and schemes edited, 1 % of
participations lost and as many gained, a few perimeters growing, 10 % of blockages changing
status. Both versions are derived as `maillage import` derives them when it publishes (timed
apart, as is the comparison of versions never derived). Baselines in the same run: the rows
compared the naive way (one dict per row, column by column), and the HTML meeting report of
the same region (the dossier's content without map nor PDF). Run alone: `python -m bench
changes`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.indicators_scale import synthetic_tables
from maillage.derived import derive
from maillage.store import Store

ROOT = Path(__file__).resolve().parents[1]


def second_version(tables: dict[str, pd.DataFrame], seed: int = 1) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    new = {name: frame.copy() for name, frame in tables.items()}
    actors = new["acteurs"]
    n = len(actors)
    actors = actors[rng.random(n) >= 0.01]
    edited = rng.random(len(actors)) < 0.02
    actors.loc[edited, "nom"] = actors.loc[edited, "nom"] + " (renommé)"
    added = actors.sample(n // 100, random_state=seed).assign(
        id=[f"N{i:06d}" for i in range(n // 100)]
    )
    new["acteurs"] = pd.concat([actors, added], ignore_index=True)
    kept = set(new["acteurs"]["id"])
    schemes = new["dispositifs"]
    schemes.loc[~schemes["pilote"].isin(kept), "pilote"] = None
    edited = rng.random(len(schemes)) < 0.02
    schemes.loc[edited, "fin"] = schemes.loc[edited, "fin"] + pd.Timedelta(days=365)
    participations = new["participations"]
    participations = participations[participations["acteur"].isin(kept)]
    participations = participations[rng.random(len(participations)) >= 0.01]
    gained = participations.sample(len(participations) // 100, random_state=seed)
    gained = gained.assign(acteur=rng.choice(sorted(kept), len(gained)))
    new["participations"] = (
        pd.concat([participations, gained])
        .drop_duplicates(["dispositif", "acteur", "role"])
        .reset_index(drop=True)
    )
    perimeters = new["perimetres"]
    grows = (perimeters["type"] == "circonscription_action_sociale") & (
        rng.random(len(perimeters)) < 0.01
    )
    perimeters.loc[grows, "communes"] = perimeters.loc[grows, "communes"] + ";01001"
    blockages = new["blocages"]
    moved = rng.random(len(blockages)) < 0.1
    blockages.loc[moved, "statut"] = "leve"
    return new


def naive_row_diff(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> int:
    """The obvious way: each row as a dict, keyed by id, compared cell by cell."""
    changed = 0
    for sheet, key in (
        ("acteurs", ["id"]),
        ("dispositifs", ["id"]),
        ("perimetres", ["id"]),
        ("blocages", ["id"]),
        ("participations", ["dispositif", "acteur", "role"]),
    ):
        rows_old = {tuple(r[k] for k in key): r for r in old[sheet].to_dict(orient="records")}
        rows_new = {tuple(r[k] for k in key): r for r in new[sheet].to_dict(orient="records")}
        changed += len(rows_old.keys() ^ rows_new.keys())
        for k in rows_old.keys() & rows_new.keys():
            a, b = rows_old[k], rows_new[k]
            changed += any(str(a[c]) != str(b.get(c)) for c in a)
    return changed


def _process(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "maillage.cli", *args], capture_output=True, check=True, cwd=ROOT
    )
    return time.perf_counter() - began, done


def bench_changes(folder: Path) -> dict:
    old = synthetic_tables("france", seed=0)
    new = second_version(old)
    database = folder / "changes.db"
    store = Store(database)
    versions = [store.publish("principal", old, file="v1", sha256=None)]
    versions.append(store.publish("principal", new, file="v2", sha256=None))
    never_derived, _ = _process("changes", "--json", "--db", str(database))  # derives what it reads
    began = time.perf_counter()
    for info in versions:  # as `maillage import` does after publishing
        derive(store, info)
    derivation = time.perf_counter() - began
    seconds, done = _process("changes", "--json", "--db", str(database))
    result = json.loads(done.stdout)
    began = time.perf_counter()
    naive_row_diff(old, new)
    baseline = time.perf_counter() - began
    from maillage.indicators import spec_indicators
    from maillage.model import build_model

    began = time.perf_counter()
    spec_indicators(build_model(new))
    yardstick = time.perf_counter() - began  # README: 2.4–3.4 s on an idle machine
    return {
        "step": "changes, two versions (whole process)",
        "seconds": round(seconds, 3),
        "baseline_naive_rows_seconds": round(baseline, 3),
        "goal_seconds": 5,
        "yardstick_model_and_indicators_seconds": round(yardstick, 3),
        "versions_never_derived_seconds": round(never_derived, 3),
        "derivation_at_publication_seconds_both_versions": round(derivation, 3),
        "rows": {
            sheet: {k: len(v) for k, v in rows.items()} for sheet, rows in result["rows"].items()
        },
        "perimeters_redrawn": len(result["perimeter_communes"]),
        "blockage_status": len(result["blockage_status"]),
    }


def bench_dossier(folder: Path) -> dict:
    from maillage.model import build_model
    from maillage.report import ReportSource, meeting_report

    old = synthetic_tables("region", seed=0)
    new = second_version(old)
    database = folder / "dossier.db"
    store = Store(database)
    store.publish("principal", old, file="v1", sha256=None)
    info = store.publish("principal", new, file="v2", sha256=None)
    out = folder / "dossier.pdf"
    seconds, _ = _process("dossier", str(out), "--since", "1", "--db", str(database))
    from pypdf import PdfReader

    pages = len(PdfReader(out).pages)
    began = time.perf_counter()
    model = build_model(new)
    meeting_report(model, ReportSource("principal", info.version, info.published_at, "Région"))
    baseline = time.perf_counter() - began
    return {
        "step": "dossier PDF of a region (whole process)",
        "seconds": round(seconds, 3),
        "baseline_html_report_seconds": round(baseline, 3),
        "goal_seconds": 10,
        "pages": pages,
        "bytes": out.stat().st_size,
    }


def bench_changes_and_dossier() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        return [
            {"scale": "france", **bench_changes(Path(folder))},
            {"scale": "region", **bench_dossier(Path(folder))},
        ]


if __name__ == "__main__":
    for line in bench_changes_and_dossier():
        print(json.dumps(line, ensure_ascii=False))
