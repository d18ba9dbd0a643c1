"""Map a foreign sheet onto one of ours: proposals, the checks of a mapping, and its application.

The analyst's file keeps her headers and values. We propose a target for each of her columns
and a code for each value of her coded columns, each with the reason in French (same name,
usual name, close spelling…), so a screen can show why. A mapping is then checked like a
workbook — the same problem records — and every problem, including those validation finds
afterwards, is located on her own sheet, rows and headers (`Relocation`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TypedDict

import pandas as pd

from maillage.columns import list_items
from maillage.formats import counted
from maillage.guesses import COLUMN_SYNONYMS, VALUE_SYNONYMS, guess_field
from maillage.problems import WARNING, Problem, problem
from maillage.profiles import Profile
from maillage.schema import ALIASES, LIST_SEPARATOR, SHEETS, Sheet, normalize_name
from maillage.texts import LABELS, MAPPING_REASONS
from maillage.vocabularies import VOCABULARIES
from maillage.workbook import RawSheet, RawWorkbook

CLOSE_CUTOFF = 0.8


@dataclass(frozen=True)
class ColumnProposal:
    source: str  # header as written in the file
    target: str | None  # None: ignored, or kept under its own header
    reason: str  # a key of texts.MAPPING_REASONS
    explanation: str  # French, shown beside the choice


@dataclass(frozen=True)
class ValueProposal:
    source: str
    code: str | None
    reason: str
    explanation: str
    count: int  # rows holding it


def _explain(reason: str, **params: object) -> str:
    return MAPPING_REASONS[reason].format(**params)


def _column_candidate(header: str, sheet: Sheet) -> tuple[str | None, str]:
    key = normalize_name(header)
    if header in sheet.column_names:
        return header, "exact"
    if key in sheet.column_names:
        return key, "normalised"
    usual = {**COLUMN_SYNONYMS.get(sheet.name, {}), **ALIASES.get(sheet.name, {})}
    if key in usual:
        return usual[key], "alias"
    names = {name: name for name in sheet.column_names if name != "id"} | usual
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=CLOSE_CUTOFF)
    if close:
        return names[close[0]], "close"
    return None, "none"


def propose_columns(
    headers: Iterable[str], sheet_name: str, profile: Profile | None = None
) -> list[ColumnProposal]:
    """One proposal per header: the profile's choice first, else exact, normalised, usual
    or close names; a target is given once, to the first header that claims it best."""
    sheet = SHEETS[sheet_name]
    headers = list(headers)
    by_profile = {normalize_name(s): t for s, t in (profile.columns if profile else {}).items()}
    rank = {"profile": 0, "exact": 1, "normalised": 2, "alias": 3, "close": 4, "none": 5}
    candidates = []
    for position, header in enumerate(headers):
        if normalize_name(header) in by_profile:
            target = by_profile[normalize_name(header)] or None
            candidates.append((header, target, "profile", position))
        else:
            candidates.append((header, *_column_candidate(header, sheet), position))
    claimed: dict[str, str] = {}
    for header, target, _reason, _ in sorted(candidates, key=lambda c: (rank[c[2]], c[3])):
        if target and target not in claimed:
            claimed[target] = header
    proposals = []
    for header, target, reason, _ in candidates:
        params = {"target": target, "profile": profile.name if profile else ""}
        if target and claimed[target] != header:
            proposals.append(
                ColumnProposal(
                    header, None, "taken", _explain("taken", target=target, first=claimed[target])
                )
            )
        else:
            proposals.append(ColumnProposal(header, target, reason, _explain(reason, **params)))
    return proposals


def _value_lookup(vocabulary: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    codes = {normalize_name(code): code for code in VOCABULARIES[vocabulary]}
    labels = {normalize_name(LABELS[vocabulary][code]): code for code in VOCABULARIES[vocabulary]}
    return codes, labels, VALUE_SYNONYMS.get(vocabulary, {})


def propose_value(value: str, vocabulary: str) -> tuple[str | None, str]:
    """(code, reason) for one value: its code, its label, a usual name, a word of a label or
    a close spelling; (None, "unknown") when nothing is near enough to propose."""
    codes, labels, usual = _value_lookup(vocabulary)
    key = normalize_name(value)
    if value in VOCABULARIES[vocabulary] or key in codes:
        return codes.get(key, value), "code"
    if key in labels:
        return labels[key], "label"
    if key in usual:
        return usual[key], "usual"
    padded = f"_{key}_"
    for label_key, code in labels.items():
        if key and len(key) >= 3 and padded in f"_{label_key}_":
            return code, "contained"
    close = difflib.get_close_matches(key, [*codes, *labels, *usual], n=1, cutoff=CLOSE_CUTOFF)
    if close:
        return {**usual, **labels, **codes}[close[0]], "close_value"
    return None, "unknown"


def propose_values(
    values: pd.Series,
    vocabulary: str,
    listed: bool = False,
    profile_values: dict[str, str] | None = None,
) -> list[ValueProposal]:
    """One proposal per distinct value of a column (items of `;`-lists when `listed`), most
    frequent first; the profile's choices win."""
    cells = list_items(values.dropna()) if listed else values.dropna()
    counts = cells.value_counts()
    chosen = {normalize_name(k): v for k, v in (profile_values or {}).items()}
    proposals = []
    for value, count in counts.items():
        value = str(value)
        if normalize_name(value) in chosen:
            code, reason = chosen[normalize_name(value)] or None, "profile"
        else:
            code, reason = propose_value(value, vocabulary)
        target = LABELS[vocabulary].get(code, code) if code else None
        explanation = (
            _explain("profile", profile="")
            if reason == "profile"
            else _explain(reason, target=target)
        )
        proposals.append(ValueProposal(value, code, reason, explanation, int(count)))
    return proposals


def draft_profile(
    raw: RawSheet, sheet_name: str, name: str | None = None, base: Profile | None = None
) -> Profile:
    """A profile from the proposals: what a screen shows before the analyst changes it."""
    sheet = SHEETS[sheet_name]
    proposals = propose_columns(raw.frame.columns, sheet_name, base)
    columns = {
        p.source: p.target or "" for p in proposals if p.target or p.reason in ("taken", "profile")
    }
    values: dict[str, dict[str, str]] = {}
    for p in proposals:
        column = sheet.column(p.target) if p.target else None
        if p.target is None or column is None or column.vocabulary is None:
            continue
        found = propose_values(
            raw.frame[p.source],
            column.vocabulary,
            column.kind == "codes",
            (base.values if base else {}).get(p.target),
        )
        wanted = {v.source: v.code for v in found if v.code and v.reason != "code"}
        if wanted:
            values[p.target] = wanted
    return Profile(
        name or (base.name if base else raw.name),
        sheet_name,
        base.key if base else ((sheet.key,) if sheet.key else ()),
        columns,
        values,
        dict(base.constants) if base else {},
        base.keep_other_columns if base else True,
        base.guess if base else (),
        base.builtin if base else None,
    )


# --- applying a profile ----------------------------------------------------------------------


@dataclass
class Relocation:
    """Where each row and column of the checked workbook came from, so that problems point at
    the analyst's own file: sheet name, spreadsheet row and header as she wrote them."""

    sheets: dict[str, str] = field(default_factory=dict)  # our sheet → her sheet
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # our → her header
    rows: dict[str, dict[int, tuple[str, int, bool]]] = field(default_factory=dict)

    def locate(self, found: Problem) -> Problem:
        sheet, row, column = found.sheet, found.row, found.column
        from_file = True
        origin = self.rows.get(sheet or "", {}).get(row) if row is not None else None
        label: str | None
        if origin is not None:
            label, row, from_file = origin
        else:
            label = self.sheets.get(sheet, sheet) if sheet is not None else None
        message = found.message
        header = self.columns.get(sheet or "", {}).get(column or "")
        if from_file and header and header != column:
            message = message.replace(f"« {column} »", f"« {header} »")
            column = header
        return replace(found, sheet=label, row=row, column=column, message=message)

    def locate_all(self, problems: Iterable[Problem]) -> list[Problem]:
        return [self.locate(p) for p in problems]


@dataclass(frozen=True)
class Mapped:
    workbook: RawWorkbook  # in the template's format
    problems: tuple[Problem, ...]  # of the mapping itself, already located on her file
    relocation: Relocation


def choose_sheet(workbook: RawWorkbook, profile: Profile) -> str | None:
    """The sheet a profile applies to: the one named like its target, the only one, or the
    one whose headers it knows best."""
    if profile.sheet in workbook.sheets:
        return profile.sheet
    if len(workbook.sheets) == 1:
        return next(iter(workbook.sheets))
    scored = [
        (profile.header_match(list(s.frame.columns)), key) for key, s in workbook.sheets.items()
    ]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] > 0 else None


def apply_profile(workbook: RawWorkbook, profile: Profile, partial: bool = False) -> Mapped:
    """Rename, drop, recode and complete one sheet by `profile`; other sheets pass as they are.
    `partial` (completing a space): required targets may be absent, since rows that update
    published ones need only their key; added rows are checked by validation."""
    key = choose_sheet(workbook, profile)
    if key is None:
        raw = RawSheet(profile.sheet, ", ".join(workbook.files), pd.DataFrame(), 1)
        key = profile.sheet
    else:
        raw = workbook.sheets[key]
    frame, problems, headers = _map_frame(raw, profile, partial)
    mapped = RawSheet(profile.sheet, raw.source, frame, raw.header_row)
    sheets = {k: s for k, s in workbook.sheets.items() if k != key}
    sheets[profile.sheet] = mapped
    relocation = Relocation({profile.sheet: raw.name}, {profile.sheet: headers})
    result = RawWorkbook(sheets, workbook.files, workbook.sha256, workbook.notices)
    return Mapped(result, tuple(problems), relocation)


def canonical_headers(frame: pd.DataFrame, sheet_name: str) -> pd.DataFrame:
    """Headers renamed to the schema's names as validation would (normalised, aliases), the
    first header claiming a name winning; unknown headers kept as written."""
    sheet = SHEETS[sheet_name]
    usual = ALIASES.get(sheet_name, {})
    renames: dict[str, str] = {}
    for header in frame.columns:
        key = usual.get(normalize_name(header), normalize_name(header))
        if key in sheet.column_names and key not in renames.values():
            renames[header] = key
    return frame.rename(columns=renames)


class _Where(TypedDict):
    """Where a mapping problem points: the analyst's sheet and its header row."""

    sheet: str
    row: int


def _map_frame(raw: RawSheet, profile: Profile, partial: bool):
    sheet = SHEETS[profile.sheet]
    frame = raw.frame
    where = _Where(sheet=raw.name, row=raw.header_row)
    problems: list[Problem] = []
    present = {normalize_name(h): h for h in frame.columns}
    for source in profile.columns:
        if normalize_name(source) not in present:
            problems.append(
                problem(
                    "mapping_absent_column",
                    **where,
                    column=source,
                    severity=WARNING,
                    profile=profile.name,
                )
            )
    explicit = {normalize_name(s): t for s, t in profile.columns.items()}
    usual = ALIASES.get(profile.sheet, {})
    renames: dict[str, str] = {}
    first: dict[str, str] = {}  # target → the header it comes from
    dropped = []
    for header in frame.columns:  # the profile's own choices first
        if normalize_name(header) not in explicit:
            continue
        target = explicit[normalize_name(header)]
        if not target:
            dropped.append(header)
        elif target in first:
            problems.append(
                problem(
                    "mapping_duplicate_target",
                    **where,
                    column=header,
                    value=target,
                    first=first[target],
                )
            )
            dropped.append(header)
        else:
            first[target] = header
            renames[header] = target
    for header in frame.columns:  # then the columns it does not name
        if normalize_name(header) in explicit:
            continue
        if not profile.keep_other_columns:
            dropped.append(header)
            continue
        implicit = usual.get(normalize_name(header), normalize_name(header))
        if implicit not in sheet.column_names:
            continue  # an unknown column, kept under its own header
        if implicit in first:  # validation would read it as that column a second time
            problems.append(
                problem(
                    "mapping_shadowed_column",
                    **where,
                    column=header,
                    value=implicit,
                    first=first[implicit],
                    severity=WARNING,
                )
            )
            dropped.append(header)
        else:
            first[implicit] = header
            renames[header] = implicit
    frame = frame.drop(columns=dropped).rename(columns=renames)
    for target, value in profile.constants.items():
        frame[target] = pd.Series(value, index=frame.index, dtype="str")
        first.setdefault(target, target)
    frame = _recode(frame, profile, sheet, problems, where, first)
    frame = _guess(frame, profile, problems, raw)
    for column in () if partial else sheet.columns:
        if column.required and column.name not in frame.columns:
            problems.append(
                problem("mapping_missing_target", **where, value=column.name, target=profile.sheet)
            )
    headers = {target: source for target, source in first.items()}
    return frame, problems, headers


def _recode(frame, profile, sheet, problems, where, first) -> pd.DataFrame:
    for target, table in profile.values.items():
        if target not in frame.columns:
            continue
        column = sheet.column(target)
        lookup = {normalize_name(k): v for k, v in table.items()}
        blanks = [k for k, v in table.items() if not v]
        series = frame[target]
        for value in blanks:
            rows = series.index[
                series.map(normalize_name, na_action="ignore") == normalize_name(value)
            ]
            if len(rows):
                problems.append(
                    problem(
                        "mapping_no_code",
                        sheet=where["sheet"],
                        row=int(rows[0]),
                        column=first.get(target, target),
                        value=value,
                        count=counted(len(rows), "ligne"),
                        allowed=", ".join(VOCABULARIES[column.vocabulary]),
                    )
                )
        if column.kind == "codes":
            items = list_items(series)
            distinct = {v: lookup.get(normalize_name(v)) or v for v in items.unique()}
            recoded = items.map(distinct)
            joined = recoded.groupby(level=0).agg(LIST_SEPARATOR.join)
            frame[target] = joined.reindex(series.index).astype("str")
        else:
            distinct = {v: lookup.get(normalize_name(v)) or v for v in series.dropna().unique()}
            frame[target] = series.map(distinct).astype("str")
    return frame


def _guess(
    frame: pd.DataFrame, profile: Profile, problems: list[Problem], raw: RawSheet
) -> pd.DataFrame:
    """Fill an absent or empty `champ` by the rule table of `guesses.py`, one warning per
    deduced value and rule."""
    if "champ" not in profile.guess:
        return frame
    current = (
        frame["champ"]
        if "champ" in frame.columns
        else pd.Series(pd.NA, index=frame.index, dtype="str")
    )
    empty = current.isna()
    if not empty.any():
        return frame

    def column(name: str) -> pd.Series:
        if name in frame.columns:
            return frame[name]
        return pd.Series(pd.NA, index=frame.index, dtype="str")

    triples = pd.DataFrame(
        {"type": column("type"), "nom": column("nom"), "categorie": column("categorie")}
    )[empty]
    guessed: dict[tuple, tuple[str, str]] = {}
    rules: dict[tuple[str, str], list[int]] = {}  # (champ, rule) → its rows
    for combo in triples.drop_duplicates().itertuples(index=False):
        guessed[tuple(combo)] = guess_field(*combo)
    keys = list(triples.itertuples(index=False, name=None))
    fields = pd.Series([guessed[k][0] for k in keys], index=triples.index, dtype="str")
    for row, k in zip(triples.index, keys, strict=True):
        rules.setdefault((guessed[k][0], guessed[k][1]), []).append(int(row))
    frame["champ"] = current.where(~empty, fields)
    for (value, rule), rows in sorted(rules.items(), key=lambda item: item[1][0]):
        problems.append(
            problem(
                "guessed_value",
                sheet=raw.name,
                row=rows[0],
                column="champ",
                value=value,
                severity=WARNING,
                rule=rule,
                count=counted(len(rows), "ligne"),
                first=rows[0],
            )
        )
    return frame
