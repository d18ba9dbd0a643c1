"""What changed between two versions of a space (SPEC §3.3): before a committee, what moved.

Rows are compared by their id, sheet by sheet (`participations` by (`dispositif`, `acteur`,
`role`), `perimetre_communes` by its pair, `communes` by code), column by column for the rows
kept, unknown columns included; perimeters by their expanded communes (a composition that
gains an EPCI gains its communes); blockages by their status; indicators by the very
functions of `maillage indicators` run on both versions, so that « before » and « after » are
the numbers each version printed. Cells are compared vectorised, column by column: only the
cells that differ are turned into Python values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from maillage.blockages import LIFTED, OPEN
from maillage.columns import as_dict, is_in
from maillage.formats import format_number, format_share
from maillage.indicators import indicator_values
from maillage.model import Model
from maillage.schema import LIST_SEPARATOR, SHEETS

# how the rows of each sheet are matched between two versions
KEYS: dict[str, tuple[str, ...]] = {
    "acteurs": ("id",),
    "perimetres": ("id",),
    "dispositifs": ("id",),
    "participations": ("dispositif", "acteur", "role"),
    "blocages": ("id",),
    "perimetre_communes": ("perimetre", "commune"),
    "communes": ("code",),
}
# the indicators of SPEC §3.3, by their key in `maillage indicators --json`
INDICATORS = (
    "coverage",
    "blank_communes",
    "transversality",
    "bridging_actors",
    "late_funders",
    "blockages",
)
# `;`-lists whose order carries no meaning: `sante;culture` is `culture;sante`
_SET_KINDS = {"codes", "refs", "communes"}

# cells of `perimetres` that name communes and perimeters beyond a perimeter seen alone
_OUTSIDE_LISTS = ("communes", "composition")

Key = str | tuple[str, ...]


@dataclass(frozen=True)
class RowChange:
    id: Key
    changes: Mapping[str, tuple[object, object]]  # column → (old value, new value)


@dataclass(frozen=True)
class SheetChanges:
    added: tuple[Key, ...] = ()
    removed: tuple[Key, ...] = ()
    modified: tuple[RowChange, ...] = ()

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.modified)

    def as_json(self) -> dict:
        return {
            "added": [_json_key(k) for k in self.added],
            "removed": [_json_key(k) for k in self.removed],
            "modified": [
                {
                    "id": _json_key(row.id),
                    "changes": {column: list(pair) for column, pair in row.changes.items()},
                }
                for row in self.modified
            ],
        }


@dataclass(frozen=True)
class CommuneChanges:
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class StatusChange:
    id: str
    before: str
    after: str


@dataclass(frozen=True)
class ProposalChanges:
    new: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()


@dataclass(frozen=True)
class Published:
    """One side of a comparison: a version's number, its stored sheets and its model."""

    version: int
    tables: Mapping[str, pd.DataFrame]
    model: Model
    published_at: str | None = None  # ISO 8601
    author: str | None = None


@dataclass(frozen=True)
class Changes:
    space: str
    before: int  # the version compared from (`from` in SPEC §4)
    after: int  # the version compared to (`to`)
    perimeter: str | None
    rows: Mapping[str, SheetChanges]
    perimeter_communes: Mapping[str, CommuneChanges]
    blockage_status: tuple[StatusChange, ...]
    # indicator → (before, after) as `maillage indicators --json` gives them: lists of ids,
    # shares, counts by status; each read by its name, so typed as JSON values are
    indicators: Mapping[str, tuple[Any, Any]]
    proposals: ProposalChanges = field(default_factory=ProposalChanges)
    communes: tuple[int, int] = (0, 0)  # size of the territory, before and after

    def as_json(self) -> dict:
        """The object of `maillage changes --json` (SPEC §4)."""
        return {
            "space": self.space,
            "from": self.before,
            "to": self.after,
            "rows": {sheet: changes.as_json() for sheet, changes in self.rows.items()},
            "perimeter_communes": {
                pid: {"added": list(c.added), "removed": list(c.removed)}
                for pid, c in self.perimeter_communes.items()
            },
            "blockage_status": [
                {"id": s.id, "from": s.before, "to": s.after} for s in self.blockage_status
            ],
            "indicators": {name: list(pair) for name, pair in self.indicators.items()},
            "proposals": {
                "new": list(self.proposals.new),
                "resolved": list(self.proposals.resolved),
            },
        }

    def sheet(self, name: str) -> SheetChanges:
        return self.rows.get(name, SheetChanges())

    def gained_and_lost(self, indicator: str) -> tuple[list[str], list[str]]:
        """For a list indicator (blank communes, bridging actors): what entered, what left."""
        before, after = self.indicators[indicator]
        return sorted(set(after) - set(before)), sorted(set(before) - set(after))

    def social_coverage(self) -> tuple[float | None, float | None]:
        """Share of the territory's communes reached by a social scheme, before and after."""
        before, after = self.indicators["blank_communes"]

        def reached(blank: list[str], total: int) -> float | None:
            return None if not total else 1 - len(blank) / total

        return reached(before, self.communes[0]), reached(after, self.communes[1])

    @property
    def lifted(self) -> list[str]:
        return [s.id for s in self.blockage_status if s.after == LIFTED]

    @property
    def empty(self) -> bool:
        return (
            not any(s.count for s in self.rows.values())
            and not self.perimeter_communes
            and not self.blockage_status
        )


ProposalIds = Callable[[Model, "str | None"], Iterable[str]]  # (model, published at) → ids


def compare(
    old: Published,
    new: Published,
    *,
    space: str,
    perimeter: str | None = None,
    proposal_ids: ProposalIds | None = None,
) -> Changes:
    """Everything that changed from `old` to `new`, seen from `perimeter` when given (both
    versions restricted to it, like `maillage indicators --perimeter`).

    `proposal_ids` gives the ids of a model's proposals (SPEC §3.2): the one place where the
    proposals join the comparison. Without it, `proposals` holds two empty lists."""
    before, after = old.model, new.model
    if perimeter is not None:
        before, after = before.restrict(perimeter=perimeter), after.restrict(perimeter=perimeter)
    sheets = [s for s in KEYS if s in old.tables or s in new.tables]
    rows = {
        sheet: sheet_changes(
            sheet,
            _scoped(sheet, old.tables.get(sheet), before),
            _scoped(sheet, new.tables.get(sheet), after),
        )
        for sheet in sheets
    }
    values_before = indicator_values(before, INDICATORS)
    values_after = indicator_values(after, INDICATORS)
    return Changes(
        space=space,
        before=old.version,
        after=new.version,
        perimeter=perimeter,
        rows=rows,
        perimeter_communes=perimeter_communes_changes(before, after),
        blockage_status=blockage_status_changes(before, after),
        indicators={name: (values_before[name], values_after[name]) for name in INDICATORS},
        proposals=proposal_changes(before, after, proposal_ids, old.published_at, new.published_at),
        communes=(len(before.territory), len(after.territory)),
    )


# ----- rows ------------------------------------------------------------------------------------


def sheet_changes(sheet: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> SheetChanges:
    """Rows added, removed, and modified column by column (unknown columns included).

    Rows are matched on their key as one text (`;`-free separator between the parts of a
    composite key), the first of duplicates: both versions' keys are hashed once, together,
    and each column is then compared by position."""
    key = list(KEYS[sheet])
    old = pd.DataFrame(columns=key) if old is None else old
    new = pd.DataFrame(columns=key) if new is None else new
    codes, uniques = pd.factorize(
        pd.concat([_joined_keys(old, key), _joined_keys(new, key)], ignore_index=True)
    )
    old_first = _first_rows(codes[: len(old)], len(uniques))
    new_first = _first_rows(codes[len(old) :], len(uniques))
    common = np.flatnonzero((old_first >= 0) & (new_first >= 0))
    old_at, new_at = old_first[common], new_first[common]
    columns = [c for c in dict.fromkeys([*new.columns, *old.columns]) if c not in key]
    kinds = {c.name: c.kind for c in SHEETS[sheet].columns} if sheet in SHEETS else {}
    found: dict[str, dict[str, tuple[object, object]]] = {}
    if len(common):
        for column in columns:
            a = _column(old, column, old_at)
            b = _column(new, column, new_at)
            for position in np.flatnonzero(_differ(a, b)):
                was, now = _plain(a.iloc[position]), _plain(b.iloc[position])
                if was == now or (kinds.get(column) in _SET_KINDS and _same_items(was, now)):
                    continue
                found.setdefault(str(uniques[common[position]]), {})[column] = (was, now)

    def keys(codes: np.ndarray) -> tuple[Key, ...]:
        return tuple(sorted((_split(str(uniques[c]), len(key)) for c in codes), key=_sort_key))

    return SheetChanges(
        added=keys(np.flatnonzero((new_first >= 0) & (old_first < 0))),
        removed=keys(np.flatnonzero((old_first >= 0) & (new_first < 0))),
        modified=tuple(
            sorted(
                (RowChange(_split(k, len(key)), found[k]) for k in found),
                key=lambda row: _sort_key(row.id),
            )
        ),
    )


_SEPARATOR = "\x1f"  # the unit separator: never in a cell of a workbook


def _joined_keys(table: pd.DataFrame, key: list[str]) -> pd.Series:
    """Each row's key as one text, missing when a part of it is."""
    if table.empty:
        return pd.Series([], dtype="str")
    parts = [
        table[c].astype("str") if c in table else pd.Series(pd.NA, index=table.index, dtype="str")
        for c in key
    ]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + _SEPARATOR + part
    return joined.reset_index(drop=True)


def _first_rows(codes: np.ndarray, count: int) -> np.ndarray:
    """For each of `count` key codes, the position of its first row in `codes` (-1: none;
    a missing key has code -1 and matches nothing)."""
    first = np.full(count, -1, dtype=np.int64)
    known = np.flatnonzero(codes >= 0)
    found, at = np.unique(codes[known], return_index=True)
    first[found] = known[at]
    return first


def _split(key: str, parts: int) -> Key:
    return tuple(key.split(_SEPARATOR)) if parts > 1 else key


def _column(rows: pd.DataFrame, column: str, positions: np.ndarray) -> pd.Series:
    if column not in rows:
        return pd.Series([None] * len(positions), dtype=object)
    return rows[column].iloc[positions].reset_index(drop=True)


def _differ(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Cells that may differ, missing equal to missing: a fast vectorised sieve, confirmed
    cell by cell on the few it keeps (numbers as numbers, dates as days)."""
    missing_a, missing_b = a.isna().to_numpy(), b.isna().to_numpy()
    if isinstance(a.dtype, pd.StringDtype) and a.dtype == b.dtype:  # compared by Arrow
        unequal = (a != b).to_numpy(dtype=bool, na_value=True)
    elif pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
        left = a.astype("float64").to_numpy()
        right = b.astype("float64").to_numpy()
        unequal = ~np.isclose(left, right, rtol=0, atol=1e-12, equal_nan=True)
    else:
        unequal = _values(a, missing_a) != _values(b, missing_b)
    return np.where(missing_a | missing_b, missing_a != missing_b, unequal).astype(bool)


def _values(values: pd.Series, missing: np.ndarray) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.strftime("%Y-%m-%d")
    return np.where(missing, "", values.to_numpy(dtype=object))


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, list | tuple | str) and bool(pd.isna(value)))


def _plain(value: object) -> object:
    """A cell as JSON: days as `AAAA-MM-JJ`, whole numbers as int, missing as None."""
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return value if isinstance(value, str) else str(value)


def _same_items(was: object, now: object) -> bool:
    def items(value: object) -> set[str]:
        return {i.strip() for i in str(value).split(LIST_SEPARATOR) if i.strip()}

    return was is not None and now is not None and items(was) == items(now)


def _json_key(key: Key) -> str | list[str]:
    return list(key) if isinstance(key, tuple) else key


def _sort_key(key: Key) -> tuple[str, ...]:
    return key if isinstance(key, tuple) else (key,)


def _scoped(sheet: str, table: pd.DataFrame | None, model: Model) -> pd.DataFrame | None:
    """The rows of `table` that the (restricted) model still holds: nothing outside a
    perimeter is compared, so nothing outside it can appear in the result."""
    if table is None or model.scope is None:
        return table
    if sheet == "acteurs":
        keep = is_in(table["id"], model.actors.index)
    elif sheet == "perimetres":  # their communes, seen from inside: `perimeter_communes`
        keep = is_in(table["id"], model.perimeters.index)
        table = table.drop(columns=[c for c in _OUTSIDE_LISTS if c in table])
    elif sheet == "dispositifs":
        keep = is_in(table["id"], model.schemes.index)
    elif sheet == "blocages":
        keep = is_in(table["id"], model.blockages.index)
    elif sheet == "participations":
        held = pd.MultiIndex.from_frame(
            model.participations[["dispositif", "acteur", "role"]].astype(object)
        )
        keys = pd.MultiIndex.from_frame(table[["dispositif", "acteur", "role"]].astype(object))
        keep = pd.Series(keys.isin(held), index=table.index)
    elif sheet == "perimetre_communes":
        keep = is_in(table["perimetre"], model.perimeters.index) & is_in(
            table["commune"], model.communes.index
        )
    else:  # communes
        keep = is_in(table["code"], model.communes.index)
    return table[keep.to_numpy()]


# ----- perimeters, blockages, proposals --------------------------------------------------------


def perimeter_communes_changes(before: Model, after: Model) -> dict[str, CommuneChanges]:
    """Communes gained and lost by each perimeter present in both versions, composition
    expanded; a perimeter added or removed is listed with the rows of `perimetres`."""
    both = before.perimeters.index.intersection(after.perimeters.index)
    old, new = (
        model.membership[is_in(model.membership["perimeter"], both)][["perimeter", "commune"]]
        .astype(object)
        .drop_duplicates()
        for model in (before, after)
    )
    moved = old.merge(new, how="outer", indicator=True)
    moved = moved[moved["_merge"] != "both"].sort_values(["perimeter", "commune"])
    found = {}
    for pid, rows in moved.groupby("perimeter", sort=True):
        side = rows["_merge"].to_numpy(dtype=object)
        codes = rows["commune"].to_numpy(dtype=object)
        found[str(pid)] = CommuneChanges(
            tuple(codes[side == "right_only"].tolist()), tuple(codes[side == "left_only"].tolist())
        )
    return found


def blockage_status_changes(before: Model, after: Model) -> tuple[StatusChange, ...]:
    """Blockages of both versions whose status moved (an empty status is `ouvert`)."""
    old = before.blockages["statut"].astype(object).where(before.blockages["statut"].notna(), OPEN)
    new = after.blockages["statut"].astype(object).where(after.blockages["statut"].notna(), OPEN)
    common = old.index.intersection(new.index)
    moved = [(str(b), str(old[b]), str(new[b])) for b in sorted(common) if old[b] != new[b]]
    return tuple(StatusChange(*row) for row in moved)


def proposal_changes(
    before: Model,
    after: Model,
    proposal_ids: ProposalIds | None = None,
    before_at: str | None = None,
    after_at: str | None = None,
) -> ProposalChanges:
    """Proposals new and resolved, by their stable id (SPEC §3.2)."""
    if proposal_ids is None:
        return ProposalChanges()
    old, new = set(proposal_ids(before, before_at)), set(proposal_ids(after, after_at))
    return ProposalChanges(tuple(sorted(new - old)), tuple(sorted(old - new)))


# ----- in words --------------------------------------------------------------------------------

# sheet → (singular, plural, feminine?, the counts named: added, removed, modified)
_PHRASES = {
    "acteurs": ("acteur", "acteurs", False, ("ajouté", "retiré", "modifié")),
    "dispositifs": ("dispositif", "dispositifs", False, ("ajouté", "retiré", "modifié")),
    "participations": ("participation", "participations", True, ("gagné", "perdu", None)),
    "perimetres": ("périmètre", "périmètres", False, ("ajouté", "retiré", None)),
    "blocages": ("blocage", "blocages", False, ("signalé", "retiré", None)),
}


def _count(count: int, one: str, many: str) -> str:
    return f"{format_number(count)} {one if count <= 1 else many}"


def _agreed(count: int, word: str, feminine: bool) -> str:
    return word + ("e" if feminine else "") + ("s" if count > 1 else "")


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _sheet_phrase(sheet: str, changes: SheetChanges) -> str | None:
    """`1 acteur ajouté, 2 retirés et 1 modifié`: the noun once, each count agreed."""
    one, many, feminine, verbs = _PHRASES[sheet]
    counts = (len(changes.added), len(changes.removed), len(changes.modified))
    parts: list[str] = []
    for count, verb in zip(counts, verbs, strict=True):
        if count and verb:
            number = _count(count, one, many) if not parts else format_number(count)
            parts.append(f"{number} {_agreed(count, verb, feminine)}")
    return _and(parts) if parts else None


def headline(changes: Changes) -> str:
    """One French sentence that says what moved, for the page, the CLI and the dossier."""
    parts = [p for sheet in _PHRASES if (p := _sheet_phrase(sheet, changes.sheet(sheet)))]
    if changes.perimeter_communes:
        redrawn = len(changes.perimeter_communes)
        parts.append(f"{_count(redrawn, 'périmètre redessiné', 'périmètres redessinés')}")
    if lifted := len(changes.lifted):
        parts.append(_count(lifted, "blocage levé", "blocages levés"))
    gained, lost = changes.gained_and_lost("blank_communes")
    if net := len(gained) - len(lost):
        word = "commune blanche" if abs(net) == 1 else "communes blanches"
        parts.append(f"{format_number(abs(net))} {word} de {'plus' if net > 0 else 'moins'}")
    if not parts:
        return f"Rien n’a changé entre la version {changes.before} et la version {changes.after}."
    return f"Depuis la version {changes.before} : {_and(parts)}."


def coverage_sentence(changes: Changes) -> str | None:
    """« Couverture sociale : 78 % → 83 % » in words, or None for an empty territory."""
    before, after = changes.social_coverage()
    if before is None or after is None:
        return None
    trend = "en hausse" if after > before else "en baisse" if after < before else "stable"
    return (
        f"Couverture sociale : {format_share(before)} → {format_share(after)} ({trend}) "
        "— part des communes touchées par au moins un dispositif social."
    )


def indicator_rows(changes: Changes) -> list[tuple[str, str, str, str]]:
    """(name, before, after, what the arrow means) for the indicators of SPEC §3.3."""
    rows = []
    social_before, social_after = changes.social_coverage()
    if social_before is not None and social_after is not None:
        rows.append(
            (
                "Couverture sociale",
                format_share(social_before),
                format_share(social_after),
                _trend(
                    social_before,
                    social_after,
                    True,
                    (
                        "une plus grande part des communes touchée",
                        "une plus petite part des communes touchée",
                    ),
                ),
            )
        )
    blank_before, blank_after = changes.indicators["blank_communes"]
    rows.append(
        (
            "Communes blanches",
            format_number(len(blank_before)),
            format_number(len(blank_after)),
            _trend(
                len(blank_before),
                len(blank_after),
                False,
                ("plus de communes blanches", "moins de communes blanches"),
            ),
        )
    )
    t_before, t_after = (v["share"] for v in changes.indicators["transversality"])
    rows.append(
        (
            "Dispositifs transversaux",
            format_share(t_before),
            format_share(t_after),
            _trend(
                t_before,
                t_after,
                True,
                (
                    "plus de dispositifs réunissant les deux champs",
                    "moins de dispositifs réunissant les deux champs",
                ),
            ),
        )
    )
    b_before, b_after = changes.indicators["bridging_actors"]
    rows.append(
        (
            "Acteurs passerelles",
            format_number(len(b_before)),
            format_number(len(b_after)),
            _trend(
                len(b_before),
                len(b_after),
                True,
                ("plus d’acteurs passerelles", "moins d’acteurs passerelles"),
            ),
        )
    )
    late_before, late_after = changes.indicators["late_funders"]
    rows.append(
        (
            "Financeurs arrivés tard",
            share_or_dash(late_before),
            share_or_dash(late_after),
            _trend(
                late_before,
                late_after,
                False,
                ("plus de financeurs arrivés tard", "moins de financeurs arrivés tard"),
            ),
        )
    )
    lifted_before, lifted_after = (v["lifted_share"] for v in changes.indicators["blockages"])
    rows.append(
        (
            "Blocages levés",
            share_or_dash(lifted_before),
            share_or_dash(lifted_after),
            _trend(
                lifted_before,
                lifted_after,
                True,
                ("plus de blocages levés", "moins de blocages levés"),
            ),
        )
    )
    return rows


def share_or_dash(value: float | None) -> str:
    return "—" if value is None else format_share(value)


def _trend(before, after, higher_is_better: bool, what: tuple[str, str]) -> str:
    """The arrow's meaning in words: « mieux : plus de blocages levés »."""
    if before is None or after is None:
        return "pas de comparaison possible"
    if after == before:
        return "inchangé"
    better = (after > before) == higher_is_better
    return f"{'mieux' if better else 'moins bien'} : {what[0] if after > before else what[1]}"


# ----- which versions ----------------------------------------------------------------------------


class CannotCompare(LookupError):
    """The versions asked cannot be compared; the message says why and what to do, in French."""


def versions_to_compare(
    space: str, published: list[int], before: int | None = None, after: int | None = None
) -> tuple[int, int]:
    """The two versions to compare: by default the two latest; `after` alone is compared with
    the version just before it, `before` alone with the latest. `before` may be the later one:
    the comparison then reads backwards, as asked."""
    known = sorted(published)
    if len(known) < 2:
        raise CannotCompare(
            f"L’espace « {space} » n’a "
            + ("aucune version publiée" if not known else "qu’une version publiée")
            + " : aucune version antérieure à comparer. Publiez une nouvelle version "
            "(maillage import FICHIER) puis recommencez."
        )
    for asked in (before, after):
        if asked is not None and asked not in known:
            raise CannotCompare(
                f"L’espace « {space} » n’a pas de version {asked} : ses versions vont de "
                f"{known[0]} à {known[-1]} (voir maillage history)."
            )
    after = known[-1] if after is None else after
    if before is None:
        earlier = [v for v in known if v < after]
        if not earlier:
            raise CannotCompare(
                f"La version {after} est la première de l’espace « {space} » : aucune version "
                "antérieure à comparer. Choisissez une version plus récente avec --to."
            )
        before = earlier[-1]
    if before == after:
        raise CannotCompare(
            f"Les deux versions à comparer sont la même ({before}) : choisissez deux versions "
            "différentes (--from et --to, ou --since ; voir maillage history)."
        )
    return before, after


def published(
    store, space: str, version: int, model: Model | None = None, *, derive_missing: bool = False
) -> Published:
    """One version of a space as the comparison reads it (its model built unless given), its
    model given the indicators and proposal ids kept for it (`maillage.derived.recall`; those
    not kept are derived first when `derive_missing`)."""
    from maillage import derived
    from maillage.model import build_model

    info = store.version(space, version)
    tables = store.load(space, version)
    model = model if model is not None else build_model(tables)
    derived.recall(store, info, model, INDICATORS, derive_missing=derive_missing)
    return Published(version, tables, model, info.published_at, info.author)


def compare_in_store(
    store,
    space: str,
    before: int,
    after: int,
    *,
    scope: str | None = None,
    perimeter: str | None = None,
    models: Callable[[int], Model | None] | None = None,
    hide_persons: bool = False,
) -> tuple[Changes, Model, Model]:
    """The changes from version `before` to `after`, seen from a share link's `scope` first,
    then from `perimeter`; with both versions' models so restricted (for names of rows).
    `models` gives a version's full model when a cache holds it. With `hide_persons`, persons
    are shown as their role, as on every page of such a view (maillage.persons)."""
    from maillage import persons as personal

    old, new = (published(store, space, v, models(v) if models else None) for v in (before, after))
    hidden: set[str] = set()
    if hide_persons:
        for side in (old, new):
            actors = side.model.actors
            hidden |= set(actors.index[(actors["forme"] == personal.PERSON).fillna(False)])
        old = replace(old, model=personal.hide_persons(old.model))
        new = replace(new, model=personal.hide_persons(new.model))
    if scope is not None:
        old = replace(old, model=old.model.restrict(perimeter=scope))
        new = replace(new, model=new.model.restrict(perimeter=scope))
    changes = compare(
        old, new, space=space, perimeter=perimeter, proposal_ids=proposal_ids_on(old, new)
    )
    if hidden:
        changes = mask_persons(changes, hidden, personal.KEPT)
    if perimeter is not None:
        return (
            changes,
            old.model.restrict(perimeter=perimeter),
            new.model.restrict(perimeter=perimeter),
        )
    return changes, old.model, new.model


def proposal_ids_on(old: Published, new: Published) -> ProposalIds:
    """The ids of a model's proposals (SPEC §3.2), each version dated by its publication, so
    that « new » and « resolved » compare the pistes each version showed."""
    from maillage.proposals import proposal_ids
    from maillage.proposals.listing import reference_day

    def ids(model: Model, published_at: str | None) -> list[str]:
        when = published_at or new.published_at or old.published_at
        return proposal_ids(model, reference_day(when)) if when else []

    return ids


PERSON_SHOWN = "personne"


def mask_persons(changes: Changes, persons: set[str], kept: Iterable[str]) -> Changes:
    """Every person's id shown as « personne », and of their own rows only the columns that
    say what they do (`kept`): no name, no unknown column (an e-mail, a phone) survives."""
    kept = set(kept)

    def key(k: Key) -> Key:
        if isinstance(k, tuple):
            return tuple(PERSON_SHOWN if part in persons else part for part in k)
        return PERSON_SHOWN if k in persons else k

    def value(v: object) -> object:
        return PERSON_SHOWN if isinstance(v, str) and v in persons else v

    rows = {}
    for sheet, found in changes.rows.items():
        modified = []
        for row in found.modified:
            cells = {
                c: (value(a), value(b))
                for c, (a, b) in row.changes.items()
                if not (sheet == "acteurs" and row.id in persons and c not in kept)
            }
            if cells:
                modified.append(RowChange(key(row.id), cells))
        rows[sheet] = SheetChanges(
            tuple(key(k) for k in found.added),
            tuple(key(k) for k in found.removed),
            tuple(modified),
        )

    def shown(name: str, side: Any) -> Any:
        return [key(v) for v in side] if name == "bridging_actors" else side

    indicators = {
        name: (shown(name, before), shown(name, after))
        for name, (before, after) in changes.indicators.items()
    }
    return replace(changes, rows=rows, indicators=indicators)


# ----- the lists behind each number --------------------------------------------------------------

CHANGE_COLUMNS = ["Feuille", "Changement", "Identifiant", "Nom", "Colonne", "Avant", "Après"]
_SHEET_LABELS = {
    "acteurs": "Acteurs",
    "perimetres": "Périmètres",
    "dispositifs": "Dispositifs",
    "participations": "Participations",
    "blocages": "Blocages",
    "perimetre_communes": "Communes des périmètres",
    "communes": "Communes (référentiel local)",
}


def _name_of(sheet: str, key: Key, model: Model) -> str:
    frames = {"acteurs": model.actors, "perimetres": model.perimeters, "dispositifs": model.schemes}
    if sheet in frames:
        names = frames[sheet]["nom"]
        return str(names.get(key, "")) if key in names.index else ""
    if sheet == "blocages" and key in model.blockages.index:
        return str(model.blockages.at[key, "description"])
    if sheet == "participations" and isinstance(key, tuple):
        scheme, actor, role = key
        actors, schemes = model.actors["nom"], model.schemes["nom"]
        return (
            f"{actors.get(actor, actor) if actor in actors.index else actor} dans "
            f"{schemes.get(scheme, scheme) if scheme in schemes.index else scheme} ({role})"
        )
    return ""


def change_table(changes: Changes, before: Model, after: Model) -> pd.DataFrame:
    """Every change as one row (French headers), to read on a page or download: names of
    removed rows from the version before, of the others from the version after."""
    rows = []
    for sheet, found in changes.rows.items():
        label = _SHEET_LABELS.get(sheet, sheet)
        for key in found.added:
            rows.append((label, "ajout", _shown(key), _name_of(sheet, key, after), "", "", ""))
        for key in found.removed:
            rows.append((label, "retrait", _shown(key), _name_of(sheet, key, before), "", "", ""))
        for row in found.modified:
            for column, (was, now) in row.changes.items():
                rows.append(
                    (
                        label,
                        "modification",
                        _shown(row.id),
                        _name_of(sheet, row.id, after),
                        column,
                        _cell(was),
                        _cell(now),
                    )
                )
    for pid, communes in changes.perimeter_communes.items():
        name = _name_of("perimetres", pid, after)
        names = {**as_dict(before.communes["nom"]), **as_dict(after.communes["nom"])}
        for kind, codes in (
            ("commune gagnée", communes.added),
            ("commune perdue", communes.removed),
        ):
            for code in codes:
                rows.append(
                    (
                        "Communes des périmètres (développées)",
                        kind,
                        pid,
                        name,
                        "commune",
                        "",
                        f"{names.get(code, code)} ({code})",
                    )
                )
    for status in changes.blockage_status:
        rows.append(
            (
                "Blocages",
                "statut",
                status.id,
                _name_of("blocages", status.id, after),
                "statut",
                status.before,
                status.after,
            )
        )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _shown(key: Key) -> str:
    return " · ".join(key) if isinstance(key, tuple) else key


def _cell(value: object) -> str:
    return "" if value is None else str(value)
