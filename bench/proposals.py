"""Pistes d'action at the bench's scales: the proposals on a built model, beside the SPEC §3
indicators of the same model in the same run (the proposals read those indicators: the ratio
says what they add); their derivation when a version is published (`maillage import` keeps
them beside the version); and `maillage pistes --json` as a user runs it after, a new process
that reads what was kept, beside `maillage indicators --json`, which computes.

    .venv/bin/python -m bench.proposals france        # one JSON line per step
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bench_proposals(model, database: Path | None = None) -> list[dict]:
    from maillage.indicators import spec_indicators
    from maillage.model import Model
    from maillage.proposals import build_proposals

    assert isinstance(model, Model)
    rows = []
    began = time.perf_counter()
    found = build_proposals(model, date(2026, 12, 1))
    seconds = time.perf_counter() - began
    fresh = type(model)(**{k: getattr(model, k) for k in model.__dataclass_fields__})
    began = time.perf_counter()
    spec_indicators(fresh)
    baseline = time.perf_counter() - began
    rows.append(
        {
            "step": "proposals (SPEC §3.2)",
            "seconds": round(seconds, 3),
            "proposals": len(found),
            "baseline": "indicators (SPEC §3), same model",
            "baseline_seconds": round(baseline, 3),
        }
    )
    if database is not None:
        from maillage.derived import derive
        from maillage.store import Store

        store = Store(database)
        began = time.perf_counter()  # what `maillage import` adds to a publication
        derive(store, store.latest("principal"))
        rows.append(
            {
                "step": "derivation at publication (indicators and proposals kept)",
                "seconds": round(time.perf_counter() - began, 3),
                "baseline": "proposals (SPEC §3.2), same model",
                "baseline_seconds": round(seconds, 3),
            }
        )
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "maillage.cli", "pistes", "--json", "--db", str(database)],
            capture_output=True,
            cwd=ROOT,
        )
        seconds = time.perf_counter() - began
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        count = len(json.loads(done.stdout)["proposals"])
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "maillage.cli", "indicators", "--json", "--db", str(database)],
            capture_output=True,
            cwd=ROOT,
            check=True,
        )
        baseline = time.perf_counter() - began
        rows.append(
            {
                "step": "maillage pistes --json (whole process)",
                "seconds": round(seconds, 3),
                "proposals": count,
                "baseline": "maillage indicators --json (whole process)",
                "baseline_seconds": round(baseline, 3),
            }
        )
        began = time.perf_counter()  # what a committee reads: every rule, the ten first worded
        subprocess.run(
            [
                sys.executable,
                "-m",
                "maillage.cli",
                "pistes",
                "--json",
                "--limit",
                "10",
                "--db",
                str(database),
            ],
            capture_output=True,
            cwd=ROOT,
            check=True,
        )
        rows.append(
            {
                "step": "maillage pistes --json --limit 10 (whole process)",
                "seconds": round(time.perf_counter() - began, 3),
                "proposals": 10,
                "baseline": "maillage indicators --json (whole process)",
                "baseline_seconds": round(baseline, 3),
            }
        )
    return rows


def main(scales: list[str]) -> None:
    from bench.indicators_scale import synthetic_tables
    from maillage.model import build_model
    from maillage.store import Store

    for scale in scales or ["departement", "region", "france"]:
        tables = synthetic_tables(scale, seed=0)
        with tempfile.TemporaryDirectory() as folder:
            database = Path(folder) / f"{scale}.db"
            Store(database).publish("principal", tables, file=f"{scale}.xlsx", sha256=None)
            for row in bench_proposals(build_model(tables), database):
                print(json.dumps({"scale": scale, **row}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
