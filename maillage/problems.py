"""A validation problem is data: one frozen record, rendered in French from one template."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from maillage.texts import MESSAGES

Severity = Literal["erreur", "avertissement"]
ERROR: Severity = "erreur"
WARNING: Severity = "avertissement"


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    sheet: str | None
    row: int | None  # spreadsheet row, header = 1
    column: str | None
    value: str | None
    message: str

    def as_json(self) -> dict:
        """The SPEC §4 shape: severity, sheet, row, column, value, message."""
        data = asdict(self)
        del data["code"]
        return data


def problem(
    code: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    severity: Severity = ERROR,
    **params: object,
) -> Problem:
    text = None if value is None else str(value)
    message = MESSAGES[code].format(sheet=sheet, column=column, value=text, **params)
    return Problem(code, severity, sheet, row, column, text, message)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


def sort_key(p: Problem) -> tuple:
    return (p.severity != ERROR, p.sheet or "", p.row or 0, p.column or "", p.code)
