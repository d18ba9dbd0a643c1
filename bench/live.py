"""The real thing, for the browser journeys and the load test: the `streamlit run serve.py` server
on a free loopback port with its own database, and Debian's chromium driven by Playwright.

Shared by tests/e2e/ (which prove the pages) and bench/load.py (which times them), so that
both wait for a page the same way: connected, script finished, no exception box.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_WORKBOOK = ROOT / "data" / "demo" / "maillage-demo.xlsx"
DEMO_SPACE = "demo"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
MISSING_CHROMIUM = (
    "Le navigateur Chromium de Debian est introuvable : les parcours dans un vrai navigateur "
    "ne peuvent pas tourner (ils ne sont jamais ignorés). Installez-le avec "
    "« sudo apt-get install chromium » (ou « make browser » en root), puis relancez "
    "« make test »."
)
# Streamlit marks its root with the run state: wait for "connected, script not running".
SETTLED = (
    '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
    '[data-test-script-state="notRunning"]'
)
EXCEPTION = '[data-testid="stException"]'
# What counts as "the main chart, map or table is drawn".
PLOTLY = ".js-plotly-plot .main-svg"
DECK = '[data-testid="stDeckGlJsonChart"] canvas'
DATAFRAME = '[data-testid="stDataFrame"] canvas, [data-testid="stTable"] table'
VEGA = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
METRIC = '[data-testid="stMetric"]'
DRAWING = ".maillage-dessin svg"  # maillage.ui.maps.svg: a map drawn as SVG
ANY_DRAWING = ", ".join([PLOTLY, DECK, DRAWING, DATAFRAME, VEGA])


class ServerDidNotStart(RuntimeError):
    """`streamlit run` exited or never answered /_stcore/health; the message holds its log."""


def chromium_path() -> str | None:
    """Debian's chromium (never a browser downloaded by Playwright)."""
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def publish_base(db: Path) -> str:
    """Publish the demo in space "demo": `maillage demo` when the demo workbook exists, else
    the small workbook of tests/workbooks.py through the same import path. Returns the space."""
    from maillage.cli import main

    if DEMO_WORKBOOK.exists() and main(["demo", "--db", str(db)]) == 0:
        return DEMO_SPACE
    from maillage.publishing import import_files
    from maillage.store import Store

    outcome = import_files(Store(db), DEMO_SPACE, [("maillage-demo.xlsx", fallback_workbook())])
    assert outcome.version is not None, [p.message for p in outcome.validation.problems]
    return DEMO_SPACE


def demo_workbook_bytes() -> tuple[str, bytes]:
    """The workbook an analyst uploads in the journeys: the demo, or the small fallback."""
    if DEMO_WORKBOOK.exists():
        return DEMO_WORKBOOK.name, DEMO_WORKBOOK.read_bytes()
    return "maillage-demo.xlsx", fallback_workbook()


def fallback_workbook() -> bytes:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.workbooks import minimal_sheets, xlsx_bytes

    return xlsx_bytes(minimal_sheets())


@contextmanager
def streamlit_server(
    db: Path,
    log: Path,
    *,
    attempts: int = 3,
    start_timeout: float = 60,
    env: dict[str, str] | None = None,
    script: Path | None = None,
) -> Iterator[str]:
    """Run `streamlit run serve.py` (the app behind its gate) on 127.0.0.1 with MAILLAGE_DB=db,
    as `make run` does (MAILLAGE_AUTH=off, unless `env` says otherwise); yield its base URL."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MAILLAGE_SPACE", "MAILLAGE_URL", "MAILLAGE_AUTH")
    }
    env = {
        **inherited,
        "MAILLAGE_DB": str(db),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "MAILLAGE_AUTH": "off",
        **(env or {}),
    }
    for attempt in range(attempts):
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script or ROOT / "serve.py"),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--server.runOnSave",
            "false",
        ]
        with open(log, "ab") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            if _wait_healthy(url, process, start_timeout):
                yield url
                return
        finally:
            _stop(process)
        if attempt == attempts - 1:
            tail = log.read_text(errors="replace")[-3000:]
            raise ServerDidNotStart(f"Le serveur streamlit n’a pas démarré :\n{tail}")


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False  # port taken in the meantime, or a crash: the caller retries
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def screens() -> list[tuple[str, str, bool]]:
    """(file, French title, analyst only) of every screen but the home, read when called: the
    journeys grow with the product."""
    from maillage.ui.navigation import HOME, SCREENS

    return [(s.file, s.title, s.needs is not None) for s in SCREENS if s is not HOME]


def url_path(file: str) -> str:
    """The French address of a page file, as registered (`st.Page(url_path=…)`)."""
    from maillage.ui.navigation import screen

    return screen(file.removesuffix(".py")).url_path if file else ""


def french_int(text: str) -> int:
    """`1 234` (spaces or no-break spaces as thousands separators) → 1234."""
    return int(re.sub(r"[\s\u00a0\u202f]", "", text))


VERSION_CAPTION = re.compile(r"version\s+(\d+)\s+publiée")
