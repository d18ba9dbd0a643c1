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


ARDECHE_EPCI = "200071413"  # CA Privas Centre Ardèche, 42 communes, seat Privas (07186)
_PRIVAS_NORTH = (
    "07004;07008;07027;07030;07048;07060;07066;07072;07074;07083;07090;07092;"
    "07094;07096;07098;07146;07149;07167;07179;07181;07184"
)
_PRIVAS_SOUTH = (
    "07186;07194;07198;07214;07221;07233;07237;07244;07253;07255;07257;07261;"
    "07274;07278;07288;07295;07303;07314;07338;07340;07349"
)


def ardeche_sheets() -> dict[str, list[dict]]:
    """Another territory than the demo's Allier: an EPCI of Ardèche, its two circonscriptions
    (north, south), French labels instead of codes in a few cells, an actor seated outside
    (Valence, Drôme), blockages of every status over quarters with a quiet one between."""
    return {
        "acteurs": [
            {
                "id": "A_PCA",
                "nom": "Privas Centre Ardèche Agglomération",
                "categorie": "collectivite",
                "champ": "les_deux",
                "commune": "07186",
                "ressort": "P_PCA",
            },
            {
                "id": "A_CAF",
                "nom": "CAF de l’Ardèche",
                "categorie": "protection_sociale",
                "champ": "social",
                "commune": "07186",
            },
            {
                "id": "A_MSA",
                "nom": "MSA Ardèche Drôme Loire",
                "categorie": "Protection sociale (CAF, MSA, CPAM, CARSAT)",
                "champ": "Social",
                "commune": "26362",
            },
            {
                "id": "A_CSE",
                "nom": "Centre social de l’Eyrieux",
                "categorie": "association",
                "champ": "social",
                "commune": "07008",
                "ressort": "P_NORD",
            },
            {
                "id": "A_CHA",
                "nom": "Chambre d’agriculture de l’Ardèche",
                "categorie": "chambre_consulaire",
                "champ": "developpement_local",
                "commune": "07186",
            },
            {
                "id": "A_ELU",
                "nom": "Élue référente enfance",
                "categorie": "collectivite",
                "forme": "personne",
                "champ": "les_deux",
                "commune": "07066",
            },
        ],
        "perimetres": [
            {
                "id": "P_PCA",
                "nom": "CA Privas Centre Ardèche",
                "type": "epci",
                "communes": f"epci:{ARDECHE_EPCI}",
            },
            {
                "id": "P_NORD",
                "nom": "Circonscription Privas Nord",
                "type": "circonscription_action_sociale",
                "communes": _PRIVAS_NORTH,
            },
            {
                "id": "P_SUD",
                "nom": "Circonscription Privas Sud",
                "type": "circonscription_action_sociale",
                "communes": _PRIVAS_SOUTH,
            },
        ],
        "dispositifs": [
            {
                "id": "D_CTG",
                "nom": "CTG de Privas Centre Ardèche",
                "type": "CTG",
                "perimetre": "P_PCA",
                "pilote": "A_PCA",
                "debut": "01/01/2023",
                "fin": "31/12/2026",
                "thematiques": "enfance_jeunesse;acces_aux_droits",
                "stade": "mise_en_oeuvre",
                "instances": "COPIL",
                "annee_diagnostic": "2022",
            },
            {
                "id": "D_GMR",
                "nom": "Grandir en milieu rural — vallée de l’Eyrieux",
                "type": "GMR",
                "perimetre": "P_NORD",
                "pilote": "A_CAF",
                "debut": "01/09/2024",
                "fin": "31/08/2027",
                "thematiques": "Enfance et jeunesse",
                "stade": "Émergence",
                "instances": "comité de suivi",
                "annee_diagnostic": "2023",
            },
            {
                "id": "D_PAT",
                "nom": "PAT Centre Ardèche",
                "type": "PAT",
                "perimetre": "P_PCA",
                "pilote": "A_CHA",
                "debut": "15/03/2022",
                "fin": "14/03/2025",
                "thematiques": "alimentation",
                "stade": "evaluation",
            },
            {
                "id": "D_AUT",
                "nom": "Plan mobilité solidaire",
                "type": "AUTRE",
                "perimetre": "P_SUD",
                "pilote": "A_PCA",
                "thematiques": "mobilite",
            },
        ],
        "participations": [
            {
                "dispositif": "D_CTG",
                "acteur": "A_CAF",
                "role": "copilote",
                "stade_entree": "emergence",
                "nature": "financement;coordination",
            },
            {
                "dispositif": "D_CTG",
                "acteur": "A_MSA",
                "role": "Partenaire financier",
                "stade_entree": "mise_en_oeuvre",
                "nature": "financement",
            },
            {
                "dispositif": "D_CTG",
                "acteur": "A_CSE",
                "role": "operateur",
                "stade_entree": "emergence",
                "nature": "animation",
            },
            {"dispositif": "D_GMR", "acteur": "A_CSE", "role": "operateur", "nature": "animation"},
            {"dispositif": "D_GMR", "acteur": "A_ELU", "role": "participant"},
            {
                "dispositif": "D_PAT",
                "acteur": "A_ELU",
                "role": "participant",
                "stade_entree": "evaluation",
            },
        ],
        "blocages": [
            {
                "id": "B1",
                "categorie": "segmentation",
                "sous_categorie": "pensée en silos",
                "description": "Chacun son dispositif, personne ne se parle",
                "territoire": "P_PCA",
                "date": "12/01/2024",
                "source": "atelier",
                "statut": "ouvert",
                "levier": "faire_reseau",
            },
            {
                "id": "B2",
                "categorie": "moyens",
                "description": "Pas de poste de coordination",
                "dispositif": "D_GMR",
                "date": "03/10/2024",
                "source": "copil",
                "statut": "en_cours",
            },
            {
                "id": "B3",
                "categorie": "methode",
                "description": "Diagnostics refaits",
                "territoire": "P_SUD",
                "date": "20/04/2024",
                "source": "enquete",
                "statut": "leve",
                "levier": "methodes_communes",
            },
            {
                "id": "B4",
                "categorie": "portage_politique",
                "description": "Élus peu présents en comité",
                "territoire": "P_NORD",
                "source": "entretien",
            },
        ],
    }
