"""Built-in profiles for national lists: start or complete a territory instead of typing it.

`france-services` reads the ANCT list of France services sites (CSV, `;` or `,`, Licence
Ouverte; columns `id_fs`, `lib_fs`, `insee_com`, `latitude`, `longitude`, `format_fs`…): one
actor per site, id `FS-<id_fs>`, categorie `organisme_public`, thematiques accès aux droits and
numérique, type « France services » with its kind of site (`SITE_FORMATS`: itinérante (bus),
multisite…; « Antenne France services » for a `type_fs` Antenne).

`data-inclusion` reads structures of the data·inclusion schema v1 (JSON list, `{"items": […]}`
or CSV; `id`, `source`, `nom`, `siret`, `code_insee`, `latitude`, `longitude`,
`reseaux_porteurs`): id `DI-<source>-<id>`, categorie and type from the first network we know
(table `NETWORKS`, codes of the schema's `reseaux-porteurs` list). Services, when given
(records with a `structure_id`), add `thematiques` (their `categorie--sous-theme` codes by
`THEMES`) and a `ressort`: one perimeter per distinct `zone_eligibilite` (INSEE codes, EPCI
SIREN, département codes), id `DI-ZONE-<hash>`, so re-importing finds the same ids.

`champ` is in neither list: the profiles ask for it to be guessed (`guesses.py`), with one
warning per deduced value. These tables live here: nothing of the schema package is needed at
run time, and no request leaves the machine.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from maillage.columns import is_in, normalize_commune_codes
from maillage.problems import WARNING, Problem, problem
from maillage.profiles import Profile
from maillage.reference import load_reference
from maillage.schema import normalize_name
from maillage.texts import PROFILE_ERRORS
from maillage.workbook import MAX_FILE_BYTES, RawSheet, RawWorkbook, UnreadableWorkbook
from maillage.workbook import read_workbook as _read_workbook

FRANCE_SERVICES = Profile(
    name="France services (liste ANCT)",
    sheet="acteurs",
    key=("id",),
    columns={
        "id": "id",
        "lib_fs": "nom",
        "insee_com": "commune",
        "latitude": "latitude",
        "longitude": "longitude",
        "type": "type",
    },
    constants={
        "categorie": "organisme_public",
        "forme": "structure",
        "echelle": "local",
        "thematiques": "acces_aux_droits;numerique",
    },
    keep_other_columns=False,
    guess=("champ",),
    builtin="france-services",
)

DATA_INCLUSION = Profile(
    name="data·inclusion (structures)",
    sheet="acteurs",
    key=("id",),
    columns={
        "id": "id",
        "nom": "nom",
        "code_insee": "commune",
        "latitude": "latitude",
        "longitude": "longitude",
        "categorie": "categorie",
        "type": "type",
        "thematiques": "thematiques",
        "ressort": "ressort",
    },
    constants={"forme": "structure"},
    keep_other_columns=True,  # the reader keeps only `siret` besides: a key for later
    guess=("champ",),
    builtin="data-inclusion",
)

BUILTIN_PROFILES: dict[str, Profile] = {
    "france-services": FRANCE_SERVICES,
    "data-inclusion": DATA_INCLUSION,
}

# reseaux_porteurs code → (categorie of SPEC §5.1, type shown); unknown networks → autre.
NETWORKS: dict[str, tuple[str, str]] = {
    "caf": ("protection_sociale", "CAF"),
    "mutualite-sociale-agricole": ("protection_sociale", "MSA"),
    "cpam": ("protection_sociale", "CPAM"),
    "ccas-cias": ("organisme_public", "CCAS / CIAS"),
    "france-service": ("organisme_public", "France services"),
    "msap": ("organisme_public", "Maison de services au public"),
    "aidants-connect": ("organisme_public", "Aidants Connect"),
    "communes": ("collectivite", "Commune ou intercommunalité"),
    "departements": ("collectivite", "Département, services départementaux"),
    "maisons-des-solidarites": ("collectivite", "Maison départementale des solidarités"),
    "maison-departementale-de-lautonomie": ("collectivite", "Maison départementale de l’autonomie"),
    "ase": ("collectivite", "Aide sociale à l’enfance (département)"),
    "regions": ("collectivite", "Région, préfecture, services régionaux"),
    "pjj": ("etat", "Protection judiciaire de la jeunesse"),
    "spip": ("etat", "Service pénitentiaire d’insertion et de probation"),
    "chambres-consulaires": ("chambre_consulaire", "Chambre consulaire"),
    "fcsf": ("association", "Centre social"),
    "mjc": ("association", "MJC"),
    "reseau-information-jeunesse": ("association", "Information jeunesse"),
    "pimms-mediation": ("association", "PIMMS médiation"),
    "points-justice": ("association", "Point justice"),
    "points-conseil-budget": ("association", "Point conseil budget"),
    "cidff": ("association", "CIDFF"),
    "unaf": ("association", "UNAF"),
    "banques-alimentaires": ("association", "Banque alimentaire"),
    "restos-du-coeur": ("association", "Restos du cœur"),
    "secours-populaire": ("association", "Secours populaire"),
    "croix-rouge": ("association", "Croix-Rouge"),
    "emmaus": ("association", "Emmaüs"),
    "residences-fjt": ("association", "Foyer de jeunes travailleurs"),
    "chrs": ("association", "CHRS"),
    "chu": ("association", "Hébergement d’urgence"),
    "cada": ("association", "CADA"),
    "huda": ("association", "HUDA"),
    "cph": ("association", "Centre provisoire d’hébergement"),
    "siao": ("association", "SIAO"),
    "mission-locale": ("emploi_insertion", "Mission locale"),
    "france-travail": ("emploi_insertion", "France Travail"),
    "cap-emploi-reseau-cheops": ("emploi_insertion", "Cap emploi"),
    "maisons-de-l-emploi": ("emploi_insertion", "Maison de l’emploi"),
    "plie": ("emploi_insertion", "PLIE"),
    "siae": ("emploi_insertion", "SIAE"),
    "geiq": ("emploi_insertion", "GEIQ"),
    "epide": ("emploi_insertion", "EPIDE"),
    "afpa": ("emploi_insertion", "AFPA"),
    "etcld": ("emploi_insertion", "Territoire zéro chômeur (ETCLD)"),
    "ecoles-de-la-deuxieme-chance": ("emploi_insertion", "École de la 2e chance"),
    "alliance-villes-emploi": ("emploi_insertion", "Alliance villes emploi"),
    "fabrique-de-territoire": ("ess_tiers_lieu", "Fabrique de territoire"),
    "ressourceries": ("ess_tiers_lieu", "Ressourcerie"),
    "france-active": ("ess_tiers_lieu", "France Active"),
    "initiative-france": ("ess_tiers_lieu", "Initiative France"),
    "adie": ("ess_tiers_lieu", "ADIE"),
    "reseau-bge": ("ess_tiers_lieu", "BGE"),
    "reseau-entreprendre": ("ess_tiers_lieu", "Réseau Entreprendre"),
    "cms": ("sante", "Centre médico-social"),
    "cmp": ("sante", "Centre médico-psychologique"),
    "csapa": ("sante", "CSAPA"),
    "caarud": ("sante", "CAARUD"),
    "cnam": ("enseignement_recherche", "CNAM"),
    "campus-connecte": ("enseignement_recherche", "Campus connecté"),
}

# Words of a data·inclusion thematique (its category, before `--`) → theme of SPEC §5.4,
# first match wins; a category matching none is `autre`.
THEMES: tuple[tuple[str, str], ...] = (
    ("sante", "sante"),
    ("handicap", "handicap"),
    ("mobilite", "mobilite"),
    ("numerique", "numerique"),
    ("logement|hebergement", "logement"),
    ("alimentation", "alimentation"),
    ("famille|enfan|jeune|parent", "enfance_jeunesse"),
    (
        "emploi|metier|candidature|former|formation|creation_activite|insertion|remobilisation"
        "|professionnel|international",
        "emploi_insertion",
    ),
    ("droit|citoyennete|francais|illettrisme|financ|budget|juridique", "acces_aux_droits"),
    ("culture|sport|loisir", "culture"),
)
_THEME_PATTERNS = tuple((re.compile(words), theme) for words, theme in THEMES)
_NETWORK_SPLIT = re.compile(r"[^a-z0-9-]+")


def _refuse(reason: str, origin: str):
    raise UnreadableWorkbook(PROFILE_ERRORS[reason].format(origin=origin))


def _digest(files: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for _, data in sorted(files):
        digest.update(data)
    return digest.hexdigest()


def read_national(
    builtin: str, files: Sequence[tuple[str, bytes]], max_bytes: int = MAX_FILE_BYTES
) -> RawWorkbook:
    readers = {"france-services": _france_services, "data-inclusion": _data_inclusion}
    return readers[builtin](sorted(files), max_bytes)


def _known_communes(
    frame: pd.DataFrame, column: str, sheet: str, notices: list[Problem]
) -> pd.DataFrame:
    """A national list is not the analyst's to fix: a commune code the reference does not know
    (nor as a former code) is left out with a warning, and the site keeps its coordinates,
    instead of blocking the thousands of other rows."""
    if column not in frame.columns:
        return frame
    reference = load_reference()
    codes = normalize_commune_codes(frame[column].astype("str"))
    known = (
        codes.isna()
        | is_in(codes, reference.communes.index)
        | is_in(codes, list(reference.former_codes))
    )
    for row in frame.index[~known]:
        notices.append(
            problem(
                "national_unknown_commune",
                sheet=sheet,
                row=int(row),
                column=column,
                value=frame.at[row, column],
                severity=WARNING,
            )
        )
    frame = frame.copy()
    frame[column] = frame[column].where(known)
    return frame


FAR_FROM_COMMUNE_KM = 100  # wider than any commune but Guyane's; a swap or a 0 is thousands


def _plausible_points(
    frame: pd.DataFrame, column: str, sheet: str, notices: list[Problem]
) -> pd.DataFrame:
    """A site whose point lies far from its own commune (0, 0; latitude and longitude
    swapped) is drawn at its commune instead, with a warning: a national list is not the
    analyst's to fix, and one wrong point would stretch the whole map."""
    if not {column, "latitude", "longitude"} <= set(frame.columns):
        return frame
    reference = load_reference()
    codes = normalize_commune_codes(frame[column].astype("str")).map(
        lambda c: reference.current_code(c) if isinstance(c, str) else None
    )
    known = codes.notna()
    centre = reference.communes.reindex(codes[known])[["latitude", "longitude"]]
    point = pd.DataFrame(
        {
            axis: pd.to_numeric(
                frame.loc[known, axis].astype("str").str.strip().str.replace(",", "."),
                errors="coerce",
            )
            for axis in ("latitude", "longitude")
        }
    )
    centre.index = point.index
    north = (point["latitude"] - centre["latitude"]) * 111.2
    east = (
        (point["longitude"] - centre["longitude"]) * 111.2 * np.cos(np.radians(centre["latitude"]))
    )
    far = point.index[(np.hypot(north, east) > FAR_FROM_COMMUNE_KM).to_numpy()]
    if far.empty:
        return frame
    for row in far:
        notices.append(
            problem(
                "national_far_point",
                sheet=sheet,
                row=int(row),
                column="latitude",
                value=f"{frame.at[row, 'latitude']} ; {frame.at[row, 'longitude']}",
                severity=WARNING,
                commune=f"{reference.communes.at[codes[row], 'nom']} ({codes[row]})",
                distance=FAR_FROM_COMMUNE_KM,
            )
        )
    frame = frame.copy()
    frame.loc[far, ["latitude", "longitude"]] = None
    return frame


def _column(frame: pd.DataFrame, name: str) -> str | None:
    return next((c for c in frame.columns if normalize_name(c) == name), None)


# --- France services --------------------------------------------------------------------------


def _france_services(files, max_bytes) -> RawWorkbook:
    workbook = _read_workbook(files, max_bytes)
    sheets = {}
    notices = list(workbook.notices)
    for key, raw in workbook.sheets.items():
        frame = raw.frame
        if not all(_column(frame, c) for c in ("id_fs", "lib_fs", "insee_com")):
            continue
        frame = frame.rename(
            columns={
                _column(frame, c): c
                for c in (
                    "id_fs",
                    "lib_fs",
                    "insee_com",
                    "latitude",
                    "longitude",
                    "type_fs",
                    "format_fs",
                )
                if _column(frame, c)
            }
        )
        rows = pd.Series(frame.index.astype("str"), index=frame.index)
        ids = ("FS-" + frame["id_fs"]).fillna("FS-ligne-" + rows)
        repeat = ids.groupby(ids).cumcount()
        frame["id"] = ids.where(repeat == 0, ids + "-" + (repeat + 1).astype("str"))
        frame["type"] = site_types(frame)
        frame = _known_communes(frame, "insee_com", raw.name, notices)
        frame = _plausible_points(frame, "insee_com", raw.name, notices)
        sheets[key] = RawSheet(raw.name, raw.source, frame, raw.header_row)
    if not sheets:
        _refuse("not_france_services", ", ".join(workbook.files))
    return RawWorkbook(sheets, workbook.files, workbook.sha256, tuple(notices))


# The ANCT's own values of `format_fs` (list of 2024: 2 400 Fixe, 174 Multisites,
# 134 Bus_équivalent, 108 Fixe_antenne(s), 29 Itinérante) read as a type of structure.
SITE_FORMATS = {
    "fixe": "France services",
    "multisites": "France services multisite",
    "bus_equivalent": "France services itinérante (bus)",
    "fixe_antenne_s": "France services avec antennes",
    "itinerante": "France services itinérante",
}


def site_types(frame: pd.DataFrame) -> pd.Series:
    """« France services itinérante (bus) », « Antenne France services »: a committee reads
    the kind of site, not the ANCT's codes (`Bus_équivalent`); a value we do not know yet is
    kept in brackets (« France services (Point relais) »)."""
    plain = pd.Series("France services", index=frame.index)
    if "format_fs" in frame.columns:
        written = frame["format_fs"].fillna("").astype("str").str.strip()
        known = written.map(lambda v: SITE_FORMATS.get(normalize_name(v)))
        unknown = written.where(~written.str.lower().str.contains("france service|^$"))
        plain = known.fillna(("France services (" + unknown + ")").fillna("France services"))
    if "type_fs" in frame.columns:
        antenna = frame["type_fs"].fillna("").astype("str").str.strip().str.lower() == "antenne"
        plain = plain.where(~antenna, "Antenne France services")
    return plain


# --- data·inclusion ---------------------------------------------------------------------------


def _records(name: str, data: bytes, max_bytes: int) -> pd.DataFrame:
    """Records of a JSON list (or `{"items": […]}`) or of a CSV, as text cells."""
    if Path(name).suffix.lower() == ".json":
        try:
            parsed = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            _refuse("not_data_inclusion", name)
        if isinstance(parsed, dict):
            parsed = parsed.get("items", parsed.get("structures", parsed.get("services")))
        if not isinstance(parsed, list) or not all(isinstance(r, dict) for r in parsed):
            _refuse("not_data_inclusion", name)
        frame = pd.DataFrame.from_records(parsed) if parsed else pd.DataFrame()
        frame.index = pd.RangeIndex(2, 2 + len(frame))  # element n is « ligne n + 1 »
        return frame.map(_cell)
    workbook = _read_workbook([(name, data)], max_bytes)
    if len(workbook.sheets) != 1:
        _refuse("not_data_inclusion", name)
    return next(iter(workbook.sheets.values())).frame


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return pd.NA
    if isinstance(value, list):
        return ";".join(str(v) for v in value) if value else pd.NA
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip() or pd.NA


def _items(cell: object) -> list[str]:
    """`["caf", "mjc"]`, `caf;mjc` or `caf,mjc` as codes."""
    if not isinstance(cell, str):
        return []
    return [item for item in _NETWORK_SPLIT.split(cell.lower()) if item]


def _data_inclusion(files, max_bytes) -> RawWorkbook:
    structures, services = [], []
    for name, data in files:
        frame = _records(name, data, max_bytes)
        columns = {normalize_name(c) for c in frame.columns}
        if "structure_id" in columns:
            services.append(frame)
        elif {"id", "nom", "source"} <= columns:
            structures.append((name, frame))
        else:
            _refuse("not_data_inclusion", name)
    if not structures:
        _refuse("not_data_inclusion", ", ".join(n for n, _ in files))
    sheets = {}
    notices: list[Problem] = []
    perimeters: dict[str, dict] = {}
    for name, frame in structures:
        frame = frame.rename(columns={c: normalize_name(c) for c in frame.columns})
        frame = _shape_structures(frame, services, perimeters)
        frame = _known_communes(frame, "code_insee", Path(name).stem, notices)
        key = normalize_name(Path(name).stem) or "structures"
        sheets[key] = RawSheet(Path(name).stem, name, frame, 1)
    if perimeters:
        rows = pd.DataFrame(list(perimeters.values()))
        rows.index = pd.RangeIndex(2, 2 + len(rows))
        sheets["perimetres"] = RawSheet(
            "perimetres", "zones d’éligibilité des services", rows.astype("str"), 1
        )
    names = tuple(n for n, _ in files)
    return RawWorkbook(sheets, names, _digest(files), tuple(notices))


def _shape_structures(
    frame: pd.DataFrame, services: list[pd.DataFrame], perimeters: dict[str, dict]
) -> pd.DataFrame:
    source = frame["source"].fillna("")
    local = "DI-" + source.where(source == "", source + "-") + frame["id"]
    networks = (
        frame["reseaux_porteurs"]
        if "reseaux_porteurs" in frame.columns
        else pd.Series(pd.NA, index=frame.index, dtype="str")
    )
    known = networks.map(
        lambda cell: next((NETWORKS[n] for n in _items(cell) if n in NETWORKS), None)
    )
    categorie = known.map(lambda k: k[0] if k else "autre")
    kind = known.map(lambda k: k[1] if k else None)
    shaped = pd.DataFrame(
        {
            "id": local,
            "nom": frame["nom"],
            "categorie": categorie,
            "type": kind,
            "code_insee": frame.get("code_insee"),
            "latitude": frame.get("latitude"),
            "longitude": frame.get("longitude"),
            "siret": frame.get("siret"),
        },
        index=frame.index,
    )
    themes, zones = _services_by_structure(services)
    keys = (source.where(source == "", source + "|") + frame["id"]).tolist()
    shaped["thematiques"] = [themes.get(k) for k in keys]
    ressort: list[str | None] = []
    for key in keys:
        zone = zones.get(key)
        if not zone:
            ressort.append(None)
            continue
        pid = "DI-ZONE-" + hashlib.sha256(";".join(zone).encode()).hexdigest()[:10]
        shown = ", ".join(zone[:3]) + ("…" if len(zone) > 3 else "")
        perimeters.setdefault(
            pid,
            {
                "id": pid,
                "nom": f"Zone d’éligibilité ({shown})",
                "type": "autre",
                "communes": ";".join(zone),
            },
        )
        ressort.append(pid)
    shaped["ressort"] = ressort
    return shaped.astype("str")


def _theme(code: str) -> str:
    category = normalize_name(code.split("--")[0])
    return next((theme for pattern, theme in _THEME_PATTERNS if pattern.search(category)), "autre")


def _zone_item(code: str) -> str | None:
    """An INSEE code, `epci:SIREN` or `dep:CODE` (SPEC §5.3) for one zone_eligibilite code."""
    code = code.strip().upper()
    if re.fullmatch(r"\d{9}", code):
        return f"epci:{code}"
    if re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
        return code
    if re.fullmatch(r"\d{2}|2[AB]|97\d", code):
        return f"dep:{code}"
    return None


def _services_by_structure(services: list[pd.DataFrame]) -> tuple[dict, dict]:
    """(structure key → `;`-list of themes, structure key → sorted zone items)."""
    themes: dict[str, list[str]] = {}
    zones: dict[str, set[str]] = {}
    for frame in services:
        frame = frame.rename(columns={c: normalize_name(c) for c in frame.columns})
        source = (
            frame["source"].fillna("")
            if "source" in frame.columns
            else pd.Series("", index=frame.index)
        )
        keys = source.where(source == "", source + "|") + frame["structure_id"].fillna("")
        for key, listed, zone in zip(
            keys,
            frame.get("thematiques", [None] * len(frame)),
            frame.get("zone_eligibilite", [None] * len(frame)),
            strict=True,
        ):
            for code in _items(listed) if isinstance(listed, str) else []:
                theme = _theme(code)
                if theme not in themes.setdefault(key, []):
                    themes[key].append(theme)
            for code in re.split(r"[;,\s]+", zone) if isinstance(zone, str) else []:
                if item := _zone_item(code):
                    zones.setdefault(key, set()).add(item)
    return ({k: ";".join(v) for k, v in themes.items()}, {k: sorted(v) for k, v in zones.items()})
