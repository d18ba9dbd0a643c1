"""A newer version is computed before its first reader: the calls read lately are replayed
for it, space by space (maillage.ui.warming)."""

from __future__ import annotations

from maillage.ui.warming import KEPT_CALLS, Warmer


def test_a_newer_version_replays_what_was_read_of_its_space_only():
    latest = {"demo": 1, "bocage": 4}
    computed: list[tuple[str, str, int]] = []
    warmer = Warmer(latest.get, every=None)
    for space, version, page in (
        ("demo", 1, "atlas"),
        ("demo", 1, "synthese"),
        ("bocage", 4, "atlas"),
    ):
        warmer.note(space, version, page, lambda v, s=space, p=page: computed.append((s, p, v)))
    assert warmer.look_once() == [] and computed == []  # nothing newer: nothing computed
    latest["demo"] = 2
    assert warmer.look_once() == [("demo", 2)]
    assert sorted(computed) == [("demo", "atlas", 2), ("demo", "synthese", 2)]
    assert warmer.look_once() == []  # once per version


def test_only_the_latest_calls_are_kept():
    latest = {"demo": 1}
    computed: list[int] = []
    warmer = Warmer(latest.get, every=None)
    for page in range(KEPT_CALLS + 10):
        warmer.note("demo", 1, page, lambda v, p=page: computed.append(p))
    warmer.note("demo", 1, 0, lambda v: computed.append(0))  # read again: kept, newest
    latest["demo"] = 2
    warmer.look_once()
    assert len(computed) == KEPT_CALLS and 0 in computed and 1 not in computed
