"""20 people browsing while an analyst publishes a region-scale workbook (bench/load.py):
no error on any page, and no torn read — every home page shows one published version, whole.
The page times are reported by `make bench`, never asserted here."""

from __future__ import annotations

import json

import pytest

from bench.live import MISSING_CHROMIUM, chromium_path
from bench.load import bench_load

SESSIONS = 20


def test_twenty_sessions_browse_while_a_region_is_published(tmp_path, artifacts):
    if chromium_path() is None:
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    result = bench_load(sessions=SESSIONS, folder=tmp_path, log=artifacts / "charge.log")
    (artifacts / "charge.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    assert result["publish_exit"] == 0, result["publish_output"]
    assert result["errors"] == []
    assert result["torn_reads"] == []
    latest = result["latest_version"]
    assert latest == 2
    seen = {int(v) for v in result["versions_seen"]}
    assert seen <= {latest - 1, latest}
    assert result["sessions_seeing_latest"] >= SESSIONS // 2
    # Browsing really overlapped the publication. Not « two visits each »: under CPU load a
    # session's home page after the publication may be cut by the deadline, which is no finding.
    assert result["sessions_browsing_before_publish_end"] >= SESSIONS // 2
