"""Each screen in a real browser on the demo, next to a minimal Streamlit page served in the
same run: `python -m bench pages`.

For each screen: the time from navigation to its main drawing visible (a map, a chart, a
table or the headline numbers), cold (first visit after the server started, in a fresh
browser context: nothing cached) and warm (a new tab of that context, so a new Streamlit
session with the browser's caches kept: the median of `WARM_RUNS`), and the bytes the server
sent over the websocket.
The floor is the minimal page, measured the same way (to its metric); ratios are against it.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.live import (
    CHROMIUM_ARGS,
    DATAFRAME,
    DECK,
    DRAWING,
    METRIC,
    MISSING_CHROMIUM,
    PLOTLY,
    ROOT,
    chromium_path,
    publish_base,
    streamlit_server,
)

WARM_RUNS = 3
TIMEOUT_MS = 60_000
MAIN_DRAWING = {  # the drawing a visitor waits for; the first metric or table otherwise
    "atlas": DRAWING,
    "mismatch": PLOTLY,
    "overlaps": DATAFRAME,
    "who_does_what": DATAFRAME,
    "blockages": PLOTLY,
    "importing": DATAFRAME,
    "sharing": '[data-testid="stForm"]',
    "methode": '[data-testid="stMarkdown"] h2',
    "pistes": "text=Piste 1 ·",  # the first card
    "evolutions": '[data-testid="stMetric"], [data-testid="stAlert"]',  # one version: a notice
    "contributions": '[data-testid="stForm"], [data-testid="stAlert"]',
}


def _visit(context, url: str, selector: str) -> tuple[float, int]:
    """(seconds to `selector` visible, websocket bytes received by then) in a new tab of
    `context`: a new Streamlit session, with the browser's caches as the context left them."""
    received = [0]
    page = context.new_page()
    try:
        page.on(
            "websocket",
            lambda socket: socket.on(
                "framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload))
            ),
        )
        began = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator(selector).first.wait_for(state="visible", timeout=TIMEOUT_MS)
        seconds = time.perf_counter() - began
        page.wait_for_timeout(300)  # what still arrives for the same page
        return seconds, received[0]
    finally:
        page.close()


def _measure(browser, url: str, selector: str) -> dict:
    """Cold: a fresh browser context (nothing cached, in the browser nor on the server for
    this screen); warm: new tabs of that context, as a visitor coming back the next day (a
    new session, the browser's cache of scripts and styles kept: Streamlit's chart scripts
    are megabytes)."""
    print(f"… {url}", file=sys.stderr, flush=True)  # progress: a run takes minutes
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        cold, cold_bytes = _visit(context, url, selector)
        warm = [_visit(context, url, selector) for _ in range(WARM_RUNS)]
    finally:
        context.close()
    return {
        "cold_seconds": round(cold, 3),
        "warm_seconds": round(statistics.median(s for s, _ in warm), 3),
        "websocket_bytes": max(cold_bytes, *(b for _, b in warm)),
    }


def bench_pages() -> list[dict]:
    """One line for the floor, then one per screen of the registry, demo space."""
    from playwright.sync_api import sync_playwright

    from maillage.ui.navigation import SCREENS

    executable = chromium_path()
    if executable is None:
        raise RuntimeError(MISSING_CHROMIUM)
    lines = []
    with tempfile.TemporaryDirectory(prefix="maillage-pages-") as folder:
        db = Path(folder) / "maillage.db"
        publish_base(db)
        log = Path(folder) / "streamlit.log"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                with streamlit_server(db, log, script=ROOT / "bench" / "minimal_page.py") as url:
                    floor = _measure(browser, url, METRIC)
                lines.append({"step": "page", "page": "minimal", **floor})
                with streamlit_server(db, log) as url:
                    visited = [
                        (screen.stem, screen.url_path, MAIN_DRAWING.get(screen.stem, METRIC))
                        for screen in SCREENS
                    ]  # and the atlas as the map one explores, by its own address
                    visited.append(("atlas_interactive", "atlas?carte=interactive", DECK))
                    for stem, path, selector in visited:
                        found = _measure(browser, f"{url}/{path}", selector)
                        lines.append(
                            {
                                "step": "page",
                                "page": stem,
                                **found,
                                "warm_ratio": round(
                                    found["warm_seconds"] / max(floor["warm_seconds"], 1e-3), 2
                                ),
                                "cold_ratio": round(
                                    found["cold_seconds"] / max(floor["cold_seconds"], 1e-3), 2
                                ),
                            }
                        )
            finally:
                browser.close()
    return lines
