"""One scale's import pipeline in a process of its own, so its peak memory is its own.

Prints JSON lines: read (calamine) with the openpyxl baseline of the same file, validate,
publish, and the total, each with the peak resident memory of this process.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from maillage.reference import load_reference
from maillage.store import Store
from maillage.validation import validate
from maillage.workbook import read_paths

BIG = 1 << 40  # the bench reads its own files: no upload limit


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit(**fields) -> None:
    print(json.dumps(fields, ensure_ascii=False), flush=True)


def openpyxl_baseline(path: Path) -> float:
    began = time.perf_counter()
    pd.read_excel(path, sheet_name=None, engine="openpyxl", dtype=str)
    return time.perf_counter() - began


def main(scale: str, path: str, baseline: bool) -> None:
    path = Path(path)
    load_reference()  # loaded once per process by the app too: not part of an import
    began = time.perf_counter()
    workbook = read_paths([path], max_bytes=BIG)
    read = time.perf_counter() - began
    rows = sum(len(sheet.frame) for sheet in workbook.sheets.values())
    base = openpyxl_baseline(path) if baseline else None
    emit(
        scale=scale,
        step="read",
        seconds=round(read, 3),
        rows=rows,
        file_mb=round(path.stat().st_size / 1e6, 1),
        peak_mb=peak_mb(),
        baseline="pandas+openpyxl",
        baseline_seconds=base and round(base, 3),
        ratio=base and round(base / read, 1),
    )
    began = time.perf_counter()
    validation = validate(workbook)
    checked = time.perf_counter() - began
    errors = sum(p.severity == "erreur" for p in validation.problems)
    emit(
        scale=scale,
        step="validate",
        seconds=round(checked, 3),
        problems=len(validation.problems),
        errors=errors,
        peak_mb=peak_mb(),
    )
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        Store(Path(folder) / "bench.db").publish(
            scale, validation.tables, file=path.name, sha256=workbook.sha256
        )
        published = time.perf_counter() - began
    emit(scale=scale, step="publish", seconds=round(published, 3), peak_mb=peak_mb())
    total = read + checked + published
    emit(
        scale=scale,
        step="read+validate+publish",
        seconds=round(total, 3),
        peak_mb=peak_mb(),
        baseline_seconds=base and round(base + checked + published, 3),
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] == "baseline")
