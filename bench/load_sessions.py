"""Load of a committee day: 100 read-only sessions of a share link on two app instances that
share one PostgreSQL database, while an analyst publishes a new version.

Not 100 chromiums on 2 cores: each session is a raw WebSocket client that sends what a
browser sends (a `rerun_script` BackMsg with the link's query string and a page's hash) and
reads the ForwardMsgs until `script_finished`. Every session opens the link, then cycles
through every page it is offered; half of them talk to each instance. Loopback only, bounded
in visits (`cycles` per session) and in time (a deadline), it stops by itself.

Reported: errors (an exception element, a page that never finishes), torn reads (a home page
whose counts of actors and of schemes do not belong to one published version — a share link
shows no version number, and the second version has fewer of both), and for each
page the 95th-percentile time under load next to the same page's time for one session alone,
measured first in the same run (goal: ≤ 3×).

    .venv/bin/python -m bench.load_sessions     # prints one JSON line
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.live import ROOT, french_int, publish_base, streamlit_server

SPACE = "demo"


@dataclass
class Visit:
    page: str
    seconds: float
    error: str | None = None
    actors: int | None = None
    schemes: int | None = None


def _messages():
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return BackMsg, ForwardMsg


async def _visit(ws, query: str, page_hash: str, name: str, timeout: float) -> tuple[Visit, list]:
    back_msg, forward_msg = _messages()
    msg = back_msg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_script_hash = page_hash
    began = time.perf_counter()
    await ws.send(msg.SerializeToString())
    pages, error, counts = [], None, {}
    try:
        while True:
            forward = forward_msg.FromString(await asyncio.wait_for(ws.recv(), timeout))
            kind = forward.WhichOneof("type")
            if kind == "navigation":
                pages = [(p.page_script_hash, p.url_pathname) for p in forward.navigation.app_pages]
            elif kind == "delta" and forward.delta.HasField("new_element"):
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    error = f"exception : {element.exception.message[:200]}"
                elif which == "metric" and element.metric.label in ("Acteurs", "Dispositifs"):
                    counts[element.metric.label] = french_int(element.metric.body)
            elif kind == "script_finished":
                break
    except TimeoutError:
        error = "page jamais terminée"
    seconds = time.perf_counter() - began
    return Visit(name, seconds, error, counts.get("Acteurs"), counts.get("Dispositifs")), pages


async def _session(
    url: str,
    query: str,
    cycles: int,
    deadline: float,
    timeout: float,
    visits: list[Visit],
    reading: Reading | None = None,
) -> None:
    """Open the link, then every page in turn; with `reading`, arrive late and read each page
    before the next, as a member of a committee does."""
    from websockets.asyncio.client import connect

    if reading is not None:
        await asyncio.sleep(reading.arrival())

    host = url.removeprefix("http://")
    try:
        async with connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Origin": url},
            max_size=None,
            open_timeout=timeout,
        ) as ws:
            first, pages = await _visit(ws, query, "", "", timeout)
            visits.append(first)
            for _ in range(cycles):
                for page_hash, name in pages:
                    if reading is not None:
                        await asyncio.sleep(reading.pause())
                    if time.monotonic() > deadline:
                        return
                    visit, _ = await _visit(ws, query, page_hash, name, timeout)
                    visits.append(visit)
    except Exception as error:  # a refused or dropped connection is an error of the run
        visits.append(Visit("(connexion)", 0.0, f"{type(error).__name__}: {error}"[:200]))


@dataclass
class Reading:
    """A committee day: members open the link within `arrive_s` seconds of each other and
    read each page for `read_s` seconds (uniformly at random, seeded) before the next."""

    arrive_s: float = 30.0
    read_s: tuple[float, float] = (20.0, 40.0)
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def arrival(self) -> float:
        return self.rng.uniform(0.0, self.arrive_s)

    def pause(self) -> float:
        return self.rng.uniform(*self.read_s)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def _run(
    urls: list[str],
    query: str,
    sessions: int,
    cycles: int,
    deadline_s: float,
    timeout: float,
    publish,
    reading: Reading | None,
) -> tuple[list[Visit], list[Visit], float | None]:
    for instance in urls:  # every page drawn once on each instance: caches warm on both
        await _session(instance, query, 1, time.monotonic() + deadline_s, timeout, [])
    alone: list[Visit] = []
    for _ in range(3):  # one session alone, three cycles: the reference of each page
        await _session(urls[0], query, 1, time.monotonic() + deadline_s, timeout, alone)
    loaded: list[Visit] = []
    deadline = time.monotonic() + deadline_s
    clients = [
        asyncio.create_task(
            _session(urls[i % len(urls)], query, cycles, deadline, timeout, loaded, reading)
        )
        for i in range(sessions)
    ]
    # every session has opened the link (or, reading, most have): now the publication lands
    await asyncio.sleep(5 if reading is None else reading.arrive_s)
    began = time.perf_counter()
    await asyncio.to_thread(publish)
    published_in = time.perf_counter() - began
    await asyncio.gather(*clients)
    return alone, loaded, published_in


def bench_load_sessions(
    sessions: int = 100,
    cycles: int = 1,
    deadline_s: float = 180.0,
    timeout: float = 180.0,
    reading: Reading | None = None,
) -> dict:
    """Without `reading`, every session asks its next page as soon as the last one is drawn
    (a stress: 100 clicks at once); with it, a committee day."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from maillage import sharing
    from maillage.store import Store
    from tests.pgserver import PostgresServer

    began = time.perf_counter()
    server = PostgresServer()
    try:
        url = server.create_database()
        publish_base(url)
        store = Store(url)
        first = store.load(SPACE)
        second = dict(first)  # a smaller version: a home page mixing both shows
        second["acteurs"] = first["acteurs"].iloc[:-7]
        second["dispositifs"] = first["dispositifs"].iloc[:-3]
        expected = {
            (len(tables["acteurs"]), len(tables["dispositifs"])): version
            for version, tables in ((1, first), (2, second))
        }
        token, _ = sharing.create(store, SPACE)

        def publish() -> None:
            Store(url).publish(SPACE, second, file="nouvelle.xlsx", sha256=None)

        with tempfile.TemporaryDirectory(prefix="maillage-charge-") as folder:
            logs = Path(folder)
            with (
                streamlit_server(url, logs / "a.log") as a,
                streamlit_server(url, logs / "b.log") as b,
            ):
                alone, loaded, published_in = asyncio.run(
                    _run(
                        [a, b],
                        f"{sharing.QUERY_PARAM}={token}",
                        sessions,
                        cycles,
                        deadline_s,
                        timeout,
                        publish,
                        reading,
                    )
                )
    finally:
        server.stop()
    errors = [v.error for v in loaded + alone if v.error]
    checked = [v for v in loaded if v.actors is not None and v.schemes is not None]
    torn = [v for v in checked if (v.actors, v.schemes) not in expected]
    pages = {}
    for name in sorted({v.page for v in alone if not v.error}):
        single = statistics.median(v.seconds for v in alone if v.page == name and not v.error)
        times = [v.seconds for v in loaded if v.page == name and not v.error]
        if times:
            pages[name or "/"] = {
                "single_s": round(single, 3),
                "p95_s": round(_p95(times), 3),
                "ratio": round(_p95(times) / single, 1),
                "visits": len(times),
            }
    ratios = [p["ratio"] for p in pages.values()]
    return {
        "step": f"{sessions} sessions on 2 instances, one PostgreSQL"
        + (
            ""
            if reading is None
            else f", each reading a page {reading.read_s[0]:g}–{reading.read_s[1]:g} s"
        ),
        "sessions": sessions,
        "instances": 2,
        "visits": len(loaded),
        "errors": len(errors),
        "first_errors": errors[:3],
        "torn_reads": len(torn),
        "checked_reads": len(checked),
        "versions_seen": sorted(
            {expected[key] for v in checked if (key := (v.actors, v.schemes)) in expected}
        ),
        "publish_seconds": round(published_in or 0, 3),
        "pages": pages,
        "worst_p95_ratio": max(ratios) if ratios else None,
        "goal_ratio": 3,
        "seconds": round(time.perf_counter() - began, 1),
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    reading = Reading() if "committee" in sys.argv[2:] else None
    print(json.dumps(bench_load_sessions(count, reading=reading), ensure_ascii=False), flush=True)
