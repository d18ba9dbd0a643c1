"""`make bench`: one JSON line per step and scale, each with a baseline from the same run.

Scales follow DESIGN.md §Bench: a département, a region (Auvergne-Rhône-Alpes) and France.
Ratios against the baseline, not absolute times, are what we compare between runs.
`python -m bench departement region` runs only the named scales, `python -m bench load` only
the load test, `python -m bench pages` only the screens in a browser against a minimal page,
`python -m bench complete` only the completion of the demo by a national list,
`python -m bench sessions` only the 100 sessions on two instances and one PostgreSQL
(bench/load_sessions.py), clicking all at once, then reading each page as a committee does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.atlas import bench_atlas
from bench.indicators_scale import bench_network, bench_participation_indicators, synthetic_tables
from bench.mismatch import bench_mismatch
from bench.overlaps import bench_overlaps, synthetic_model
from bench.proposals import bench_proposals
from bench.share_view import bench_share_view
from bench.workbook_files import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
SCALES = ("departement", "region", "france")


def emit(**fields) -> None:
    print(json.dumps(fields, ensure_ascii=False, default=str), flush=True)


def timed(scale: str, step: str, function, *args, **extra) -> object:
    began = time.perf_counter()
    result = function(*args)
    emit(scale=scale, step=step, seconds=round(time.perf_counter() - began, 3), **extra)
    return result


def bench_scale(scale: str, folder: Path) -> None:
    from maillage.indicators import spec_indicators
    from maillage.model import build_model
    from maillage.store import Store

    began = time.perf_counter()
    tables = synthetic_tables(scale, seed=0)
    path = write_xlsx(tables, folder / f"{scale}.xlsx")
    emit(
        scale=scale,
        step="generate workbook",
        seconds=round(time.perf_counter() - began, 3),
        rows={name: len(table) for name, table in tables.items()},
    )
    subprocess.run(
        [sys.executable, "-m", "bench.pipeline", scale, str(path), "baseline"], check=True, cwd=ROOT
    )

    model = timed(scale, "build model", build_model, tables)
    timed(scale, "indicators (SPEC §3)", spec_indicators, model)
    for measure in (
        bench_mismatch,
        bench_network,
        bench_participation_indicators,
        bench_atlas,
        bench_share_view,
    ):
        result = measure(model)
        for line in result if isinstance(result, list) else [result]:
            emit(scale=scale, **line)
    # overlaps need realistic clusters (hubs, nested levels): their own generator, same scale
    emit(scale=scale, **bench_overlaps(synthetic_model(scale)))

    database = folder / f"{scale}.db"
    Store(database).publish("principal", tables, file=path.name, sha256=None)
    for line in bench_proposals(model, database):
        emit(scale=scale, **line)
    emit(scale=scale, **first_page_render(database))


def first_page_render(database: Path) -> dict:
    """The home page of the real app on the published version, cold then warm (cached),
    served as `make run` serves it (127.0.0.1, so no login form)."""
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1.util import patch_config_options

    os.environ["MAILLAGE_DB"] = str(database)
    timings = []
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    with patch_config_options({"server.address": "127.0.0.1"}):
        for _ in range(2):
            began = time.perf_counter()
            app.run()
            timings.append(time.perf_counter() - began)
    return {
        "step": "first page render",
        "seconds": round(timings[0], 3),
        "rerun_seconds": round(timings[1], 3),
        "metrics": len(app.metric),
        "exceptions": len(app.exception),
    }


def main(argv: list[str]) -> None:
    """`python -m bench [scale…] [load] [changes]`: everything by default."""
    scales = [a for a in argv if a in SCALES] or ([] if argv else list(SCALES))
    with tempfile.TemporaryDirectory() as folder:
        for scale in scales:
            bench_scale(scale, Path(folder))
    if not argv or "pages" in argv:
        from bench.pages import bench_pages

        for line in bench_pages():
            emit(scale="demo", **line)
    if not argv or "load" in argv:
        from bench.load import bench_load

        emit(scale="region", **bench_load())
    if not argv or "changes" in argv:
        from bench.changes import bench_changes_and_dossier

        for line in bench_changes_and_dossier():
            emit(**line)
    if not argv or "complete" in argv:
        from bench.completing import bench_complete

        for line in bench_complete():
            emit(scale="departement", **line)
    if not argv or "sessions" in argv:
        from bench.load_sessions import Reading, bench_load_sessions

        emit(scale="departement", **bench_load_sessions())  # 100 clicks at once
        emit(scale="departement", **bench_load_sessions(reading=Reading()))  # a committee day


if __name__ == "__main__":
    main(sys.argv[1:])
