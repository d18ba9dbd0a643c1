"""The words analysts use for our columns and codes, and the rule table that guesses `champ`.

Mapping proposals (`mapping.py`) first look for the exact header or code, then for the same
text once normalised, then for the usual names below, then for a close spelling. Every entry
is normalised (`schema.normalize_name`): lower case, no accents, `_` between words.

`champ` (social, développement local, les deux) is in no national list. When a profile asks
for it (`guess = ["champ"]`) it is deduced from the row's type, name and category by the first
rule that matches, in this order, and the import reports one warning per deduced value so the
analyst reviews them:

1. type or name says France services, maison de services au public, MSAP, tiers-lieu or
   fabrique de territoire → `les_deux`;
2. type or name says CCAS, CIAS, CAF, MSA, CPAM, CARSAT, centre social, espace de vie
   sociale (EVS) or mission locale → `social`;
3. type or name says commune, mairie, communauté de communes or d’agglomération, PETR,
   pays or chambre (consulaire, d’agriculture, de commerce, des métiers) →
   `developpement_local`;
4. catégorie protection_sociale, emploi_insertion, sante, politique_ville or association →
   `social`;
5. catégorie collectivite, chambre_consulaire, alimentation_agriculture or ess_tiers_lieu →
   `developpement_local`;
6. anything else (etat, organisme_public, enseignement_recherche, centre_ressources,
   autre) → `les_deux`.
"""

from __future__ import annotations

import re

from maillage.schema import normalize_name

COLUMN_SYNONYMS: dict[str, dict[str, str]] = {
    "acteurs": {
        "identifiant": "id",
        "code_structure": "id",
        "ref": "id",
        "reference": "id",
        "nom_de_la_structure": "nom",
        "nom_structure": "nom",
        "raison_sociale": "nom",
        "denomination": "nom",
        "libelle": "nom",
        "intitule": "nom",
        "structure": "nom",
        "famille": "categorie",
        "famille_de_structure": "categorie",
        "categorie_de_structure": "categorie",
        "type_de_structure": "type",
        "typologie": "type",
        "nature": "type",
        "domaine": "champ",
        "domaine_d_action": "champ",
        "champ_d_action": "champ",
        "secteur": "champ",
        "code_commune": "commune",
        "code_insee": "commune",
        "insee": "commune",
        "insee_com": "commune",
        "code_insee_commune": "commune",
        "com": "commune",
        "lat": "latitude",
        "lon": "longitude",
        "lng": "longitude",
        "long": "longitude",
        "territoire": "ressort",
        "perimetre": "ressort",
        "niveau": "echelle",
        "theme": "thematiques",
        "themes": "thematiques",
        "thematique": "thematiques",
    },
    "perimetres": {
        "identifiant": "id",
        "libelle": "nom",
        "liste_des_communes": "communes",
        "codes_insee": "communes",
    },
    "dispositifs": {
        "identifiant": "id",
        "libelle": "nom",
        "intitule": "nom",
        "date_debut": "debut",
        "date_fin": "fin",
        "theme": "thematiques",
        "thematique": "thematiques",
        "territoire": "perimetre",
    },
    "participations": {"structure": "acteur", "projet": "dispositif"},
    "blocages": {"identifiant": "id", "frein": "description", "verbatim": "description"},
    "perimetre_communes": {"code_insee": "commune", "insee": "commune"},
    "communes": {"code_insee": "code", "insee": "code", "commune": "code"},
}

VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "actor_category": {
        "asso": "association",
        "associations": "association",
        "centre_social": "association",
        "centres_sociaux": "association",
        "evs": "association",
        "mjc": "association",
        "espace_de_vie_sociale": "association",
        "education_populaire": "association",
        "commune": "collectivite",
        "mairie": "collectivite",
        "epci": "collectivite",
        "communaute_de_communes": "collectivite",
        "cc": "collectivite",
        "agglomeration": "collectivite",
        "departement": "collectivite",
        "conseil_departemental": "collectivite",
        "region": "collectivite",
        "conseil_regional": "collectivite",
        "petr": "collectivite",
        "pays": "collectivite",
        "syndicat_mixte": "collectivite",
        "collectivites": "collectivite",
        "caf": "protection_sociale",
        "msa": "protection_sociale",
        "cpam": "protection_sociale",
        "carsat": "protection_sociale",
        "ccas": "organisme_public",
        "cias": "organisme_public",
        "france_services": "organisme_public",
        "france_service": "organisme_public",
        "prefecture": "etat",
        "sous_prefecture": "etat",
        "ddt": "etat",
        "ddets": "etat",
        "dreets": "etat",
        "services_de_l_etat": "etat",
        "cci": "chambre_consulaire",
        "cma": "chambre_consulaire",
        "chambre_d_agriculture": "chambre_consulaire",
        "tiers_lieu": "ess_tiers_lieu",
        "ess": "ess_tiers_lieu",
        "mission_locale": "emploi_insertion",
        "france_travail": "emploi_insertion",
        "pole_emploi": "emploi_insertion",
        "siae": "emploi_insertion",
        "universite": "enseignement_recherche",
        "lycee_agricole": "enseignement_recherche",
        "qpv": "politique_ville",
    },
    "field": {
        "dev_local": "developpement_local",
        "developpement": "developpement_local",
        "dl": "developpement_local",
        "action_sociale": "social",
        "mixte": "les_deux",
        "les_2": "les_deux",
        "interface": "les_deux",
    },
    "actor_form": {
        "personne_physique": "personne",
        "elu": "personne",
        "collectif": "collectif_habitants",
    },
}

_BOTH, _SOCIAL, _LOCAL = "les_deux", "social", "developpement_local"

FIELD_WORD_RULES: tuple[tuple[str, str], ...] = (  # whole words of the normalised text
    (
        "france_services|france_service|maison_de_services_au_public|msap|tiers_lieu"
        "|fabrique_de_territoire",
        _BOTH,
    ),
    (
        "ccas|cias|caf|msa|cpam|carsat|centre_social|centres_sociaux|espace_de_vie_sociale|evs"
        "|mission_locale",
        _SOCIAL,
    ),
    ("commune|mairie|communaute_de_communes|communaute_d_agglomeration|petr|pays|chambre", _LOCAL),
)
FIELD_BY_CATEGORY: dict[str, str] = {
    "protection_sociale": _SOCIAL,
    "emploi_insertion": _SOCIAL,
    "sante": _SOCIAL,
    "politique_ville": _SOCIAL,
    "association": _SOCIAL,
    "collectivite": _LOCAL,
    "chambre_consulaire": _LOCAL,
    "alimentation_agriculture": _LOCAL,
    "ess_tiers_lieu": _LOCAL,
}
_WORD_PATTERNS = tuple((re.compile(f"_(?:{words})_"), field) for words, field in FIELD_WORD_RULES)


def guess_field(kind: object, name: object, category: object) -> tuple[str, str]:
    """(champ, the rule that gave it, in French) for one structure."""
    for text in (kind, name):
        if not isinstance(text, str) or not text:
            continue
        folded = f"_{normalize_name(text)}_"
        for pattern, field in _WORD_PATTERNS:
            if found := pattern.search(folded):
                return field, f"« {found.group(0).strip('_').replace('_', ' ')} »"
    if isinstance(category, str) and category in FIELD_BY_CATEGORY:
        return FIELD_BY_CATEGORY[category], f"catégorie « {category} »"
    return _BOTH, "aucune règle ne s’applique"
