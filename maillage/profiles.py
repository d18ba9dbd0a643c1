"""Import profiles: how one sheet of a foreign file maps onto a sheet of the workbook (SPEC §4).

An analyst keeps her own spreadsheet with her own headers (« Nom de la structure ») and her
own values (« Asso »). A profile says, once, which of her columns is which of ours, which of
her values is which code, and which constants hold for every row; it is saved under a name
and applied again to next month's file. It is a small TOML file (or the same keys in JSON):

    name = "Liste des partenaires"
    sheet = "acteurs"
    key = "id"                       # or a list: ["nom", "commune"]; used by `completer`
    keep_other_columns = true        # columns the profile does not name are kept as they are
    guess = ["champ"]                # fill an absent `champ` by the documented rule table
    [columns]
    "Nom de la structure" = "nom"    # "" ignores the column
    [values.categorie]
    "Asso" = "association"
    [constants]
    forme = "structure"

Reading never raises anything but `BadProfile`, whose message is French and says where.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from maillage.schema import SHEETS, normalize_name
from maillage.texts import PROFILE_ERRORS
from maillage.vocabularies import VOCABULARIES

GUESSABLE = ("champ",)
MAX_PROFILE_BYTES = 1024 * 1024


class BadProfile(ValueError):
    """The profile cannot be used; the message says why, in French."""


@dataclass(frozen=True)
class Profile:
    name: str
    sheet: str = "acteurs"
    key: tuple[str, ...] = ("id",)
    columns: dict[str, str] = field(default_factory=dict)  # source header → target, "" ignores
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # target → value → code
    constants: dict[str, str] = field(default_factory=dict)
    keep_other_columns: bool = True
    guess: tuple[str, ...] = ()
    builtin: str | None = None  # name of the built-in reader that shapes the source first

    @property
    def targets(self) -> dict[str, str]:
        """Target column → source header, for the columns actually mapped."""
        return {target: source for source, target in self.columns.items() if target}

    def header_match(self, headers: list[str]) -> float:
        """Share of the profile's named columns found among `headers` (normalised)."""
        if not self.columns:
            return 0.0
        found = {normalize_name(h) for h in headers}
        named = {normalize_name(h) for h in self.columns}
        return len(named & found) / len(named)

    def as_dict(self) -> dict:
        data: dict = {
            "name": self.name,
            "sheet": self.sheet,
            "key": self.key[0] if len(self.key) == 1 else list(self.key),
        }
        if not self.keep_other_columns:
            data["keep_other_columns"] = False
        if self.guess:
            data["guess"] = list(self.guess)
        if self.builtin:
            data["builtin"] = self.builtin
        data["columns"] = dict(self.columns)
        data["values"] = {k: dict(v) for k, v in self.values.items()}
        data["constants"] = dict(self.constants)
        return data


def _fail(reason: str, /, **params: object) -> NoReturn:
    raise BadProfile(PROFILE_ERRORS[reason].format(**params))


def _text(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        _fail("not_text", where=where)
    return str(value)


def profile_from_dict(data: object, origin: str = "profil") -> Profile:
    """Check every key of a parsed profile; unknown sheets, targets and codes are refused."""
    if not isinstance(data, dict):
        _fail("not_table", origin=origin)
    name = _text(data.get("name") or origin, "name").strip() or origin
    sheet = _text(data.get("sheet", "acteurs"), "sheet")
    if sheet not in SHEETS:
        _fail("unknown_sheet", origin=origin, sheet=sheet, allowed=", ".join(SHEETS))
    schema = SHEETS[sheet]
    raw_key = data.get("key", schema.key or "id")
    keys = raw_key if isinstance(raw_key, list) else [raw_key]
    key = tuple(_text(k, "key") for k in keys)
    if not key:
        _fail("not_text", where="key")
    sections = {}
    for section in ("columns", "values", "constants"):
        found = data.get(section, {})
        if not isinstance(found, dict):
            _fail("not_section", origin=origin, section=section)
        sections[section] = found
    columns = {}
    for source, target in sections["columns"].items():
        target = _text(target, f"columns.{source}")
        if target and target not in schema.column_names:
            _fail(
                "unknown_target",
                origin=origin,
                source=source,
                target=target,
                sheet=sheet,
                allowed=", ".join(schema.column_names),
            )
        columns[str(source)] = target
    values: dict[str, dict[str, str]] = {}
    for target, table in sections["values"].items():
        column = schema.column(target) if target in schema.column_names else None
        if column is None or column.vocabulary is None:
            coded = ", ".join(c.name for c in schema.columns if c.vocabulary)
            _fail("values_not_coded", origin=origin, target=target, sheet=sheet, allowed=coded)
        if not isinstance(table, dict):
            _fail("not_section", origin=origin, section=f"values.{target}")
        values[target] = {}
        for source, code in table.items():
            code = _text(code, f"values.{target}.{source}")
            if code and code not in VOCABULARIES[column.vocabulary]:  # "": still to choose
                _fail(
                    "unknown_code",
                    origin=origin,
                    target=target,
                    source=source,
                    code=code,
                    allowed=", ".join(VOCABULARIES[column.vocabulary]),
                )
            values[target][str(source)] = code
    constants = {}
    for target, value in sections["constants"].items():
        if target not in schema.column_names:
            _fail(
                "unknown_target",
                origin=origin,
                source="constants",
                target=target,
                sheet=sheet,
                allowed=", ".join(schema.column_names),
            )
        constants[target] = _text(value, f"constants.{target}")
    guess = data.get("guess", [])
    if not isinstance(guess, list) or any(g not in GUESSABLE for g in guess):
        _fail("bad_guess", origin=origin, allowed=", ".join(GUESSABLE))
    keep = data.get("keep_other_columns", True)
    if not isinstance(keep, bool):
        _fail("not_bool", origin=origin, where="keep_other_columns")
    builtin = data.get("builtin")
    return Profile(
        name,
        sheet,
        key,
        columns,
        values,
        constants,
        keep,
        tuple(guess),
        None if builtin is None else _text(builtin, "builtin"),
    )


def parse_profile(text: str, origin: str = "profil") -> Profile:
    """A profile from TOML text, or JSON text when it starts with `{`."""
    stripped = text.lstrip("\ufeff").strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            _fail("bad_json", origin=origin, line=error.lineno, detail=error.msg)
    else:
        try:
            data = tomllib.loads(stripped)
        except tomllib.TOMLDecodeError as error:
            _fail("bad_toml", origin=origin, detail=str(error))
    return profile_from_dict(data, origin)


def read_profile_file(path: str | Path) -> Profile:
    path = Path(path)
    if not path.is_file():
        _fail("missing", origin=path)
    if path.stat().st_size > MAX_PROFILE_BYTES:
        _fail("too_large", origin=path.name)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail("encoding", origin=path.name)
    return parse_profile(text, path.name)


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escaping is a subset TOML accepts."""
    return json.dumps(text, ensure_ascii=False)


def profile_toml(profile: Profile) -> str:
    """The profile as the TOML file of SPEC §4 (read back by `parse_profile`)."""
    data = profile.as_dict()
    lines = [f"name = {_toml_string(data['name'])}", f"sheet = {_toml_string(data['sheet'])}"]
    key = data["key"]
    lines.append(
        "key = "
        + (
            _toml_string(key)
            if isinstance(key, str)
            else "[" + ", ".join(map(_toml_string, key)) + "]"
        )
    )
    if "keep_other_columns" in data:
        lines.append("keep_other_columns = false")
    if "guess" in data:
        lines.append("guess = [" + ", ".join(map(_toml_string, data["guess"])) + "]")
    if "builtin" in data:
        lines.append(f"builtin = {_toml_string(data['builtin'])}")
    lines += ["", "[columns]"]
    lines += [f"{_toml_string(s)} = {_toml_string(t)}" for s, t in data["columns"].items()]
    for target, table in data["values"].items():
        lines += ["", f"[values.{_toml_string(target)}]"]
        lines += [f"{_toml_string(s)} = {_toml_string(c)}" for s, c in table.items()]
    lines += ["", "[constants]"]
    lines += [f"{_toml_string(t)} = {_toml_string(v)}" for t, v in data["constants"].items()]
    return "\n".join(lines) + "\n"


def profile_json(profile: Profile) -> str:
    return json.dumps(profile.as_dict(), ensure_ascii=False, indent=2) + "\n"


def save_profile(store, space: str, profile: Profile, author: str | None = None) -> None:
    """Keep `profile` in `space` under its name (replacing one of the same name)."""
    from datetime import UTC, datetime

    from maillage.store_profiles import ProfileStore

    checked = profile_from_dict(profile.as_dict(), profile.name)  # never store a bad one
    headers = sorted({normalize_name(h) for h in checked.columns})
    ProfileStore(store).save(
        space,
        checked.name,
        profile_json(checked),
        json.dumps(headers),
        datetime.now(UTC).isoformat(timespec="seconds"),
        author,
    )


def saved_profiles(store, space: str) -> list[Profile]:
    from maillage.store_profiles import ProfileStore

    return [parse_profile(row.body, row.name) for row in ProfileStore(store).list(space)]


def remove_profile(store, space: str, name: str) -> bool:
    from maillage.store_profiles import ProfileStore

    return ProfileStore(store).remove(space, name)


def recognises(profile: Profile, headers: list[str]) -> bool:
    """A saved profile applies by itself to a file holding every header it names, when it
    renames at least one of them (a profile of template headers would match any workbook)."""
    present = {normalize_name(h) for h in headers}
    named = {normalize_name(h) for h in profile.columns}
    renames = any(
        target and normalize_name(source) != target for source, target in profile.columns.items()
    )
    return bool(named) and renames and named <= present


def matching_profile(store, space: str, sheets_headers: list[list[str]]) -> Profile | None:
    """The saved profile of `space` that recognises one of the sheets, naming most columns."""
    found = [
        (len(p.columns), p.name, p)
        for p in saved_profiles(store, space)
        if any(recognises(p, headers) for headers in sheets_headers)
    ]
    return max(found, key=lambda f: (f[0], f[1]))[2] if found else None


def find_profile(
    spec: str | None, store=None, space: str | None = None, files=None
) -> Profile | None:
    """The profile `--profile` names: a file (.toml, .json), a built-in one, or one saved in
    the space. Without `--profile`, the saved profile that recognises the file's headers,
    if any; else None (the file is read as a template workbook)."""
    from maillage.national import BUILTIN_PROFILES

    if spec is None:
        if store is None or not space or not files or not saved_profiles(store, space):
            return None
        from maillage.workbook import UnreadableWorkbook, read_workbook

        try:
            workbook = read_workbook(files)
        except UnreadableWorkbook:
            return None  # the import itself says why
        return matching_profile(
            store, space, [list(sheet.frame.columns) for sheet in workbook.sheets.values()]
        )
    path = Path(spec)
    if path.suffix.lower() in (".toml", ".json") or path.is_file():
        return read_profile_file(path)
    if spec in BUILTIN_PROFILES:
        return BUILTIN_PROFILES[spec]
    saved = {p.name: p for p in saved_profiles(store, space)} if store and space else {}
    if spec in saved:
        return saved[spec]
    _fail("missing", origin=spec, known=", ".join([*BUILTIN_PROFILES, *saved]))
