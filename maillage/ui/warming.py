"""A version published elsewhere — by the command line, by another instance — is computed on
this instance as soon as it sees it, not by its first reader.

Caches are keyed on immutable versions (`maillage.ui.data`): after a publication, the first
reader of each page computes it for the new version while every reader behind them waits on
the cache's lock, a committee's worth of people at region scale. So each server process keeps
the page computations it was asked for lately (`note`), and one thread per database looks
for a newer version of their spaces every few seconds; when one lands, it replays them for
that version. Only in a running server: tests in AppTest start no thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from streamlit.logger import get_logger

from maillage.formats import counted

LOOK_EVERY_SECONDS = 3.0
THREAD = "maillage-prechauffage"
KEPT_CALLS = 64  # the pages and views read lately on this instance; older ones wait for a reader
_LOG = get_logger("maillage.warming")

Replay = Callable[[int], Any]  # the same computation, for another version of its space


class _NotOurThread(logging.Filter):
    """Streamlit warns of a « missing ScriptRunContext » whenever a cache is read outside a
    page's run: here, that is the point."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != THREAD


get_logger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_NotOurThread())


class Warmer:
    """The calls read lately on one database, and the thread that replays them."""

    def __init__(
        self, latest: Callable[[str], int | None], every: float | None = LOOK_EVERY_SECONDS
    ):
        self._latest = latest  # space → its latest version number, read from the store
        self._every = every  # seconds between two looks; None: only when asked (`look_once`)
        self._lock = threading.Lock()
        self._calls: OrderedDict[tuple[str, Any], Replay] = OrderedDict()
        self._versions: dict[str, int] = {}
        self._thread: threading.Thread | None = None

    def note(self, space: str, version: int, key: Any, replay: Replay) -> None:
        """A page read `key` of `space` at `version`; `replay(v)` computes it for version v."""
        with self._lock:
            self._versions[space] = max(version, self._versions.get(space, version))
            self._calls[(space, key)] = replay
            self._calls.move_to_end((space, key))
            while len(self._calls) > KEPT_CALLS:
                self._calls.popitem(last=False)
            if self._thread is None and self._every is not None:
                self._thread = threading.Thread(target=self._watch, name=THREAD, daemon=True)
                self._thread.start()

    def look_once(self) -> list[tuple[str, int]]:
        """Replay, for each space with a newer version, what was read of it; the (space,
        version) warmed."""
        with self._lock:
            versions = dict(self._versions)
        warmed = []
        for space, seen in versions.items():
            latest = self._latest(space)
            if latest is None or latest <= seen:
                continue
            with self._lock:
                self._versions[space] = latest
                replays = [r for (s, _key), r in self._calls.items() if s == space]
            began = time.perf_counter()
            for replay in replays:
                replay(latest)
            _LOG.info(
                "Version %s de l’espace « %s » préparée avant sa première lecture (%s, %.2f s).",
                latest,
                space,
                counted(len(replays), "calcul"),
                time.perf_counter() - began,
            )
            warmed.append((space, latest))
        return warmed

    def _watch(self) -> None:
        assert self._every is not None
        while True:
            time.sleep(self._every)
            try:
                self.look_once()
            except Exception as error:  # the next reader computes it: never a crash here
                _LOG.warning("Préchauffage interrompu : %s", error)
