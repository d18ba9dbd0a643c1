"""Complete a space instead of replacing it (`--mode completer`).

The sheets of the file add rows whose key is new and update the rows whose key exists; rows
the file does not mention stay as they are; a row is deleted only when the file marks it in
a `supprimer` column (« oui », « x »). The key is the sheet's id (or the profile's `key`:
`siret`, or `nom` + `commune`), compared once folded (case, accents, spaces, punctuation).
The result — the latest version as text, the file's rows on top — is then validated as a
whole, like any workbook, and every problem points either at the file's own row or at the
row of the version it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from maillage.formats import format_number
from maillage.mapping import Relocation, canonical_headers
from maillage.problems import WARNING, Problem, problem
from maillage.schema import SHEETS, normalize_name
from maillage.texts import COMPLETE_NOTE, DELETED_NOTE
from maillage.workbook import RawSheet, RawWorkbook
from maillage.workbook_export import text_tables

DELETE_COLUMN = "supprimer"
YES = {"oui", "o", "x", "1", "vrai", "true", "yes"}
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
    matched: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """Per sheet, (row of the checked workbook, position in the version) of each row the file
    changed as text."""
    previous: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)  # rows marked `supprimer`

    def recounted(self, tables: Mapping[str, pd.DataFrame]) -> Completion:
        """Counts of rows really changed, from the validated tables: « 46,56 » and « 46.56 »,
        or a former commune code and the current one, are the same published value."""
        counts = {}
        for sheet, (added, _) in self.counts.items():
            pairs = list(self.matched.get(sheet, ()))
            old = self.previous.get(sheet)
            if old is None or not pairs or sheet not in tables:
                counts[sheet] = (added, 0)
                continue
            old = old.reset_index(drop=True)
            before = old.iloc[[p for _, p in pairs]].reset_index(drop=True)
            after = tables[sheet].loc[[r for r, _ in pairs]].reset_index(drop=True)
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
        note = COMPLETE_NOTE.format(
            file=file, added=format_number(self.added), updated=format_number(self.updated)
        )
        if gone := sum(self.deleted.values()):
            note += DELETED_NOTE.format(deleted=format_number(gone))
        return note


def sheet_key(sheet: str, keys: Mapping[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    if keys and sheet in keys:
        return tuple(keys[sheet])
    key = SHEETS[sheet].key
    return PAIR_KEYS.get(sheet) or ((key,) if key else ())


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


def complete(
    existing: Mapping[str, pd.DataFrame],
    version: int,
    incoming: RawWorkbook,
    relocation: Relocation | None = None,
    keys: Mapping[str, tuple[str, ...]] | None = None,
) -> Completion:
    """The latest version `existing` completed by the known sheets of `incoming`."""
    relocation = relocation or Relocation()
    base = text_tables(existing)
    problems: list[Problem] = []
    counts: dict[str, tuple[int, int]] = {}
    matched: dict[str, tuple[tuple[int, int], ...]] = {}
    deleted: dict[str, int] = {}
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
            problems.append(
                problem(
                    "completed_key_missing",
                    sheet=label,
                    row=raw.header_row,
                    column=missing,
                    target=name,
                )
            )
            continue
        frame, origin, added, updated, gone = _merge(
            old, new, key, columns, name, version, label, problems
        )
        counts[name] = (added, len(updated))
        matched[name] = updated
        deleted[name] = gone
        sheets[name] = RawSheet(raw.name, raw.source, frame, 1)
        rows[name] = origin
    for name, frame in base.items():
        if name in sheets:
            continue
        numbered = frame.set_axis(pd.RangeIndex(2, 2 + len(frame)))
        sheets[name] = RawSheet(name, f"version {version}", numbered, 1)
        rows[name] = {row: (_version_label(name, version), row, False) for row in numbered.index}
    if not counts and not problems:
        problems.append(
            problem("completed_nothing", sheet=", ".join(incoming.files), allowed=", ".join(SHEETS))
        )
    located = Relocation(names, relocation.columns, rows)
    workbook = RawWorkbook(sheets, incoming.files, incoming.sha256, incoming.notices)
    return Completion(workbook, located, counts, tuple(problems), matched, existing, deleted)


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


def _marked_for_deletion(new: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The file without its `supprimer` column, and which of its rows it marks."""
    flag = _column_of(new, DELETE_COLUMN)
    if flag is None:
        return new, pd.Series(False, index=new.index)
    marked = new[flag].map(lambda v: normalize_name(v) in YES, na_action="ignore")
    return new.drop(columns=[flag]), marked.fillna(False).astype(bool)


def _merge(old, new, key, columns, name, version, label, problems):
    """(merged frame indexed from 2, origin of each row, added, rows whose text changed,
    rows deleted)."""
    new = new.rename(columns=dict(zip(columns, key, strict=True)))
    new, marked = _marked_for_deletion(new)
    new_keys = _key_values(new, key)
    duplicated = new_keys.notna() & new_keys.duplicated(keep="first")
    for row in new_keys.index[duplicated]:
        first = new_keys.index[new_keys == new_keys[row]][0]
        problems.append(
            problem(
                "completed_duplicate_key",
                sheet=label,
                row=int(row),
                column=key[0],
                value=new.at[row, key[0]],
                first_row=int(first),
            )
        )
    merged = old.copy()
    for column in new.columns:
        if column not in merged.columns:
            merged[column] = pd.Series(pd.NA, index=merged.index, dtype="str")
    old_keys = _key_values(merged, key) if all(k in merged.columns for k in key) else None
    position = (
        {k: i for i, k in reversed(list(enumerate(old_keys))) if pd.notna(k)}
        if old_keys is not None
        else {}
    )
    sheet_id = SHEETS[name].key
    origin: dict[int, tuple[str, int, bool]] = {
        i + 2: (_version_label(name, version), i + 2, False) for i in range(len(merged))
    }
    kept = new_keys[~duplicated]
    at = kept.map(position) if position else pd.Series(float("nan"), index=kept.index)
    found = at.dropna().astype(int)
    removing = found[marked[found.index]]
    matched = found[~marked[found.index]]
    unmatched = kept.index[at.isna()]
    for row in unmatched[marked[unmatched].to_numpy()]:
        problems.append(
            problem(
                "completed_nothing_to_delete",
                sheet=label,
                row=int(row),
                column=DELETE_COLUMN,
                value=new.at[row, key[0]],
                severity=WARNING,
            )
        )
    added_rows = [row for row in unmatched if not marked[row]]
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
    for row, position_ in matched.items():
        origin[int(position_) + 2] = (label, int(row), True)
    if added_rows:
        extra = new.loc[added_rows].reindex(columns=merged.columns)
        start = len(merged)
        merged = pd.concat([merged, extra.astype("str")], ignore_index=True)
        for offset, row in enumerate(added_rows):
            origin[start + offset + 2] = (label, int(row), True)
    keep = np.ones(len(merged), dtype=bool)
    keep[removing.to_numpy()] = False
    label_of = {int(p): n for n, p in enumerate(np.flatnonzero(keep), start=2)}
    merged = merged[keep].set_axis(pd.RangeIndex(2, 2 + int(keep.sum())))
    origin = {label_of[p - 2]: where for p, where in origin.items() if p - 2 in label_of}
    updated = tuple((label_of[int(p)], int(p)) for p in matched[changed].to_numpy())
    return merged.astype("str"), origin, len(added_rows), updated, len(removing)
