"""Load: 20 people browsing while an analyst publishes a region-scale workbook.

The real `streamlit run serve.py` serves 127.0.0.1 only; one Debian chromium holds 20 browser
contexts (20 Streamlit sessions) that open the home page and every screen of the menu in
turn, while `maillage import` publishes a region-scale workbook into the space they read.
Bounded in count (sessions × visits) and in time (a deadline), it stops by itself.

Reported: every page time (from the address typed to the script finished), errors (an
exception box, a traceback, a lost connection), pages that did not settle within
PAGE_TIMEOUT_MS (`unsettled`: on two loaded cores, twenty headless chromiums can starve one
tab; a hang would show on every session) and torn reads — a home page whose version number
and counts do not all belong to one published version.

    .venv/bin/python -m bench.load        # prints one JSON line
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.live import (
    CHROMIUM_ARGS,
    EXCEPTION,
    MISSING_CHROMIUM,
    SETTLED,
    VERSION_CAPTION,
    chromium_path,
    french_int,
    publish_base,
    screens,
    streamlit_server,
    url_path,
)

# Home-page metrics whose value is the row count of one sheet of the published version.
COUNTED = {"Acteurs": "acteurs", "Dispositifs": "dispositifs"}
PAGE_TIMEOUT_MS = 120_000
GRACE_SECONDS = 20  # a visit begun before the deadline may finish this much after it
WARM_UP_SECONDS = 45  # the publication starts once every session drew a page, or after this


@dataclass
class Visit:
    session: int
    page: str
    seconds: float
    after_publish: bool
    error: str | None = None
    unsettled: bool = False  # still running after PAGE_TIMEOUT_MS: slow, not wrong
    version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Run:
    url: str
    routes: list[str]
    visits: list[Visit] = field(default_factory=list)
    publishing: asyncio.Event = field(default_factory=asyncio.Event)
    published: asyncio.Event = field(default_factory=asyncio.Event)
    warmed: int = 0


def bench_load(
    sessions: int = 20,
    deadline_seconds: float = 150.0,
    folder: Path | None = None,
    log: Path | None = None,
) -> dict:
    """Run the load test; return page times, errors and torn reads as one dict."""
    executable = chromium_path()
    if executable is None:
        raise RuntimeError(MISSING_CHROMIUM)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="maillage-charge-") as temporary:
        folder = Path(folder or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "maillage.db"
        space = publish_base(db)
        from bench.workbooks import region_workbook

        workbook = region_workbook(folder / "region.xlsx")
        log = log or folder / "streamlit.log"
        with streamlit_server(db, log) as url:
            run = Run(url, ["", *(url_path(file) for file, _title, _analyst in screens())])
            # In a thread of its own: the caller may already run an event loop (Playwright's
            # sync API in the test session does).
            with ThreadPoolExecutor(max_workers=1) as worker:
                publication = worker.submit(
                    lambda: asyncio.run(
                        _drive(run, executable, sessions, deadline_seconds, db, space, workbook)
                    )
                ).result()
        from maillage.store import Store

        history = {info.version: info.rows for info in Store(db).history(space)}
    return _report(run, publication, history, sessions, time.perf_counter() - began)


async def _drive(
    run: Run,
    executable: str,
    sessions: int,
    deadline_seconds: float,
    db: Path,
    space: str,
    workbook: Path,
) -> dict:
    from playwright.async_api import async_playwright

    deadline = time.monotonic() + deadline_seconds
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            browsing = [
                asyncio.create_task(_session(run, browser, number, sessions, deadline))
                for number in range(sessions)
            ]
            publication = await _publish(run, sessions, db, space, workbook, deadline)
            await asyncio.gather(*browsing)
        finally:
            await browser.close()
    return publication


async def _publish(
    run: Run, sessions: int, db: Path, space: str, workbook: Path, deadline: float
) -> dict:
    """Once every session has drawn a page, publish through the command line, as an analyst
    with a script would (another process than the server, like a second app instance)."""
    start_by = time.monotonic() + WARM_UP_SECONDS
    while run.warmed < sessions and time.monotonic() < start_by:
        await asyncio.sleep(0.2)
    run.publishing.set()
    began = time.perf_counter()
    maillage = Path(sys.executable).with_name("maillage")
    command = (
        [str(maillage)]
        if maillage.exists()
        else [
            sys.executable,
            "-c",
            "import sys; from maillage.cli import main; sys.exit(main(sys.argv[1:]))",
        ]
    )
    process = await asyncio.create_subprocess_exec(
        *command,
        "import",
        str(workbook),
        "--db",
        str(db),
        "--space",
        space,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    run.published.set()
    return {
        "exit": process.returncode,
        "seconds": time.perf_counter() - began,
        "output": output.decode(errors="replace")[-500:],
    }


async def _session(run: Run, browser, number: int, sessions: int, deadline: float) -> None:
    """Visit the routes in turn (each session starting elsewhere) until the publication is
    done and this session has read the home page after it, or the deadline."""
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", timezone_id="Europe/Paris"
    )
    page = await context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    position = number % len(run.routes)
    warmed = False
    try:
        while time.monotonic() < deadline:
            done = run.published.is_set()
            if done:
                position = 0  # the home page, to read the new version, then stop
            visit = await _visit(run, page, number, run.routes[position], done, deadline)
            if visit is None:
                break  # cut by the deadline: not a finding
            run.visits.append(visit)
            if not warmed:
                warmed = True
                run.warmed += 1
            if done:
                break
            position = (position + 1) % len(run.routes)
    finally:
        await context.close()


async def _visit(
    run: Run, page, number: int, route: str, after_publish: bool, deadline: float
) -> Visit | None:
    """Open one page and wait until its script finished; None when the deadline cut it."""
    name = route or "synthese"
    began = time.perf_counter()
    budget_ms = min(PAGE_TIMEOUT_MS, (deadline + GRACE_SECONDS - time.monotonic()) * 1000)
    cut_by_deadline = budget_ms < PAGE_TIMEOUT_MS
    try:
        await page.goto(
            f"{run.url}/{route}", wait_until="domcontentloaded", timeout=max(budget_ms, 1000)
        )
        await _settle(page, budget_ms)
        if not route:  # the home page is drawn when its counts are
            await (
                page.locator('[data-testid="stMetric"]')
                .filter(has_text="Dispositifs")
                .first.wait_for(timeout=max(budget_ms, 1000))
            )
            await _settle(page, budget_ms)
        seconds = time.perf_counter() - began
        visit = Visit(number, name, seconds, after_publish)
        if await page.locator(EXCEPTION).count():
            visit.error = "boîte d’exception"
            return visit
        text = await page.locator('[data-testid="stApp"]').inner_text()
        if "Traceback" in text:
            visit.error = "trace Python affichée"
        elif not route:
            visit.version, visit.counts = await _read_home(page, text)
        return visit
    except Exception as error:  # a timeout or a lost connection is a finding, not a crash
        timed_out = "Timeout" in type(error).__name__
        if cut_by_deadline and timed_out:
            return None
        if timed_out:
            return Visit(number, name, time.perf_counter() - began, after_publish, unsettled=True)
        return Visit(
            number,
            name,
            time.perf_counter() - began,
            after_publish,
            error=f"{type(error).__name__}: {str(error).splitlines()[0][:200]}",
        )


async def _settle(page, budget_ms: float) -> None:
    """Connected and not running, twice with a beat between: a rerun starts a moment after
    the first run of a fresh session."""
    await page.wait_for_selector(SETTLED, timeout=max(budget_ms, 1000))
    await page.wait_for_timeout(300)
    await page.wait_for_selector(SETTLED, timeout=max(budget_ms, 1000))


async def _read_home(page, text: str) -> tuple[int | None, dict[str, int]]:
    """The version number of the caption and the counted metrics of the home page."""
    versions = {int(v) for v in VERSION_CAPTION.findall(text)}
    counts = {}
    for metric in await page.locator('[data-testid="stMetric"]').all():
        label = (await metric.locator('[data-testid="stMetricLabel"]').inner_text()).strip()
        value = (await metric.locator('[data-testid="stMetricValue"]').inner_text()).strip()
        if label in COUNTED:
            counts[COUNTED[label]] = french_int(value)
        elif label == "Version publiée" and (found := re.search(r"\d+", value)):
            versions.add(int(found.group()))
    if len(versions) != 1:  # two version numbers on one page is a torn read too
        return -1 if versions else None, counts
    return versions.pop(), counts


def _report(
    run: Run, publication: dict, history: dict[int, dict[str, int]], sessions: int, seconds: float
) -> dict:
    answered = [v for v in run.visits if v.error is None and not v.unsettled]
    times = sorted(v.seconds for v in answered)
    errors = [f"session {v.session}, {v.page} : {v.error}" for v in run.visits if v.error]
    unsettled = [f"session {v.session}, {v.page}" for v in run.visits if v.unsettled]
    torn = []
    for v in run.visits:
        if v.page != "synthese" or v.error or v.unsettled:
            continue
        expected = history.get(v.version)
        if (
            expected is None
            or not v.counts
            or any(expected.get(sheet) != count for sheet, count in v.counts.items())
        ):
            torn.append(f"session {v.session} : version {v.version}, comptes {v.counts}")
    by_page: dict[str, list[float]] = {}
    for v in answered:
        by_page.setdefault(v.page, []).append(v.seconds)
    seen: dict[int, int] = {}
    for v in run.visits:
        if v.version is not None:
            seen[v.version] = seen.get(v.version, 0) + 1
    return {
        "step": "load",
        "sessions": sessions,
        "pages": len(run.routes),
        "visits": len(run.visits),
        "median_page_seconds": round(statistics.median(times), 3) if times else None,
        "p90_page_seconds": round(times[int(0.9 * (len(times) - 1))], 3) if times else None,
        "max_page_seconds": round(times[-1], 3) if times else None,
        "median_by_page": {page: round(statistics.median(t), 3) for page, t in by_page.items()},
        "errors": errors,
        "unsettled": unsettled,
        "torn_reads": torn,
        "versions_seen": seen,
        "latest_version": max(history) if history else None,
        "sessions_browsing_before_publish_end": len(
            {v.session for v in answered if not v.after_publish}
        ),
        "sessions_seeing_latest": len(
            {v.session for v in run.visits if history and v.version == max(history)}
        ),
        # A home page opened once the publication had ended that still shows an older version.
        "stale_after_publish": [
            f"session {v.session} : version {v.version}"
            for v in answered
            if v.after_publish and v.page == "synthese" and history and v.version != max(history)
        ],
        "publish_exit": publication["exit"],
        "publish_seconds": round(publication["seconds"], 3),
        "publish_output": publication["output"],
        "seconds": round(seconds, 1),
    }


def main() -> int:
    print(json.dumps(bench_load(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
