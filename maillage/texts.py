"""The French words of the workbook, in one place: the label of every code, sheet and
column, the template's help, and the messages of import problems, column mappings,
publications and profiles. Sentences that belong to one screen or command stay beside it;
numbers, shares, sizes, dates and times are written by `maillage.formats`.

Labels come from the Cap Rural report (2023) where it has one, so that the screens speak the
words the professionals used in the workshops. A test checks that every code has a label.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "actor_category": {
        "etat": "État et services déconcentrés",
        "collectivite": "Collectivité territoriale",
        "organisme_public": "Organisme public (CCAS, CIAS, France Services…)",
        "protection_sociale": "Protection sociale (CAF, MSA, CPAM, CARSAT)",
        "association": "Association, centre social, EVS, éducation populaire",
        "alimentation_agriculture": "Alimentation et agriculture",
        "ess_tiers_lieu": "Économie sociale et solidaire, tiers-lieu",
        "emploi_insertion": "Emploi et insertion",
        "chambre_consulaire": "Chambre consulaire",
        "enseignement_recherche": "Enseignement et recherche",
        "centre_ressources": "Centre de ressources",
        "sante": "Santé",
        "politique_ville": "Politique de la ville",
        "autre": "Autre",
    },
    "actor_form": {
        "structure": "Structure",
        "personne": "Personne à l’interface",
        "collectif_habitants": "Collectif d’habitants",
    },
    "field": {
        "social": "Social",
        "developpement_local": "Développement local",
        "les_deux": "Les deux",
    },
    "sector": {"social": "Social", "developpement_local": "Développement local"},
    "scale": {
        "local": "Locale",
        "intercommunal": "Intercommunale",
        "departemental": "Départementale",
        "regional": "Régionale",
        "national": "Nationale",
        "international": "Internationale",
    },
    "theme": {
        "alimentation": "Alimentation",
        "sante": "Santé",
        "mobilite": "Mobilité",
        "enfance_jeunesse": "Enfance et jeunesse",
        "emploi_insertion": "Emploi et insertion",
        "logement": "Logement",
        "culture": "Culture",
        "vieillissement": "Vieillissement",
        "handicap": "Handicap",
        "numerique": "Numérique",
        "transition_ecologique": "Transition écologique",
        "economie": "Économie",
        "participation_citoyenne": "Participation citoyenne",
        "acces_aux_droits": "Accès aux droits",
        "autre": "Autre",
    },
    "scheme_type": {
        "CTG": "Convention territoriale globale",
        "GMR": "Grandir en milieu rural",
        "TZCLD": "Territoire zéro chômeur de longue durée",
        "ABS": "Analyse des besoins sociaux",
        "CLS": "Contrat local de santé",
        "PAT": "Projet alimentaire territorial",
        "LEADER": "Programme européen LEADER",
        "CRTE": "Contrat pour la réussite de la transition écologique",
        "PVD": "Petites villes de demain",
        "PAEC": "Projet agro-environnemental et climatique",
        "CFT": "Charte forestière de territoire",
        "CPER": "Contrat de plan État-Région",
        "AUTRE": "Autre dispositif",
    },
    "perimeter_type": {
        "commune": "Commune",
        "epci": "EPCI (intercommunalité)",
        "departement": "Département",
        "region": "Région",
        "arrondissement": "Arrondissement",
        "canton": "Canton",
        "circonscription_action_sociale": "Circonscription d’action sociale",
        "territoire_caf": "Territoire CAF",
        "territoire_msa": "Territoire MSA",
        "centre_social": "Zone de centre social",
        "bassin_de_vie": "Bassin de vie",
        "gal_leader": "GAL LEADER",
        "pays_petr": "Pays ou PETR",
        "pnr": "Parc naturel régional",
        "autre": "Autre périmètre",
    },
    "stage": {
        "emergence": "Émergence",
        "mise_en_oeuvre": "Mise en œuvre",
        "evaluation": "Évaluation",
        "termine": "Terminé",
    },
    "entry_stage": {
        "emergence": "Émergence",
        "mise_en_oeuvre": "Mise en œuvre",
        "evaluation": "Évaluation",
    },
    "role": {
        "pilote": "Pilote",
        "copilote": "Copilote",
        "partenaire_technique": "Partenaire technique",
        "partenaire_financier": "Partenaire financier",
        "operateur": "Opérateur",
        "participant": "Participant",
    },
    "nature": {
        "accompagnement": "Accompagnement",
        "financement": "Financement",
        "coordination": "Coordination",
        "animation": "Animation",
        "expertise": "Expertise",
    },
    "blockage_category": {
        "segmentation": "Segmentation des publics, des approches, des professionnels, "
        "des dispositifs",
        "methode": "Manque de méthode",
        "portage_politique": "Manque de portage politique",
        "moyens": "Manque de moyens",
    },
    "source": {
        "atelier": "Atelier",
        "enquete": "Enquête",
        "copil": "Comité de pilotage",
        "entretien": "Entretien",
        "autre": "Autre",
    },
    "status": {"ouvert": "Ouvert", "en_cours": "En cours", "leve": "Levé"},
    "lever": {
        "faire_ensemble": "Faire ensemble : les préalables",
        "faire_reseau": "Faire réseau en continu",
        "dispositifs_transversaux": "S’appuyer sur des dispositifs territoriaux transversaux",
        "personnes_relais": "Repérer les personnes relais",
        "legitimer": "Légitimer le travail des professionnels",
        "methodes_communes": "Mettre en place des méthodes de travail communes",
        "portage_politique": "S’appuyer sur des alliés politiques",
        "ingenierie_qualifiee": "Une ingénierie qualifiée et pérenne",
        "besoins_habitants": "Partir des besoins des habitants",
    },
}

SEVERITY_LABELS = {"erreur": "Erreur", "avertissement": "Avertissement"}

SHEET_LABELS: dict[str, str] = {
    "acteurs": "Acteurs",
    "perimetres": "Périmètres",
    "perimetre_communes": "Communes des périmètres",
    "dispositifs": "Dispositifs",
    "participations": "Participations",
    "blocages": "Blocages",
    "communes": "Communes (référentiel local)",
}

SHEET_HELP: dict[str, str] = {
    "acteurs": "Les structures et les personnes à l’interface : une ligne par acteur.",
    "perimetres": "Les territoires d’intervention, chacun comme une liste de communes "
    "(codes INSEE) ou comme l’union d’autres périmètres.",
    "perimetre_communes": "Facultatif : une ligne par couple périmètre – commune, "
    "à la place ou en plus de la colonne « communes » des périmètres.",
    "dispositifs": "Les dispositifs publics (CTG, GMR, PAT, LEADER…) : une ligne par dispositif.",
    "participations": "Facultatif : qui prend part à quel dispositif, avec quel rôle et à "
    "quel stade.",
    "blocages": "Facultatif : ce qui bloque, tel que rapporté en atelier, enquête ou comité.",
    "communes": "Facultatif : remplace ou complète le référentiel des communes intégré.",
}

COLUMN_HELP: dict[str, str] = {
    "id": "Identifiant unique, sans doublon (ex. A001).",
    "nom": "Nom en toutes lettres.",
    "categorie": "Famille de structure (liste déroulante).",
    "forme": "structure (par défaut), personne ou collectif d’habitants.",
    "type": "Type (liste déroulante).",
    "champ": "social, développement local ou les deux.",
    "commune": "Code INSEE à 5 caractères (ex. 03190, 2A004).",
    "latitude": "Latitude en degrés décimaux (WGS84) ; à défaut, le centre de la commune.",
    "longitude": "Longitude en degrés décimaux (WGS84).",
    "ressort": "Identifiant du périmètre sur lequel l’acteur intervient.",
    "echelle": "Échelle du réseau : locale, intercommunale, départementale…",
    "thematiques": "Liste séparée par des ; (ex. Alimentation;Santé).",
    "communes": "Codes INSEE séparés par des ; — ou epci:SIREN, dep:03.",
    "composition": "Identifiants d’autres périmètres dont celui-ci est l’union, séparés par ;",
    "perimetre": "Identifiant du périmètre.",
    "pilote": "Identifiant de l’acteur pilote.",
    "debut": "Date de début (JJ/MM/AAAA).",
    "fin": "Date de fin (JJ/MM/AAAA), postérieure au début.",
    "stade": "Émergence, mise en œuvre, évaluation ou terminé.",
    "instances": "Instances de gouvernance séparées par des ; (ex. COPIL;COTECH).",
    "annee_diagnostic": "Année du dernier diagnostic territorial (ex. 2023).",
    "secteur": "Pour un dispositif AUTRE : social ou développement local.",
    "dispositif": "Identifiant du dispositif.",
    "acteur": "Identifiant de l’acteur.",
    "role": "Pilote, copilote, partenaire technique, partenaire financier…",
    "stade_entree": "Stade du projet auquel l’acteur est arrivé.",
    "nature": "Nature de l’intervention, séparée par des ; (Financement;Animation).",
    "sous_categorie": "Thème plus fin (« pensée en silos », « appels à projets »…).",
    "description": "Les mots rapportés.",
    "territoire": "Identifiant du périmètre concerné.",
    "date": "Date du signalement (JJ/MM/AAAA).",
    "source": "Atelier, enquête, comité de pilotage, entretien, autre.",
    "statut": "Ouvert (par défaut), en cours ou levé.",
    "levier": "Levier proposé (liste déroulante).",
    "code": "Code INSEE de la commune.",
    "population": "Population municipale.",
    "epci": "SIREN de l’EPCI.",
    "departement": "Code du département (ex. 03).",
}

SHEET_COLUMN_HELP: dict[tuple[str, str], str] = {
    ("acteurs", "type"): "Type précis, en texte libre (CCAS, centre social, EVS, MJC, "
    "communauté de communes, CAF, France Services…).",
    ("blocages", "categorie"): "Catégorie de blocage (liste déroulante).",
    ("blocages", "dispositif"): "Identifiant du dispositif concerné, s’il y en a un.",
}
"""Help for a column whose meaning differs from the shared one of COLUMN_HELP."""


def column_help(sheet: str, column: str) -> str:
    return SHEET_COLUMN_HELP.get((sheet, column)) or COLUMN_HELP.get(column, "")


# Validation messages: one template per problem code. Each says what is wrong and how to fix it.
MESSAGES: dict[str, str] = {
    "missing_sheet": "La feuille « {sheet} » est obligatoire mais absente du classeur. "
    "Ajoutez-la (le modèle téléchargeable la contient).",
    "missing_column": "La colonne obligatoire « {column} » manque dans la feuille « {sheet} ». "
    "Ajoutez-la en ligne 1 (en-têtes).",
    "empty_required": "La cellule est vide alors que la colonne « {column} » est obligatoire. "
    "Renseignez-la ou supprimez la ligne.",
    "duplicate_id": "L’identifiant « {value} » est déjà utilisé ligne {first_row}. "
    "Chaque identifiant doit être unique : renommez l’un des deux.",
    "unknown_code": "« {value} » n’est pas une valeur admise pour « {column} ». "
    "Valeurs possibles : {allowed}.",
    "dangling_reference": "« {value} » ne correspond à aucun identifiant de la feuille "
    "« {target} ». Corrigez l’identifiant ou ajoutez la ligne manquante dans « {target} ».",
    "unknown_commune": "Le code commune « {value} » est inconnu du référentiel INSEE "
    "(COG 2026). Vérifiez le code à 5 caractères (ex. 03190) ou déclarez la commune "
    "dans une feuille « communes ».",
    "former_commune": "La commune « {value} » a fusionné : son code actuel {current} "
    "est utilisé. Mettez le code à jour pour faire disparaître cet avertissement.",
    "municipal_arrondissement": "{value} est un arrondissement de {city} : le code de la "
    "commune, {current}, est utilisé. Écrivez {current} pour faire disparaître cet "
    "avertissement.",
    "unknown_epci": "L’EPCI « {value} » est inconnu du référentiel (SIREN à 9 chiffres, "
    "ex. epci:200071678).",
    "unknown_departement": "Le département « {value} » est inconnu (ex. dep:03, dep:2A).",
    "bad_date": "« {value} » n’est pas une date lisible. Écrivez-la au format JJ/MM/AAAA "
    "(ex. 21/11/2026) ou utilisez une cellule de type date.",
    "impossible_date": "La date « {value} » n’existe pas : {reason}. Corrigez le jour ou le mois "
    "(format JJ/MM/AAAA, ex. 28/02/2026).",
    "bad_year": "« {value} » n’est pas une année. Écrivez l’année sur quatre chiffres (ex. 2023).",
    "bad_number": "« {value} » n’est pas un nombre. Écrivez un nombre (ex. 46,34 ou 1234).",
    "out_of_range": "« {value} » est hors des bornes admises pour « {column} » ({bounds}).",
    "reversed_dates": "La date de fin ({value}) précède la date de début ({start}). "
    "Corrigez l’une des deux dates.",
    "composition_cycle": "Le périmètre « {value} » se contient lui-même par sa composition "
    "({cycle}). Retirez l’un des liens pour casser le cycle.",
    "empty_perimeter": "Le périmètre « {value} » n’a aucune commune : renseignez "
    "« communes », « composition » ou la feuille « perimetre_communes ».",
    "missing_sector": "Un dispositif de type AUTRE sans colonne « secteur » n’est compté "
    "ni dans le social ni dans le développement local. Ajoutez « social » ou "
    "« developpement_local » dans une colonne « secteur » si vous voulez qu’il le soit.",
    "formula": "La feuille contient {count} (ex. {cells}) : rien n’est recalculé, c’est la "
    "dernière valeur enregistrée qui est lue. Remplacez les formules par des valeurs pour être "
    "sûr de ce qui est publié.",
    "unknown_sheet": "La feuille « {sheet} » n’est pas une feuille attendue : elle est ignorée. "
    "Feuilles reconnues : {allowed}.",
    "duplicate_sheet": "Deux feuilles portent le nom « {sheet} » une fois normalisé "
    "(majuscules, accents, espaces). Gardez-en une seule.",
    "no_data": "La feuille obligatoire « {sheet} » n’a aucune ligne de données : publier ce "
    "classeur viderait l’espace. Remplissez-la à partir de la ligne 2.",
    "mapping_duplicate_target": "Les colonnes « {first} » et « {column} » sont toutes deux "
    "associées à « {value} ». Associez-en une seule à « {value} » et ignorez l’autre.",
    "mapping_missing_target": "La colonne obligatoire « {value} » de la feuille « {target} » "
    "n’est associée à aucune colonne du fichier. Choisissez la colonne qui la contient ou "
    "donnez-lui une valeur constante.",
    "mapping_no_code": "La valeur « {value} » de la colonne « {column} » ({count}) "
    "n’est associée à aucun code. Choisissez le code qui lui correspond ({allowed}).",
    "mapping_absent_column": "La colonne « {column} » nommée par le profil « {profile} » "
    "est absente du fichier : elle est ignorée. Vérifiez que c’est le bon profil.",
    "mapping_shadowed_column": "La colonne « {column} » est ignorée : « {value} » vient déjà "
    "de la colonne « {first} ».",
    "guessed_value": "« {column} » n’est pas dans le fichier : « {value} » a été déduit pour "
    "{count} ({rule}, à partir de la ligne {first}). Vérifiez ces lignes et "
    "corrigez-les au besoin.",
    "completed_key_missing": "La colonne « {column} » qui sert de clé pour compléter la "
    "feuille « {target} » est absente. Ajoutez-la ou choisissez une autre clé dans le profil.",
    "national_unknown_commune": "Le code commune « {value} » est inconnu du référentiel "
    "INSEE (COG 2026) : cette ligne de la liste nationale est importée sans commune (ses "
    "coordonnées sont gardées). Renseignez la commune à la main si besoin.",
    "national_far_point": "Le point « {value} » est à plus de {distance} km de la commune "
    "du site, {commune} (latitude et longitude inversées, ou 0) : le site est placé au "
    "centre de sa commune. Corrigez ses coordonnées à la main si besoin.",
    "completed_nothing_to_delete": "La ligne « {value} » est marquée à supprimer mais ne "
    "correspond à aucune ligne publiée : elle est ignorée.",
    "completed_nothing": "Aucune feuille de « {sheet} » ne correspond à une feuille de "
    "maillage : il n’y a rien à compléter. Nommez la feuille (ou le fichier .csv) comme "
    "l’une de celles-ci : {allowed}, ou utilisez un profil.",
    "completed_duplicate_key": "La clé « {value} » apparaît plusieurs fois dans le fichier "
    "(déjà ligne {first_row}) : impossible de savoir quelle ligne mettre à jour. Gardez-en une.",
}

UNREADABLE: dict[str, str] = {
    "empty": "Le fichier « {name} » est vide (0 octet). Vérifiez que vous avez choisi "
    "le bon fichier.",
    "too_large": "Le fichier « {name} » pèse {size} : la limite est de {limit}. "
    "Retirez les feuilles ou les lignes inutiles, ou découpez-le.",
    "extension": "Le fichier « {name} » n’est pas un classeur accepté. Formats acceptés : "
    ".xlsx, .ods ou .csv.",
    "legacy_or_encrypted": "Le fichier « {name} » est un ancien classeur .xls ou un classeur "
    "protégé par mot de passe. Retirez la protection et enregistrez-le au format .xlsx.",
    "not_zip": "Le fichier « {name} » n’est pas un classeur {kind} lisible (fichier abîmé, "
    "tronqué ou renommé). Ouvrez-le dans votre tableur et enregistrez-le à nouveau.",
    "bomb": "Le fichier « {name} » est anormalement compressé ({detail}) : il est refusé "
    "par sécurité. Enregistrez-le à nouveau depuis votre tableur.",
    "macros": "Le fichier « {name} » contient des macros. Elles ne sont jamais exécutées, "
    "mais le fichier est refusé par sécurité : enregistrez-le au format .xlsx sans macros.",
    "dtd": "Le fichier « {name} » contient une déclaration XML interdite (DOCTYPE ou ENTITY), "
    "signe d’un fichier fabriqué. Enregistrez-le à nouveau depuis votre tableur.",
    "encoding": "Le fichier CSV « {name} » n’est ni en UTF-8 ni en Latin-1. Enregistrez-le "
    "en « CSV UTF-8 ».",
    "parse": "Le fichier « {name} » n’a pas pu être lu ({detail}). Ouvrez-le dans votre "
    "tableur et enregistrez-le à nouveau au format .xlsx.",
    "too_many_cells": "La feuille « {sheet} » du fichier « {name} » compte {rows} lignes et "
    "{columns} colonnes : c’est au-delà de ce que maillage accepte ({limit}). Supprimez les "
    "lignes et colonnes vides ou inutiles.",
    "no_files": "Aucun fichier n’a été fourni.",
    "missing": "Le fichier « {name} » est introuvable.",
}


PROFILE_ERRORS: dict[str, str] = {
    "missing": "Le profil « {origin} » est introuvable : donnez le nom d’un profil enregistré "
    "({known}) ou le chemin d’un fichier .toml ou .json.",
    "too_large": "Le fichier de profil « {origin} » est trop gros (1 Mo au plus).",
    "encoding": "Le fichier de profil « {origin} » n’est pas en UTF-8. Enregistrez-le en UTF-8.",
    "bad_toml": "Le fichier de profil « {origin} » n’est pas un TOML valide ({detail}). "
    "Corrigez la ligne indiquée (les textes s’écrivent entre guillemets).",
    "bad_json": "Le fichier de profil « {origin} » n’est pas un JSON valide (ligne {line} : "
    "{detail}).",
    "not_table": "Le profil « {origin} » doit être une table de clés (name, sheet, columns…).",
    "not_section": "Dans le profil « {origin} », « {section} » doit être une table "
    "(« en-tête » = « colonne »).",
    "not_text": "Dans le profil, la valeur de « {where} » doit être un texte.",
    "not_bool": "Dans le profil « {origin} », « {where} » doit valoir true ou false.",
    "unknown_sheet": "Le profil « {origin} » vise la feuille « {sheet} », qui n’existe pas. "
    "Feuilles possibles : {allowed}.",
    "unknown_target": "Le profil « {origin} » associe « {source} » à « {target} », qui n’est "
    "pas une colonne de la feuille « {sheet} ». Colonnes possibles : {allowed}.",
    "values_not_coded": "Le profil « {origin} » donne des valeurs pour « {target} », qui "
    "n’est pas une colonne à valeurs contrôlées de « {sheet} » ({allowed}).",
    "unknown_code": "Le profil « {origin} » associe « {source} » au code « {code} », qui "
    "n’est pas admis pour « {target} ». Codes possibles : {allowed}.",
    "bad_guess": "Dans le profil « {origin} », « guess » doit être une liste parmi : {allowed}.",
    "not_data_inclusion": "Le fichier « {origin} » ne ressemble pas à une liste data·inclusion "
    "(structures avec au moins les champs id, nom et source). Rien n’a été importé.",
    "not_france_services": "Le fichier « {origin} » ne ressemble pas à la liste des France "
    "services de l’ANCT (colonnes id_fs, lib_fs, insee_com attendues). Rien n’a été importé.",
    "no_sheet": "Aucune feuille du fichier ne correspond au profil « {origin} ».",
}

CANNOT_COMPLETE = (
    "L’espace « {space} » n’a encore aucune version publiée : il n’y a rien à "
    "compléter. Importez d’abord un classeur complet (mode « remplacer »)."
)
COMPLETE_NOTE = "complété depuis {file} : {added} ajoutés, {updated} mis à jour"
DELETED_NOTE = ", {deleted} supprimés"

MAPPING_REASONS: dict[str, str] = {
    "profile": "d’après le profil « {profile} »",
    "exact": "même nom",
    "normalised": "même nom aux majuscules, accents et espaces près",
    "alias": "nom usuel de « {target} »",
    "close": "nom proche de « {target} »",
    "taken": "« {target} » vient déjà de la colonne « {first} »",
    "none": "aucune colonne de maillage ne lui ressemble : elle sera gardée telle quelle",
    "code": "c’est un code",
    "label": "c’est le libellé de « {target} »",
    "usual": "nom usuel de « {target} »",
    "contained": "figure dans le libellé de « {target} »",
    "close_value": "proche de « {target} »",
    "unknown": "aucun code ne lui ressemble",
}
IGNORE_LABEL = "ignorer"


def label(vocabulary: str, code: str | None) -> str:
    """The French label of a code, or the code itself when unknown (never raises on screen)."""
    if code is None:
        return ""
    return LABELS.get(vocabulary, {}).get(code, code)


def scheme_type_name(code: str) -> str:
    """« CTG — Convention territoriale globale »: the acronym professionals use with its
    expansion; « Autre dispositif » alone, since « AUTRE » is a code, not an acronym."""
    name = label("scheme_type", code)
    return name if code == "AUTRE" or name == code else f"{code} — {name}"
