"""Complete a space instead of replacing it (`--mode completer`).

The sheets of the file add rows whose key is new and update the rows whose key exists; rows
the file does not mention stay as they are, and nothing is ever deleted. The key is the
sheet's id (or the profile's `key`: `siret`, or `nom` + `commune`), compared once folded
(case, accents, spaces, punctuation). The result — the latest version as text, the file's
rows on top — is then validated as a whole, like any workbook, and every problem points either at
the file's own row or at the row of the version it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from maillage.mapping import Relocation, canonical_headers
from maillage.problems import Problem, problem
from maillage.schema import SHEETS, normalize_name
from maillage.texts import COMPLETE_NOTE, format_number
from maillage.workbook import RawSheet, RawWorkbook
from maillage.workbook_export import text_tables

PAIR_KEYS: dict[str, tuple[str, ...]] = {
    "participations": ("dispositif", "acteur"),
    "perimetre_communes": ("perimetre", "commune"),
}


@dataclass(frozen=True)
class Completion:
    workbook: RawWorkbook  # the whole space, ready to validate
    relocation: Relocation
    counts: dict[str, tuple[int, int]]  # sheet → (added, updated)
    problems: tuple[Problem, ...]
    matched: dict[str, tuple[int, ...]] = field(default_factory=dict)  # rows the file named
    previous: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def recounted(self, tables: Mapping[str, pd.DataFrame]) -> Completion:
        """Counts of rows really changed, from the validated tables: « 46,56 » and « 46.56 »,
        or a former commune code and the current one, are the same published value."""
        counts = {}
        for sheet, (added, _) in self.counts.items():
            rows = list(self.matched.get(sheet, ()))
            old = self.previous.get(sheet)
            if old is None or not rows or sheet not in tables:
                counts[sheet] = (added, 0)
                continue
            old = old.reset_index(drop=True)
            before = old.iloc[[r - 2 for r in rows]].reset_index(drop=True)
            after = tables[sheet].loc[rows].reset_index(drop=True)
            changed = pd.Series(False, index=before.index)
            for column in after.columns:
                if column not in before.columns:
                    changed |= after[column].notna()
                    continue
                a, b = after[column], before[column]
                changed |= ~((a == b).fillna(False) | (a.isna() & b.isna()))
            counts[sheet] = (added, int(changed.sum()))
        return replace(self, counts=counts)

    @property
    def added(self) -> int:
        return sum(a for a, _ in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(u for _, u in self.counts.values())

    def note(self, file: str) -> str:
        """« complété depuis FILE : 12 ajoutés, 3 mis à jour », for the history."""
        return COMPLETE_NOTE.format(file=file, added=format_number(self.added),
                                    updated=format_number(self.updated))


def sheet_key(sheet: str, keys: Mapping[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    if keys and sheet in keys:
        return tuple(keys[sheet])
    return PAIR_KEYS.get(sheet) or ((SHEETS[sheet].key,) if SHEETS[sheet].key else ())


def _key_values(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    """One folded text per row (case, accents, spaces and punctuation ignored: « 534 787 123
    00017 » is « 53478712300017 »), NaN when a key cell is empty."""
    def folded(column: str) -> pd.Series:
        series = frame[column].astype("str")
        distinct = {v: normalize_name(v).replace("_", "") for v in series.dropna().unique()}
        return series.map(distinct).astype("str")

    joined = folded(key[0])
    for column in key[1:]:
        joined = joined + "|" + folded(column)
    return joined


def _column_of(frame: pd.DataFrame, wanted: str) -> str | None:
    for column in frame.columns:
        if column == wanted or normalize_name(column) == normalize_name(wanted):
            return column
    return None


def complete(existing: Mapping[str, pd.DataFrame], version: int, incoming: RawWorkbook,
             relocation: Relocation | None = None,
             keys: Mapping[str, tuple[str, ...]] | None = None) -> Completion:
    """The latest version `existing` completed by the known sheets of `incoming`."""
    relocation = relocation or Relocation()
    base = text_tables(existing)
    problems: list[Problem] = []
    counts: dict[str, tuple[int, int]] = {}
    matched: dict[str, tuple[int, ...]] = {}
    sheets: dict[str, RawSheet] = {}
    rows: dict[str, dict[int, tuple[str, int, bool]]] = {}
    names = dict(relocation.sheets)
    for name, raw in _named_sheets(incoming).items():
        if name not in SHEETS:
            sheets[name] = raw  # validation warns that it is ignored
            continue
        label = names.setdefault(name, raw.name)
        new = canonical_headers(raw.frame, name)
        old = base.get(name, pd.DataFrame(columns=list(SHEETS[name].column_names)))
        key = sheet_key(name, keys)
        columns = [_column_of(new, k) for k in key]
        if not key or None in columns:
            missing = key[columns.index(None)] if key else "id"
            problems.append(problem("completed_key_missing", sheet=label, row=raw.header_row,
                                    column=missing, target=name))
            continue
        frame, origin, added, updated = _merge(old, new, key, columns, name, version, label,
                                               problems)
        counts[name] = (added, len(updated))
        matched[name] = updated
        sheets[name] = RawSheet(raw.name, raw.source, frame, 1)
        rows[name] = origin
    for name, frame in base.items():
        if name in sheets:
            continue
        numbered = frame.set_axis(pd.RangeIndex(2, 2 + len(frame)))
        sheets[name] = RawSheet(name, f"version {version}", numbered, 1)
        rows[name] = {row: (_version_label(name, version), row, False) for row in numbered.index}
    if not counts and not problems:
        problems.append(problem("completed_nothing", sheet=", ".join(incoming.files),
                                allowed=", ".join(SHEETS)))
    located = Relocation(names, relocation.columns, rows)
    workbook = RawWorkbook(sheets, incoming.files, incoming.sha256, incoming.notices)
    return Completion(workbook, located, counts, tuple(problems), matched, existing)


def _named_sheets(incoming: RawWorkbook) -> dict[str, RawSheet]:
    """A lone sheet with a name of its own (« nouveaux partenaires.csv ») is the sheet of
    maillage whose columns it holds best, all required ones included."""
    if len(incoming.sheets) != 1 or next(iter(incoming.sheets)) in SHEETS:
        return dict(incoming.sheets)
    raw = next(iter(incoming.sheets.values()))
    best, score = None, 0
    for name, sheet in SHEETS.items():
        headers = set(canonical_headers(raw.frame, name).columns)
        required = {c.name for c in sheet.columns if c.required}
        found = len(headers & set(sheet.column_names))
        if required <= headers and found > score:
            best, score = name, found
    return {best: raw} if best else dict(incoming.sheets)


def _version_label(sheet: str, version: int) -> str:
    return f"{sheet} (version {version})"


def _merge(old, new, key, columns, name, version, label, problems):
    """(merged frame indexed from 2, origin of each row, added, rows whose text changed)."""
    new = new.rename(columns=dict(zip(columns, key, strict=True)))
    new_keys = _key_values(new, key)
    duplicated = new_keys.notna() & new_keys.duplicated(keep="first")
    for row in new_keys.index[duplicated]:
        first = new_keys.index[new_keys == new_keys[row]][0]
        problems.append(problem("completed_duplicate_key", sheet=label, row=int(row),
                                column=key[0], value=new.at[row, key[0]],
                                first_row=int(first)))
    merged = old.copy()
    for column in new.columns:
        if column not in merged.columns:
            merged[column] = pd.Series(pd.NA, index=merged.index, dtype="str")
    old_keys = _key_values(merged, key) if all(k in merged.columns for k in key) else None
    position = ({k: i for i, k in reversed(list(enumerate(old_keys))) if pd.notna(k)}
                if old_keys is not None else {})
    sheet_id = SHEETS[name].key
    origin: dict[int, tuple[str, int, bool]] = {
        i + 2: (_version_label(name, version), i + 2, False) for i in range(len(merged))}
    kept = new_keys[~duplicated]
    at = kept.map(position) if position else pd.Series(float("nan"), index=kept.index)
    matched = at.dropna().astype(int)
    added_rows = list(kept.index[at.isna()])
    changed = pd.Series(False, index=matched.index)
    for column in new.columns:  # one vectorised pass per column over the matched rows
        if column == sheet_id and sheet_id not in key:
            continue  # matched by another key: the published id stays, references hold
        incoming = new.loc[matched.index, column]
        current = pd.Series(merged[column].to_numpy()[matched.to_numpy()], index=matched.index)
        differs = incoming.notna() & (current.isna() | (current != incoming)).fillna(True)
        if differs.any():
            targets = matched[differs].to_numpy()
            merged.loc[merged.index[targets], column] = incoming[differs].to_numpy()
            changed |= differs
    updated = tuple(int(p) + 2 for p in matched[changed].to_numpy())
    for row, position_ in matched.items():
        origin[int(position_) + 2] = (label, int(row), True)
    if added_rows:
        extra = new.loc[added_rows].reindex(columns=merged.columns)
        start = len(merged)
        merged = pd.concat([merged, extra.astype("str")], ignore_index=True)
        for offset, row in enumerate(added_rows):
            origin[start + offset + 2] = (label, int(row), True)
    merged = merged.set_axis(pd.RangeIndex(2, 2 + len(merged)))
    return merged.astype("str"), origin, len(added_rows), updated
