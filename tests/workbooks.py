"""Build small workbooks inside tests, as real files read by the real reader.

`sheets` maps a sheet name to a list of row dicts (keys = headers as the analyst would write
them). `minimal_sheets()` is a small valid workspace on real communes of the Allier, small
enough to check every indicator by hand:

    P_EPCI   epci  03007 03098 03101 03136  (CA Montluçon, 4 of its communes)
    P_CAS    circonscription_action_sociale 03098 03101 03140
    P_PAT    autre (composition P_EPCI + P_CAS)
    D_CTG    CTG on P_EPCI, pilote A_CC, 01/01/2023–31/12/2026, themes enfance_jeunesse;sante
    D_PAT    PAT on P_PAT,  pilote A_CC, 01/06/2024–31/12/2025, themes alimentation;sante
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl

Rows = Sequence[Mapping[str, object]]


def xlsx_bytes(sheets: Mapping[str, Rows]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        headers = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(path: Path, sheets: Mapping[str, Rows]) -> Path:
    path.write_bytes(xlsx_bytes(sheets))
    return path


def csv_bytes(rows: Rows, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    headers = list(dict.fromkeys(key for row in rows for key in row))
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows([row.get(h) for h in headers] for row in rows)
    return text.getvalue().encode(encoding)


def minimal_sheets() -> dict[str, list[dict]]:
    return {
        "acteurs": [
            {
                "id": "A_CC",
                "nom": "Montluçon Communauté",
                "categorie": "collectivite",
                "champ": "les_deux",
                "commune": "03185",
            },
            {
                "id": "A_CAF",
                "nom": "CAF de l’Allier",
                "categorie": "protection_sociale",
                "champ": "social",
                "commune": "03190",
            },
            {
                "id": "A_CS",
                "nom": "Centre social du bocage",
                "categorie": "association",
                "champ": "social",
                "commune": "03098",
                "thematiques": "enfance_jeunesse;culture",
            },
            {
                "id": "A_CHA",
                "nom": "Chambre d’agriculture",
                "categorie": "chambre_consulaire",
                "champ": "developpement_local",
                "commune": "03190",
            },
        ],
        "perimetres": [
            {
                "id": "P_EPCI",
                "nom": "Montluçon (extrait)",
                "type": "epci",
                "communes": "03007;03098;03101;03136",
            },
            {
                "id": "P_CAS",
                "nom": "Circonscription Montluçon Est",
                "type": "circonscription_action_sociale",
                "communes": "03098;03101;03140",
            },
            {
                "id": "P_PAT",
                "nom": "Territoire du PAT",
                "type": "autre",
                "composition": "P_EPCI;P_CAS",
            },
        ],
        "dispositifs": [
            {
                "id": "D_CTG",
                "nom": "CTG de Montluçon",
                "type": "CTG",
                "perimetre": "P_EPCI",
                "pilote": "A_CC",
                "debut": "01/01/2023",
                "fin": "31/12/2026",
                "thematiques": "enfance_jeunesse;sante",
                "stade": "mise_en_oeuvre",
            },
            {
                "id": "D_PAT",
                "nom": "PAT du Montluçonnais",
                "type": "PAT",
                "perimetre": "P_PAT",
                "pilote": "A_CC",
                "debut": "01/06/2024",
                "fin": "31/12/2025",
                "thematiques": "alimentation;sante",
                "stade": "emergence",
            },
        ],
        "participations": [
            {
                "dispositif": "D_CTG",
                "acteur": "A_CAF",
                "role": "partenaire_financier",
                "stade_entree": "emergence",
            },
            {"dispositif": "D_CTG", "acteur": "A_CS", "role": "operateur"},
            {"dispositif": "D_PAT", "acteur": "A_CHA", "role": "partenaire_technique"},
            {
                "dispositif": "D_PAT",
                "acteur": "A_CAF",
                "role": "partenaire_financier",
                "stade_entree": "mise_en_oeuvre",
            },
        ],
        "blocages": [
            {
                "id": "B1",
                "categorie": "segmentation",
                "sous_categorie": "pensée en silos",
                "description": "Les dispositifs se côtoient sans se croiser",
                "territoire": "P_EPCI",
                "statut": "ouvert",
                "levier": "faire_reseau",
            },
            {
                "id": "B2",
                "categorie": "moyens",
                "description": "Pas de financement pérenne",
                "dispositif": "D_PAT",
                "statut": "leve",
            },
        ],
    }
