"""Every French format the product shows, in one place: numbers `1 234,5`, shares `12 %`,
sizes `25 Mo`, dates `21/11/2026`, times `14:30` (and the separators Plotly is given, so that
the charts' own numbers read the same).

Moments are stored in UTC (aware ISO text or datetimes) and always shown in Europe/Paris — the
screens, the exports, the reports and the command line alike; where a moment is printed for a
terminal, the zone is named (« heure de Paris »). Naive values are calendar dates or wall-clock
times read from a workbook: they are shown as they are. JSON keeps ISO text (SPEC §4).
"""

from __future__ import annotations

import math
import numbers
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd

PARIS = ZoneInfo("Europe/Paris")
DATE = "%d/%m/%Y"
TIME = "%H:%M"
ZONE_NAME = "heure de Paris"
MISSING = "—"
NNBSP, NBSP = "\u202f", "\u00a0"  # thousands separator; before « % », « Mo »
CHART_SEPARATORS = f",{NNBSP}"  # Plotly's `separators`: its numbers read as format_number's

Moment = datetime | str  # a datetime (pandas Timestamps included) or its ISO text


def format_number(value: float | Decimal | None, decimals: int = 0) -> str:
    """French number format: 1 234,5 (narrow no-break space as thousands separator), rounded
    half away from zero as a reader rounds (2,5 → 3) on the number as written, not its binary
    approximation (2.675 → 2,68); « — » when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, Decimal | numbers.Integral):
        exact = Decimal(value if isinstance(value, Decimal) else int(value))
    else:
        exact = Decimal(repr(float(value)))
    if not exact.is_finite():
        return MISSING
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    text = f"{abs(rounded) if rounded.is_zero() else rounded:,.{decimals}f}"  # never « -0 »
    return text.replace(",", NNBSP).replace(".", ",")


def counted(count: int, singular: str, plural: str | None = None, none: str | None = None) -> str:
    """« 1 commune », « 1 234 communes »: the number in French format and its noun agreed
    (French keeps 0 and 1 singular); for 0, `none` when given (« aucune commune »). The noun
    may go on (« commune blanche », « communes blanches ») and carry its verb (« EPCI est
    coupé », « EPCI sont coupés »)."""
    if count == 0 and none is not None:
        return none
    word = singular if abs(count) < 2 else (plural or singular + "s")
    return f"{format_number(count)}{NBSP}{word}"


def format_share(value: float | None, decimals: int = 0) -> str:
    """French percentage: 12 % (no-break space before the sign); 0,125 → 13 %."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return f"{format_number(Decimal(repr(float(value))).scaleb(2), decimals)}{NBSP}%"


def format_bytes(size: int) -> str:
    """Human size in French units, binary like Streamlit's upload limit (25 Mo = 25 × 1024²)."""
    if size >= 1024 * 1024:
        return f"{format_number(size / 1024 / 1024, 1).removesuffix(',0')}{NBSP}Mo"
    return f"{format_number(size / 1024, 0)}{NBSP}ko"


def wall_clock(moment: Moment) -> datetime:
    """What a clock in Paris showed at an aware moment; a naive value unchanged."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(PARIS).replace(tzinfo=None)


def format_datetime(moment: Moment, *, zone: bool = False) -> str:
    """21/11/2026 à 14:30 in Paris; `zone` adds « (heure de Paris) », for terminals and
    messages read away from the screen."""
    text = wall_clock(moment).strftime(f"{DATE} à {TIME}")
    return f"{text} ({ZONE_NAME})" if zone else text


def format_date(moment: Moment | date) -> str:
    """21/11/2026: a calendar date as is, a moment as its day in Paris."""
    if isinstance(moment, datetime | str):
        return wall_clock(moment).strftime(DATE)
    return moment.strftime(DATE)


def format_time(moment: Moment, *, zone: bool = False) -> str:
    """14:30 in Paris (« 14:30 (heure de Paris) » with `zone`)."""
    text = wall_clock(moment).strftime(TIME)
    return f"{text} ({ZONE_NAME})" if zone else text


def format_cell(moment: Moment | date) -> str:
    """A date or moment as French Excel reads a typed cell: 21/11/2026, or 21/11/2026 14:30
    when it has a time of day (in Paris)."""
    if not isinstance(moment, datetime | str):
        return moment.strftime(DATE)
    local = wall_clock(moment)
    midnight = local.hour == local.minute == local.second == local.microsecond == 0
    return local.strftime(DATE if midnight else f"{DATE} {TIME}")


def format_dates(values: pd.Series) -> pd.Series:
    """A column of dates as 21/11/2026 (aware moments as their Paris day), empty where
    missing."""
    days = pd.to_datetime(values)
    if days.dt.tz is not None:
        days = days.dt.tz_convert(PARIS)
    return days.dt.strftime(DATE).astype(object).where(days.notna(), "")
