"""Completing the demo with a national list the size of ANCT's (2,845 France services sites).

Measured: `import --profile france-services --mode completer` through the real path (read,
map, complete onto the latest version, validate the whole, publish). Baseline in the same run:
what an analyst did before — the same rows merged by hand into the exported demo, and the
whole workbook imported in `remplacer` mode.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import time
from pathlib import Path

SITES = 2_845


def sites_csv(count: int = SITES, seed: int = 0) -> bytes:
    """The ANCT columns, on real communes (one in fifty a former code), no contact data."""
    from maillage.reference import load_reference

    reference = load_reference()
    communes = reference.communes.dropna(subset=["latitude"])
    codes, former = list(communes.index), sorted(reference.former_codes)
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            "id_fs",
            "lib_fs",
            "format_fs",
            "type_fs",
            "labellisation_fs",
            "insee_com",
            "latitude",
            "longitude",
        ]
    )
    for i in range(count):
        code = rng.choice(former) if i % 50 == 0 else rng.choice(codes)
        point = communes.loc[reference.current_code(code) or code]
        writer.writerow(
            [
                10_000 + i,
                f"France services {i}",
                rng.choice(["Site principal", "Antenne", "Bus"]),
                "Collectivité",
                "2021-01-01",
                code,
                str(point["latitude"]).replace(".", ","),
                str(point["longitude"]).replace(".", ","),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def bench_complete() -> list[dict]:
    from maillage.demo import publish_demo
    from maillage.national import FRANCE_SERVICES
    from maillage.publishing import import_files
    from maillage.store import Store
    from maillage.workbook_export import export_tables

    data = sites_csv()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        publish_demo(store)
        began = time.perf_counter()
        outcome = import_files(
            store,
            "demo",
            [("france-services.csv", data)],
            profile=FRANCE_SERVICES,
            mode="completer",
        )
        completed = time.perf_counter() - began
        assert outcome.version is not None
        merged = Path(folder) / "fusion.xlsx"
        export_tables(store.load("demo"), merged)  # the workbook merged by hand
        began = time.perf_counter()
        whole = import_files(store, "copie", [(merged.name, merged.read_bytes())])
        baseline = time.perf_counter() - began
        assert whole.version is not None
    return [
        {
            "step": "complete demo with France services",
            "sites": SITES,
            "seconds": round(completed, 3),
            "added": outcome.completion.added,
            "baseline_seconds": round(baseline, 3),
            "baseline": "same rows merged by hand, whole workbook replaced",
            "ratio": round(completed / baseline, 2),
        }
    ]
