"""A workbook built to tempt every rule of `maillage.scope`, for a scope on P_EPCI.

Every row that must stay out of a view on P_EPCI carries « ZZLOIN » in its name, its words
or its id; every row that must be in carries « ZZICI ». Tests search those markers in every
page, download and report, so a leak is seen whatever code path lets it through.

    P_EPCI  03007 03098 03101 03136              the scope (S)
    P_CAS   03098 03101 03140                    straddles S (minimal workbook)
    P_DEP   dep:03                               covers S
    ZZLOIN_P  03190 (Moulins)                    far away
    P_GRAZE   03136 03190 03185 03310     grazes S by one commune
"""

from __future__ import annotations

from tests.workbooks import minimal_sheets

SCOPE = "P_EPCI"
OUT = "ZZLOIN"
IN = "ZZICI"


def tempting_sheets() -> dict[str, list[dict]]:
    sheets = minimal_sheets()
    sheets["perimetres"] += [
        {
            "id": "P_DEP",
            "nom": "Département de l’Allier",
            "type": "departement",
            "communes": "dep:03",
        },
        {"id": "ZZLOIN_P", "nom": "Moulins ZZLOIN", "type": "epci", "communes": "03190"},
        {
            "id": "P_GRAZE",
            "nom": "Circonscription qui effleure",
            "type": "circonscription_action_sociale",
            "communes": "03136;03190;03185;03310",
        },
    ]
    sheets["acteurs"] += [
        # placed by its seat, takes part in nothing
        {
            "id": "ZZICI_SIEGE",
            "nom": "Épicerie ZZICI du siège",
            "categorie": "association",
            "champ": "social",
            "commune": "03101",
        },
        # seated far away, but its ressort covers S
        {
            "id": "ZZICI_RESSORT",
            "nom": "Service ZZICI départemental",
            "categorie": "organisme_public",
            "champ": "social",
            "commune": "03190",
            "ressort": "P_DEP",
        },
        # seated far away, takes part in a scheme lying within S
        {
            "id": "ZZICI_LOCAL",
            "nom": "Bureau ZZICI du projet local",
            "categorie": "autre",
            "champ": "developpement_local",
            "commune": "03190",
        },
        # seated far away, pilots and takes part in the département-wide scheme only
        {
            "id": "ZZLOIN_PILOTE",
            "nom": "Pilote ZZLOIN départemental",
            "categorie": "collectivite",
            "champ": "social",
            "commune": "03190",
        },
        {
            "id": "ZZLOIN_PERSONNE",
            "nom": "Dominique ZZLOIN de Vichy",
            "forme": "personne",
            "type": "travailleur social",
            "categorie": "collectivite",
            "champ": "social",
            "commune": "03310",
        },
        # its ressort only grazes S
        {
            "id": "ZZLOIN_EFFLEURE",
            "nom": "Antenne ZZLOIN qui effleure",
            "categorie": "association",
            "champ": "social",
            "commune": "03190",
            "ressort": "P_GRAZE",
        },
        # everything far away
        {
            "id": "ZZLOIN_A",
            "nom": "Association ZZLOIN de Moulins",
            "categorie": "association",
            "champ": "social",
            "commune": "03190",
            "ressort": "ZZLOIN_P",
        },
    ]
    sheets["dispositifs"] += [
        {
            "id": "D_DEP",
            "nom": "Schéma départemental ZZICI",
            "type": "CTG",
            "perimetre": "P_DEP",
            "pilote": "ZZLOIN_PILOTE",
        },
        {
            "id": "ZZLOIN_D",
            "nom": "CLS ZZLOIN de Moulins",
            "type": "CLS",
            "perimetre": "ZZLOIN_P",
            "pilote": "ZZLOIN_A",
        },
    ]
    sheets["participations"] += [
        {"dispositif": "D_CTG", "acteur": "ZZICI_LOCAL", "role": "operateur"},
        {"dispositif": "D_DEP", "acteur": "ZZLOIN_PERSONNE", "role": "operateur"},
        {"dispositif": "D_DEP", "acteur": "ZZICI_RESSORT", "role": "partenaire_technique"},
        {"dispositif": "D_DEP", "acteur": "A_CS", "role": "operateur"},
        {"dispositif": "ZZLOIN_D", "acteur": "A_CAF", "role": "partenaire_financier"},
    ]
    sheets["blocages"] += [
        # filed on a far territory, attached to the département-wide scheme (finding 3)
        {
            "id": "ZZLOIN_B1",
            "categorie": "methode",
            "description": "Propos ZZLOIN de Moulins",
            "territoire": "ZZLOIN_P",
            "dispositif": "D_DEP",
        },
        {
            "id": "ZZLOIN_B2",
            "categorie": "moyens",
            "description": "Propos ZZLOIN effleurant",
            "territoire": "P_GRAZE",
        },
        {
            "id": "ZZLOIN_B3",
            "categorie": "moyens",
            "description": "Propos ZZLOIN sans lieu",
            "dispositif": "ZZLOIN_D",
        },
        {
            "id": "ZZLOIN_B4",
            "categorie": "segmentation",
            "description": "Propos ZZLOIN ni lieu ni dispositif",
        },
        {
            "id": "ZZICI_B1",
            "categorie": "portage_politique",
            "description": "Propos ZZICI du département",
            "territoire": "P_DEP",
        },
        {
            "id": "ZZICI_B2",
            "categorie": "methode",
            "description": "Propos ZZICI du schéma départemental",
            "dispositif": "D_DEP",
        },
    ]
    return sheets
