"""Check a raw workbook against the schema and return every problem at once, never raising.

Each check is vectorised over a whole column (100,000 rows in a few hundredths of a second);
Python only runs once per *distinct* value (codes, lists) or per faulty cell (to describe it).
Alongside the problems comes the cleaned workbook: codes instead of labels, current INSEE
codes, real dates and numbers — what gets published when there is no error.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

import pandas as pd

from maillage.columns import is_in, join_items, list_items, normalize_commune_codes
from maillage.formats import DATE, format_date
from maillage.problems import ERROR, WARNING, Problem, has_errors, problem, sort_key
from maillage.reference import Reference, load_reference
from maillage.schema import ALIASES, LIST_SEPARATOR, SHEETS, Column, Sheet, normalize_name
from maillage.texts import LABELS
from maillage.vocabularies import VOCABULARIES
from maillage.workbook import RawSheet, RawWorkbook

IGNORED_SHEETS = {"lisez_moi", "mode_d_emploi", "instructions", "listes", "problemes"}
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass(frozen=True)
class Validation:
    problems: tuple[Problem, ...]
    tables: dict[str, pd.DataFrame]  # cleaned sheets, index = spreadsheet row

    @property
    def valid(self) -> bool:
        return not has_errors(list(self.problems))

    def as_json(self) -> dict:
        return {"valid": self.valid, "problems": [p.as_json() for p in self.problems]}


def validate(workbook: RawWorkbook, reference: Reference | None = None) -> Validation:
    reference = reference or load_reference()
    problems: list[Problem] = list(workbook.notices)
    raw = _known_sheets(workbook, problems)
    tables: dict[str, pd.DataFrame] = {}
    for sheet in SHEETS.values():
        if sheet.name in raw:
            tables[sheet.name] = _canonical_columns(sheet, raw[sheet.name], problems)
            if sheet.required and tables[sheet.name].empty:  # a blank template must not
                problems.append(problem("no_data", sheet=sheet.name))  # wipe the dashboard
        elif sheet.required:
            problems.append(problem("missing_sheet", sheet=sheet.name))
    communes = _CommuneResolver(reference, tables.get("communes"))
    ids = {
        name: pd.Index(t[SHEETS[name].key].dropna().unique())
        for name, t in tables.items()
        if SHEETS[name].key
    }
    for name, table in tables.items():
        checker = _SheetChecker(SHEETS[name], table, problems, communes, ids)
        tables[name] = checker.run()
    _check_dates_order(tables.get("dispositifs"), problems)
    _check_perimeters(tables, problems)
    _check_other_sector(tables.get("dispositifs"), problems)
    problems.sort(key=sort_key)
    return Validation(tuple(problems), tables)


def data_rows(workbook: RawWorkbook) -> int:
    """Rows of the sheets the schema knows: the template's instructions and hidden lists,
    and any other sheet that import ignores, are not data the analyst wrote."""
    return sum(len(sheet.frame) for key, sheet in workbook.sheets.items() if key in SHEETS)


def _known_sheets(workbook: RawWorkbook, problems: list[Problem]) -> dict[str, RawSheet]:
    known = {}
    for key, sheet in workbook.sheets.items():
        if key in SHEETS:
            known[key] = sheet
        elif key not in IGNORED_SHEETS:
            allowed = ", ".join(SHEETS)
            problems.append(
                problem("unknown_sheet", sheet=sheet.name, severity=WARNING, allowed=allowed)
            )
    return known


def _canonical_columns(sheet: Sheet, raw: RawSheet, problems: list[Problem]) -> pd.DataFrame:
    """Rename headers to the schema's names; keep unknown columns under their own header."""
    frame = raw.frame
    aliases = ALIASES.get(sheet.name, {})
    renames: dict[str, str] = {}
    for header in frame.columns:
        key = normalize_name(header)
        key = aliases.get(key, key)
        if key in sheet.column_names and key not in renames.values():
            renames[header] = key
    frame = frame.rename(columns=renames)
    for column in sheet.columns:
        if column.name not in frame.columns:
            if column.required:
                problems.append(
                    problem(
                        "missing_column", sheet=sheet.name, row=raw.header_row, column=column.name
                    )
                )
            frame[column.name] = pd.Series(pd.NA, index=frame.index, dtype="str")
    extra = [c for c in frame.columns if c not in sheet.column_names]
    return frame[[*sheet.column_names, *extra]]


def _split(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(LIST_SEPARATOR) if item.strip()]


def _vocabulary_lookup(vocabulary: str) -> dict[str, str]:
    lookup = {}
    for code in VOCABULARIES[vocabulary]:
        lookup[normalize_name(code)] = code
        lookup[normalize_name(LABELS[vocabulary][code])] = code
    return lookup


def _to_codes(values: pd.Series, vocabulary: str) -> pd.Series:
    """Codes for codes or French labels, NaN when unknown; `normalize_name` runs once per
    distinct value, and columns of codes have few."""
    lookup = _vocabulary_lookup(vocabulary)
    mapping = {value: lookup.get(normalize_name(value)) for value in values.dropna().unique()}
    return values.map(mapping)


_DAY_MONTH_YEAR = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _impossible_date(text: str) -> str | None:
    """Why a well-formed JJ/MM/AAAA is no day of the calendar (« février 2026 n’a que 28
    jours »), or None when the text is not of that form: the analyst then knows what to fix."""
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return f"il n’y a pas de mois n° {month}, les mois vont de 01 à 12"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{_MONTHS[month - 1]} {year} n’a que {days} jours"
    return None


class _CommuneResolver:
    """Current INSEE codes, from the built-in reference plus the workbook's `communes` sheet."""

    def __init__(self, reference: Reference, overrides: pd.DataFrame | None):
        self.former_codes = reference.former_codes
        self.municipal_arrondissements = reference.municipal_arrondissements
        self.names = reference.communes["nom"]
        self.codes = reference.communes.index
        self.epci = reference.epci.index
        self.departements = reference.departements.index
        if overrides is not None:
            extra = normalize_commune_codes(overrides["code"].dropna())
            self.codes = self.codes.union(pd.Index(extra.unique()))
            self.epci = self.epci.union(pd.Index(overrides["epci"].dropna().unique()))
            departements = overrides["departement"].dropna().unique()
            self.departements = self.departements.union(pd.Index(departements))

    def resolve(self, codes: pd.Series) -> tuple[pd.Series, pd.Series]:
        """(current code or NaN when unknown, former code that was replaced or NaN)."""
        codes = normalize_commune_codes(codes)
        known = is_in(codes, self.codes)
        mapped = codes.map(self.former_codes)
        return codes.where(known, mapped), codes.where(~known & mapped.notna())


class _SheetChecker:
    """Runs the checks of every column of one sheet and returns the cleaned frame."""

    def __init__(self, sheet, table, problems, communes: _CommuneResolver, ids):
        self.sheet, self.table, self.problems = sheet, table.copy(), problems
        self.communes, self.ids = communes, ids

    def report(self, code: str, rows: pd.Index, column: Column, values, **params) -> None:
        """One problem per faulty cell; `params` may be per-row Series (aligned on rows)."""
        if len(rows) == 0:
            return
        severity = params.pop("severity", ERROR)
        for position, (row, value) in enumerate(zip(rows, values, strict=True)):
            extra = {
                k: (v.iloc[position] if isinstance(v, pd.Series) else v) for k, v in params.items()
            }
            self.problems.append(
                problem(
                    code,
                    sheet=self.sheet.name,
                    row=int(row),
                    column=column.name,
                    value=value,
                    severity=severity,
                    **extra,
                )
            )

    def run(self) -> pd.DataFrame:
        for column in self.sheet.columns:
            series = self.table[column.name]
            if column.required:
                empty = series.isna()
                self.report("empty_required", series.index[empty], column, [None] * empty.sum())
            self.table[column.name] = getattr(self, f"_{column.kind}")(column, series)
        if self.sheet.key:
            self._unique(self.sheet.column(self.sheet.key))
        return self.table

    def _unique(self, column: Column) -> None:
        series = self.table[column.name].dropna()
        duplicated = series.duplicated(keep="first")
        if duplicated.any():
            first_rows = pd.Series(series.index, index=series.values).groupby(level=0).min()
            values = series[duplicated]
            self.report(
                "duplicate_id", values.index, column, values, first_row=values.map(first_rows)
            )

    def _text(self, column: Column, series: pd.Series) -> pd.Series:
        return series

    def _code(self, column: Column, series: pd.Series) -> pd.Series:
        codes = _to_codes(series, column.code_vocabulary)
        bad = series.notna() & codes.isna()
        self.report(
            "unknown_code",
            series.index[bad],
            column,
            series[bad],
            allowed=", ".join(VOCABULARIES[column.code_vocabulary]),
        )
        result = codes.astype("str")
        return result.fillna(column.default) if column.default else result

    def _codes(self, column: Column, series: pd.Series) -> pd.Series:
        items = list_items(series)
        codes = _to_codes(items, column.code_vocabulary)
        bad = codes.isna()
        self.report(
            "unknown_code",
            items.index[bad],
            column,
            items[bad],
            allowed=", ".join(VOCABULARIES[column.code_vocabulary]),
        )
        return join_items(codes[~bad], series.index)

    def _ref(self, column: Column, series: pd.Series) -> pd.Series:
        bad = series.notna() & ~is_in(series, self.ids.get(column.target, ()))
        self.report(
            "dangling_reference", series.index[bad], column, series[bad], target=column.target
        )
        return series

    def _refs(self, column: Column, series: pd.Series) -> pd.Series:
        items = list_items(series)
        bad = ~is_in(items, self.ids.get(column.target, ()))
        self.report(
            "dangling_reference", items.index[bad], column, items[bad], target=column.target
        )
        return join_items(items, series.index)

    def _commune(self, column: Column, series: pd.Series) -> pd.Series:
        current, _ = self._resolve(column, series.dropna())
        return current.reindex(series.index).astype("str")

    def _resolve(self, column: Column, codes: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Current codes of `codes`, reporting unknown codes and merged communes."""
        current, former = self.communes.resolve(codes)
        unknown = current.isna()
        self.report("unknown_commune", codes.index[unknown], column, codes[unknown])
        replaced = former.notna()
        arrondissement = replaced & is_in(former, self.communes.municipal_arrondissements)
        merged = replaced & ~arrondissement
        self.report(
            "former_commune",
            former.index[merged],
            column,
            former[merged],
            current=current[merged],
            severity=WARNING,
        )
        city = current[arrondissement].map(self.communes.names).fillna(current[arrondissement])
        self.report(
            "municipal_arrondissement",
            former.index[arrondissement],
            column,
            former[arrondissement],
            current=current[arrondissement],
            city=city,
            severity=WARNING,
        )
        return current, former

    def _communes(self, column: Column, series: pd.Series) -> pd.Series:
        """INSEE codes, `epci:SIREN` or `dep:CODE` items (SPEC §5.3)."""
        items = list_items(series)
        parts = items.str.extract(r"^(?P<kind>[A-Za-z]+)\s*:\s*(?P<code>.+)$")
        kind = parts["kind"].str.lower()
        epci = parts["code"][kind == "epci"]
        departement = parts["code"][kind.isin(["dep", "departement"])].str.upper().str.zfill(2)
        plain = items[parts["kind"].isna()]
        bad_epci = ~is_in(epci, self.communes.epci)
        self.report("unknown_epci", epci.index[bad_epci], column, items[kind == "epci"][bad_epci])
        bad_dep = ~is_in(departement, self.communes.departements)
        self.report(
            "unknown_departement",
            departement.index[bad_dep],
            column,
            items[kind.isin(["dep", "departement"])][bad_dep],
        )
        current, _ = self._resolve(column, plain)
        cleaned = pd.concat([current.dropna(), "epci:" + epci, "dep:" + departement])
        return join_items(cleaned.sort_index(kind="stable"), series.index)

    def _date(self, column: Column, series: pd.Series) -> pd.Series:
        text = series.dropna()
        parsed = pd.to_datetime(text, format=DATE, errors="coerce")
        parsed = parsed.fillna(pd.to_datetime(text, format="ISO8601", errors="coerce"))
        serial = pd.to_numeric(text, errors="coerce")
        from_serial = _EXCEL_EPOCH + pd.to_timedelta(serial.where(serial.between(1, 80_000)), "D")
        parsed = parsed.fillna(from_serial).dt.normalize()
        bad = parsed.isna()
        why = text[bad].map(_impossible_date)
        impossible = why.notna()
        self.report(
            "impossible_date",
            why.index[impossible],
            column,
            text[bad][impossible],
            reason=why[impossible],
        )
        self.report("bad_date", why.index[~impossible], column, text[bad][~impossible])
        return parsed.reindex(series.index).astype("datetime64[ns]")

    def _numeric(self, series: pd.Series) -> tuple[pd.Series, pd.Series]:
        text = series.dropna()
        cleaned = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".")
        return text, pd.to_numeric(cleaned, errors="coerce")

    def _number(self, column: Column, series: pd.Series) -> pd.Series:
        text, numbers = self._numeric(series)
        bad = numbers.isna()
        self.report("bad_number", text.index[bad], column, text[bad])
        if column.bounds:
            low, high = column.bounds
            outside = numbers.notna() & ~numbers.between(low, high)
            self.report(
                "out_of_range",
                text.index[outside],
                column,
                text[outside],
                bounds=f"de {low:g} à {high:g}".replace(".", ","),
            )
        return numbers.reindex(series.index).astype("float64")

    def _integer(self, column: Column, series: pd.Series) -> pd.Series:
        numbers = self._number(column, series)
        return numbers.round().astype("Int64")

    def _year(self, column: Column, series: pd.Series) -> pd.Series:
        text, numbers = self._numeric(series)
        bad = numbers.isna() | ~numbers.between(1900, 2100) | (numbers % 1 != 0)
        self.report("bad_year", text.index[bad], column, text[bad])
        return numbers.where(~bad).reindex(series.index).astype("Int64")


def _check_dates_order(schemes: pd.DataFrame | None, problems: list[Problem]) -> None:
    if schemes is None:
        return
    reversed_ = schemes["fin"] < schemes["debut"]
    for row in schemes.index[reversed_.fillna(False)]:
        problems.append(
            problem(
                "reversed_dates",
                sheet="dispositifs",
                row=int(row),
                column="fin",
                value=format_date(schemes.at[row, "fin"]),
                start=format_date(schemes.at[row, "debut"]),
            )
        )


def _check_perimeters(tables: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    perimeters = tables.get("perimetres")
    if perimeters is None:
        return
    import networkx as nx  # 0,2 s to import: only a workbook's validation needs it

    graph = nx.DiGraph()
    rows: dict[str, int] = {}  # perimeter → its first row
    for row, pid, composition in perimeters[["id", "composition"]].itertuples():
        if pd.isna(pid):
            continue
        rows.setdefault(pid, row)
        graph.add_node(pid)
        for child in _split(composition) if isinstance(composition, str) else []:
            graph.add_edge(pid, child)
    for component in nx.strongly_connected_components(graph):
        node = next(iter(component))
        if len(component) > 1 or graph.has_edge(node, node):
            cycle = " → ".join(edge[0] for edge in nx.find_cycle(graph, node)) + f" → {node}"
            for pid in sorted(component):
                problems.append(
                    problem(
                        "composition_cycle",
                        sheet="perimetres",
                        row=rows[pid],
                        column="composition",
                        value=pid,
                        cycle=cycle,
                    )
                )
    listed = set()
    if "perimetre_communes" in tables:
        listed = set(tables["perimetre_communes"]["perimetre"].dropna())
    empty = perimeters["communes"].isna() & perimeters["composition"].isna()
    empty &= perimeters["id"].notna() & ~is_in(perimeters["id"], listed)
    for row in perimeters.index[empty]:
        problems.append(
            problem(
                "empty_perimeter",
                sheet="perimetres",
                row=int(row),
                column="communes",
                value=perimeters.at[row, "id"],
            )
        )


def _check_other_sector(schemes: pd.DataFrame | None, problems: list[Problem]) -> None:
    if schemes is None:
        return
    missing = (schemes["type"] == "AUTRE") & schemes["secteur"].isna()
    for row in schemes.index[missing]:
        problems.append(
            problem(
                "missing_sector",
                sheet="dispositifs",
                row=int(row),
                column="secteur",
                value=schemes.at[row, "id"],
                severity=WARNING,
            )
        )
