"""The built-in reference of French communes (COG 2026), read from ``data/reference/``.

Workbooks name communes by INSEE code only; this module gives those codes a name, a
population, a point, their EPCI and département, and maps the former codes that old
spreadsheets still use. The files are built by ``scripts/build_reference.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
import shapely

REFERENCE_DIR: Path = Path(__file__).resolve().parents[1] / "data" / "reference"

ShapeLevel = Literal["commune", "epci", "departement"]


@dataclass(frozen=True, eq=False)  # DataFrames: compare and hash by identity
class Reference:
    """Every current commune and the territories above it, indexed by their codes."""

    communes: pd.DataFrame
    former_codes: dict[str, str]
    epci: pd.DataFrame
    departements: pd.DataFrame
    regions: pd.DataFrame
    arrondissements: pd.DataFrame
    municipal_arrondissements: frozenset[str] = frozenset()  # 75112, 13201, 69381…
    """Former codes that are municipal arrondissements of Paris, Lyon and Marseille, not
    merged communes: said so in validation's warning."""

    @functools.cached_property
    def _members(self) -> dict[str, dict[str, list[str]]]:
        """Sorted code lists per EPCI and per département, computed once on first use."""
        return {
            column: {
                str(key): sorted(codes)
                for key, codes in self.communes.groupby(column).groups.items()
            }
            for column in ("epci", "departement")
        }

    def current_code(self, code: str) -> str | None:
        """The current code for a current or former code (merged commune), else None."""
        code = str(code).strip()
        if code in self.communes.index:
            return code
        return self.former_codes.get(code)

    def epci_communes(self, siren: str) -> list[str]:
        """Member communes of an EPCI, sorted; [] when the SIREN is unknown."""
        return list(self._members["epci"].get(str(siren), []))

    def departement_communes(self, code: str) -> list[str]:
        """Communes of a département, sorted; [] when the code is unknown."""
        return list(self._members["departement"].get(str(code), []))


def _read(name: str) -> pd.DataFrame:
    return pd.read_parquet(REFERENCE_DIR / f"{name}.parquet")


@functools.cache
def load_reference() -> Reference:
    """Read the reference once per process; shapes are left out (see ``load_shapes``)."""
    former = _read("former_codes")
    return Reference(
        communes=_read("communes").set_index("code"),
        former_codes=dict(zip(former["former_code"], former["code"], strict=True)),
        epci=_read("epci").set_index("siren"),
        departements=_read("departements").set_index("code"),
        regions=_read("regions").set_index("code"),
        arrondissements=_read("arrondissements").set_index("code"),
        municipal_arrondissements=frozenset(
            former.loc[former["kind"] == "arrondissement_municipal", "former_code"]
        ),
    )


def load_shapes(level: ShapeLevel, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Simplified WGS84 shapes (columns code, geometry), only for ``codes`` when given.

    Shapes weigh far more than the tables, so they are read only when a map asks, and
    only the requested rows are decoded.
    """
    if level not in ("commune", "epci", "departement"):
        raise ValueError(f"unknown shape level: {level!r}")
    filters = None
    if codes is not None:
        wanted = sorted({str(c) for c in codes})
        if not wanted:
            return pd.DataFrame({"code": pd.Series(dtype="str"), "geometry": []})
        filters = [("code", "in", wanted)]
    table = pd.read_parquet(REFERENCE_DIR / f"{level}_shapes.parquet", filters=filters)
    return pd.DataFrame(
        {"code": table["code"], "geometry": shapely.from_wkb(table["wkb"].to_numpy())}
    )
