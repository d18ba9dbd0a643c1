"""The workbook format of SPEC §2, declared once as data.

Reading, validation, the Excel template and its drop-down lists all walk these declarations,
so a column added here is read, checked and offered in the template at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "text",  # free text
    "code",  # one value of a vocabulary
    "codes",  # ;-list of values of a vocabulary
    "ref",  # id of a row of another sheet
    "refs",  # ;-list of ids of another sheet
    "commune",  # one INSEE code
    "communes",  # ;-list of INSEE codes, epci:SIREN or dep:CODE
    "date",
    "year",
    "number",
    "integer",
]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"
    required: bool = False
    vocabulary: str | None = None
    target: str | None = None  # sheet referred to, for ref/refs
    default: str | None = None
    bounds: tuple[float, float] | None = None

    @property
    def code_vocabulary(self) -> str:
        """The vocabulary of a `code` or `codes` column: every such column names one."""
        if self.vocabulary is None:
            raise TypeError(f"la colonne « {self.name} » ne prend pas de codes")
        return self.vocabulary


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    key: str | None = "id"  # the unique id column, if any

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


LATITUDE = (-90.0, 90.0)
LONGITUDE = (-180.0, 180.0)

SHEETS: dict[str, Sheet] = {
    s.name: s
    for s in (
        Sheet(
            "acteurs",
            required=True,
            columns=(
                Column("id", required=True),
                Column("nom", required=True),
                Column("categorie", "code", required=True, vocabulary="actor_category"),
                Column("forme", "code", vocabulary="actor_form", default="structure"),
                Column("type"),
                Column("champ", "code", required=True, vocabulary="field"),
                Column("commune", "commune"),
                Column("latitude", "number", bounds=LATITUDE),
                Column("longitude", "number", bounds=LONGITUDE),
                Column("ressort", "ref", target="perimetres"),
                Column("echelle", "code", vocabulary="scale"),
                Column("thematiques", "codes", vocabulary="theme"),
            ),
        ),
        Sheet(
            "perimetres",
            required=True,
            columns=(
                Column("id", required=True),
                Column("nom", required=True),
                Column("type", "code", required=True, vocabulary="perimeter_type"),
                Column("communes", "communes"),
                Column("composition", "refs", target="perimetres"),
            ),
        ),
        Sheet(
            "perimetre_communes",
            key=None,
            columns=(
                Column("perimetre", "ref", required=True, target="perimetres"),
                Column("commune", "commune", required=True),
            ),
        ),
        Sheet(
            "dispositifs",
            required=True,
            columns=(
                Column("id", required=True),
                Column("nom", required=True),
                Column("type", "code", required=True, vocabulary="scheme_type"),
                Column("perimetre", "ref", required=True, target="perimetres"),
                Column("pilote", "ref", target="acteurs"),
                Column("debut", "date"),
                Column("fin", "date"),
                Column("stade", "code", vocabulary="stage"),
                Column("thematiques", "codes", vocabulary="theme"),
                Column("instances"),
                Column("annee_diagnostic", "year"),
                Column("secteur", "code", vocabulary="sector"),
            ),
        ),
        Sheet(
            "participations",
            key=None,
            columns=(
                Column("dispositif", "ref", required=True, target="dispositifs"),
                Column("acteur", "ref", required=True, target="acteurs"),
                Column("role", "code", required=True, vocabulary="role"),
                Column("stade_entree", "code", vocabulary="entry_stage"),
                Column("nature", "codes", vocabulary="nature"),
            ),
        ),
        Sheet(
            "blocages",
            columns=(
                Column("id", required=True),
                Column("categorie", "code", required=True, vocabulary="blockage_category"),
                Column("sous_categorie"),
                Column("description", required=True),
                Column("territoire", "ref", target="perimetres"),
                Column("dispositif", "ref", target="dispositifs"),
                Column("date", "date"),
                Column("source", "code", vocabulary="source"),
                Column("statut", "code", vocabulary="status", default="ouvert"),
                Column("levier", "code", vocabulary="lever"),
            ),
        ),
        Sheet(
            "communes",
            key="code",
            columns=(
                Column("code", required=True),
                Column("nom"),
                Column("population", "integer", bounds=(0, 1e8)),
                Column("latitude", "number", bounds=LATITUDE),
                Column("longitude", "number", bounds=LONGITUDE),
                Column("epci"),
                Column("departement"),
            ),
        ),
    )
}

# Headers analysts commonly use for our columns, by sheet (after normalisation).
ALIASES: dict[str, dict[str, str]] = {
    "acteurs": {"code_insee": "commune", "insee": "commune", "thematique": "thematiques"},
    "perimetre_communes": {"code_insee": "commune", "insee": "commune"},
    "dispositifs": {"thematique": "thematiques", "date_debut": "debut", "date_fin": "fin"},
    "communes": {"code_insee": "code", "insee": "code", "commune": "code"},
}

LIST_SEPARATOR = ";"


def normalize_name(text: object) -> str:
    """Fold a sheet name, header or code for matching: `CODE-INSÉE` → `code_insee`."""
    text = str(text).replace("œ", "oe").replace("Œ", "OE")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
