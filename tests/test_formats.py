"""French formats, in one place: numbers, shares, sizes, Paris dates and times, on screen, in
exports and on the command line. Expected values are written by hand."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from maillage import sharing
from maillage.cli import main
from maillage.exports import neutralised_csv_cell
from maillage.formats import (
    format_bytes,
    format_cell,
    format_date,
    format_dates,
    format_datetime,
    format_number,
    format_share,
    format_time,
)
from maillage.store import Store
from tests.workbooks import minimal_sheets, write_xlsx

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, f"1{NNBSP}234,5"),
        (1234567, 0, f"1{NNBSP}234{NNBSP}567"),
        (np.int64(1234567), 0, f"1{NNBSP}234{NNBSP}567"),
        (999, 0, "999"),
        (1000, 0, f"1{NNBSP}000"),
        (-1234.5, 1, f"-1{NNBSP}234,5"),
        (-1234567.891, 2, f"-1{NNBSP}234{NNBSP}567,89"),
        (0, 0, "0"),
        (2.5, 0, "3"),  # half away from zero, as a reader rounds
        (-2.5, 0, "-3"),
        (0.125, 2, "0,13"),
        (2.675, 2, "2,68"),  # the number as written, not its binary approximation 2.67499…
        (1234.56, 0, f"1{NNBSP}235"),
        (-0.4, 0, "0"),  # never « -0 »
        (12.0, 1, "12,0"),
        (2**60, 0, f"1{NNBSP}152{NNBSP}921{NNBSP}504{NNBSP}606{NNBSP}846{NNBSP}976"),
        (None, 0, "—"),
        (float("nan"), 1, "—"),
        (np.float64("nan"), 0, "—"),
    ],
)
def test_numbers(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.12, 0, f"12{NBSP}%"),
        (0.1234, 1, f"12,3{NBSP}%"),
        (0.125, 0, f"13{NBSP}%"),
        (0.145, 0, f"15{NBSP}%"),  # 0.145 × 100 is 14.4999… in binary: still 15 %
        (1, 0, f"100{NBSP}%"),
        (0, 0, f"0{NBSP}%"),
        (-0.05, 0, f"-5{NBSP}%"),
        (12.5, 0, f"1{NNBSP}250{NBSP}%"),
        (None, 0, "—"),
        (float("nan"), 0, "—"),
    ],
)
def test_shares(value, decimals, expected):
    assert format_share(value, decimals) == expected


def test_sizes_are_binary_like_the_upload_limit():
    assert format_bytes(25 * 1024 * 1024) == f"25{NBSP}Mo"
    assert format_bytes(1536 * 1024) == f"1,5{NBSP}Mo"
    assert format_bytes(1200 * 1024 * 1024) == f"1{NNBSP}200{NBSP}Mo"
    assert format_bytes(2048) == f"2{NBSP}ko"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-01-15T10:05:00+00:00", "15/01/2026 à 11:05"),  # winter: UTC+1
        ("2026-07-15T10:05:00+00:00", "15/07/2026 à 12:05"),  # summer: UTC+2
        (datetime(2026, 7, 15, 22, 30, tzinfo=UTC), "16/07/2026 à 00:30"),  # the next Paris day
        ("2026-03-29T00:30:00+00:00", "29/03/2026 à 01:30"),  # last hour of winter time
        ("2026-03-29T01:30:00+00:00", "29/03/2026 à 03:30"),  # 02:00 → 03:00 on that Sunday
        ("2026-10-25T00:30:00+00:00", "25/10/2026 à 02:30"),  # 02:30 summer time…
        ("2026-10-25T01:30:00+00:00", "25/10/2026 à 02:30"),  # …then 02:30 winter time
        ("2028-02-28T23:30:00+00:00", "29/02/2028 à 00:30"),  # leap day, in Paris only
        ("2028-02-29T23:30:00+00:00", "01/03/2028 à 00:30"),
        ("2026-12-31T23:00:00Z", "01/01/2027 à 00:00"),
        ("2026-07-15T10:05:00-04:00", "15/07/2026 à 16:05"),  # any offset, back to Paris
        (datetime(2026, 7, 15, 12, 0, tzinfo=timezone(timedelta(hours=2))), "15/07/2026 à 12:00"),
        (pd.Timestamp("2026-01-15T10:05:00Z"), "15/01/2026 à 11:05"),
        ("2026-01-15T10:05:00", "15/01/2026 à 10:05"),  # naive: a wall-clock time, as is
    ],
)
def test_moments_are_shown_in_paris(moment, expected):
    assert format_datetime(moment) == expected
    assert format_datetime(moment, zone=True) == f"{expected} (heure de Paris)"


def test_days_and_times():
    assert format_date(datetime(2026, 7, 15, 22, 30, tzinfo=UTC)) == "16/07/2026"
    assert format_date("2026-01-15T10:05:00+00:00") == "15/01/2026"
    assert format_date(date(2028, 2, 29)) == "29/02/2028"
    assert format_date(date(2026, 1, 2)) == "02/01/2026"
    assert format_date(pd.Timestamp("2026-03-01")) == "01/03/2026"  # a workbook's day
    assert format_time("2026-01-15T10:05:00+00:00") == "11:05"
    assert format_time("2026-07-15T10:05:00+00:00", zone=True) == "12:05 (heure de Paris)"


def test_date_columns_are_paris_days_and_blank_where_missing():
    days = format_dates(pd.Series(["2026-02-28", None, "2028-02-29"]))
    assert days.tolist() == ["28/02/2026", "", "29/02/2028"]
    moments = pd.Series(
        pd.to_datetime(["2026-07-15T22:30:00Z", "2026-01-15T22:30:00Z", None], utc=True)
    )
    assert format_dates(moments).tolist() == ["16/07/2026", "15/01/2026", ""]


def test_cells_say_the_paris_day_and_time_of_a_stored_moment():
    assert format_cell(pd.Timestamp("2026-07-15T22:30:00Z")) == "16/07/2026 00:30"
    assert format_cell(pd.Timestamp("2026-07-15")) == "15/07/2026"
    assert format_cell(date(2028, 2, 29)) == "29/02/2028"
    assert neutralised_csv_cell(pd.Timestamp("2026-07-15T22:30:00Z")) == "16/07/2026 00:30"
    assert neutralised_csv_cell(pd.Timestamp("2026-07-15 09:15")) == "15/07/2026 09:15"
    assert neutralised_csv_cell(date(2026, 1, 2)) == "02/01/2026"


def _paris(iso: str) -> str:
    """An independent, naive conversion for the command-line test: UTC+1 in winter, UTC+2
    from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC."""
    moment = datetime.fromisoformat(iso).astimezone(UTC)

    def last_sunday(month: int) -> datetime:
        day = datetime(moment.year, month, 31, 1, tzinfo=UTC)
        return day - timedelta(days=(day.weekday() + 1) % 7)

    summer = last_sunday(3) <= moment < last_sunday(10)
    local = moment + timedelta(hours=2 if summer else 1)
    return f"{local:%d/%m/%Y} à {local:%H:%M} (heure de Paris)"


def test_the_independent_conversion_agrees_on_both_changes_of_time():
    assert _paris("2026-03-29T00:59:00+00:00") == "29/03/2026 à 01:59 (heure de Paris)"
    assert _paris("2026-03-29T01:00:00+00:00") == "29/03/2026 à 03:00 (heure de Paris)"
    assert _paris("2026-10-25T00:59:00+00:00") == "25/10/2026 à 02:59 (heure de Paris)"
    assert _paris("2026-10-25T01:00:00+00:00") == "25/10/2026 à 02:00 (heure de Paris)"


def test_the_command_line_shows_paris_time_and_names_the_zone(tmp_path, db_path, capsys):
    path = write_xlsx(tmp_path / "t.xlsx", minimal_sheets())
    assert (
        main(
            [
                "import",
                str(path),
                "--db",
                str(db_path),
                "--space",
                "principal",
                "--author",
                "claire",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["history", "--db", str(db_path), "--space", "principal"]) == 0
    line = capsys.readouterr().out.strip()
    published = Store(db_path).latest("principal").published_at
    assert line.startswith(f"v1  {_paris(published)}  t.xlsx")
    assert "par claire" in line
    assert main(["history", "--db", str(db_path), "--space", "principal", "--json"]) == 0
    assert capsys.readouterr().out.count(f'"published_at": "{published}"') == 1  # JSON: ISO

    assert (
        main(["share", "create", "--db", str(db_path), "--space", "principal", "--expires", "7d"])
        == 0
    )
    created = capsys.readouterr().out
    (link,) = sharing.links(Store(db_path), "principal")
    expires = _paris(link.expires_at.isoformat())
    assert f"valable jusqu’au {expires}," in created
    assert "UTC" not in created
    assert main(["share", "list", "--db", str(db_path), "--space", "principal"]) == 0
    listed = capsys.readouterr().out
    assert f"expire le {expires}" in listed and "UTC" not in listed


def test_no_screen_or_command_writes_a_date_or_zone_of_its_own():
    """Dates, times and the Paris zone are written by `maillage.formats` only: a `strftime`,
    `%d/%m`, `%H:%M` or `ZoneInfo(…)` elsewhere would bring UTC or another layout back. ISO
    days (`%Y-%m-%d`) stay allowed: they are what JSON says (SPEC §4)."""
    root = Path(__file__).resolve().parents[1]
    sources = [
        *(root / "maillage").rglob("*.py"),
        *(root / "pages").glob("*.py"),
        root / "app.py",
        root / "serve.py",
    ]
    pattern = re.compile(r"""strftime\((?!["']%Y-%m-%d["']\))|ZoneInfo\(|%d/%m|%H:%M""")
    found = {
        f"{path.relative_to(root)}:{number}": line.strip()
        for path in sources
        if path.exists() and path.name != "formats.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    }
    assert found == {}
