"""Every hostile file is refused cleanly: a French message, bounded time and memory, and the
database byte-for-byte as it was.

The corpus is generated at test time by build_corpus.py. Each file goes through
maillage.publishing.import_files — the one path of the CLI and the import page — into a store
that already holds a published version.
"""

from __future__ import annotations

import hashlib
import io
import re
import resource
import sqlite3
import time
from pathlib import Path

import openpyxl
import pytest

from maillage.problem_report import annotated_workbook, problems_csv
from maillage.problems import ERROR
from maillage.publishing import import_files
from maillage.store import Store
from maillage.workbook import UnreadableWorkbook
from tests.hostile.build_corpus import INJECTIONS, Case, build_corpus
from tests.workbooks import minimal_sheets, xlsx_bytes

SPACE = "principal"
SECONDS = 10.0
MEGABYTES = 500
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "hostile" / "corpus.txt"
FRENCH = re.compile(r"\b(le|la|les|du|des|est|une?|fichier|feuille)\b", re.I)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Case]]:
    folder = tmp_path_factory.mktemp("corpus")
    return folder, build_corpus(folder)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("base") / "maillage.db")
    outcome = import_files(store, SPACE, [("base.xlsx", xlsx_bytes(minimal_sheets()))])
    assert outcome.version is not None
    return store


def fingerprint(path: Path) -> str:
    """The bytes of the database once its write-ahead log is folded into it."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    digest = hashlib.sha256(path.read_bytes())
    wal = path.with_name(path.name + "-wal")
    digest.update(wal.read_bytes() if wal.exists() else b"")
    return digest.hexdigest()


def _status() -> dict[str, int]:
    text = Path("/proc/self/status").read_text()
    return {key: int(re.search(rf"{key}:\s+(\d+)", text).group(1)) for key in ("VmRSS", "VmHWM")}


def measured(function):
    """(result or exception, seconds, peak RSS growth in MB) of one call."""
    try:  # reset the peak to the current RSS (Linux ≥ 4.0): the growth is this call's own
        Path("/proc/self/clear_refs").write_text("5")
        before = _status()["VmRSS"]
        peak = lambda: _status()["VmHWM"]  # noqa: E731
    except OSError:  # elsewhere: the process's peak, which only shows new highs
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # noqa: E731
    began = time.perf_counter()
    try:
        result = function()
    except UnreadableWorkbook as refusal:
        result = refusal
    seconds = time.perf_counter() - began
    return result, seconds, (peak() - before) / 1024


def test_the_corpus_is_large_enough(corpus):
    _folder, cases = corpus
    assert len(cases) >= 30
    assert len({c.name for c in cases}) == len(cases)


def test_every_hostile_file_is_refused_cleanly(corpus, published):
    folder, cases = corpus
    before = fingerprint(published.path)
    version = published.latest(SPACE).version
    failures, lines = [], []
    for case in cases:
        files = [(name, (folder / case.name / name).read_bytes()) for name in case.files]
        result, seconds, megabytes = measured(lambda f=files: import_files(published, SPACE, f))
        failures += [
            f"{case.name} : {problem}" for problem in judge(case, result, seconds, megabytes)
        ]
        lines.append(f"{case.name:36} {seconds:6.2f} s {megabytes:7.1f} Mo  {summary(result)}")
        if fingerprint(published.path) != before:
            failures.append(f"{case.name} : la base de données a changé")
            before = fingerprint(published.path)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert published.latest(SPACE).version == version
    assert not failures, "\n".join(failures)


def summary(result) -> str:
    if isinstance(result, UnreadableWorkbook):
        return f"illisible : {result}"
    errors = [p for p in result.validation.problems if p.severity == ERROR]
    first = errors[0] if errors else None
    where = f"{first.sheet}/{first.row}/{first.column} {first.code}" if first else "—"
    return f"{len(errors)} erreur(s), ex. {where}"


def judge(case: Case, result, seconds: float, megabytes: float) -> list[str]:
    found = []
    if seconds > SECONDS:
        found.append(f"{seconds:.1f} s (limite {SECONDS:.0f} s)")
    if megabytes > MEGABYTES:
        found.append(f"{megabytes:.0f} Mo de mémoire en plus (limite {MEGABYTES} Mo)")
    if isinstance(result, UnreadableWorkbook):
        if case.expect == "invalid":
            found.append(f"illisible alors qu’attendu lisible : {result}")
        message = str(result)
        if not (FRENCH.search(message) and any(name in message for name in case.files)):
            found.append(f"message pas en français ou sans nom de fichier : {message!r}")
        return found
    if case.expect == "unreadable":
        found.append("lu alors qu’il aurait dû être refusé comme illisible")
    if result.version is not None:
        return [*found, f"publié en version {result.version}"]
    errors = [p for p in result.validation.problems if p.severity == ERROR]
    if not errors:
        found.append("refusé sans aucune erreur")
    for problem in result.validation.problems:
        if not FRENCH.search(problem.message) or "Traceback" in problem.message:
            found.append(f"message pas en français : {problem.message!r}")
        if problem.row is not None and (problem.sheet is None or problem.column is None):
            found.append(f"problème sans feuille ou colonne : {problem}")
    codes = {p.code for p in errors}
    found += [
        f"erreur « {code} » attendue, trouvées : {sorted(codes)}"
        for code in case.codes
        if code not in codes
    ]
    if case.where and case.where not in {(p.sheet, p.row, p.column) for p in errors}:
        found.append(
            f"aucune erreur en {case.where} : "
            f"{[(p.sheet, p.row, p.column, p.code) for p in errors]}"
        )
    return found


def test_injection_strings_stay_text_in_every_export(corpus):
    """What an analyst downloads from the problems (annotated workbook, CSV) never turns a
    cell into a formula that Excel would run."""
    folder, cases = corpus
    case = next(c for c in cases if c.name == "injection-de-formules-xlsx")
    files = [(name, (folder / case.name / name).read_bytes()) for name in case.files]
    outcome = import_files(Store(folder / "injection.db"), SPACE, files)
    problems = outcome.validation.problems
    assert outcome.version is None and problems
    workbook = openpyxl.load_workbook(io.BytesIO(annotated_workbook(files, problems)))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    written = {
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    assert INJECTIONS[0] in written  # kept, as text
    text = problems_csv(problems).decode("utf-8-sig")
    for line in text.splitlines()[1:]:
        for value in line.split(";"):
            assert not value.strip('"').startswith(("=", "+", "-", "@")), line
