"""The French words of the proposals: each lever in Cap Rural's own words, the names of the
score's factors, and the small helpers that turn counts and lists into sentences.

The quotations come from Cap Rural's 2023 report « Professionnels du social et du
développement local », part 03 « Agir concrètement : quelques leviers », one line per lever
(typographic apostrophes added). The lever labels themselves live in `texts.LABELS["lever"]`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from maillage.formats import counted, format_number
from maillage.texts import label

LEVER_QUOTES: dict[str, str] = {
    "faire_ensemble": "Avoir ou construire des valeurs partagées, travailler à repérer le "
    "commun, se construire une culture commune et se définir aussi un langage commun.",
    "faire_reseau": "Créer des rencontres, s’inviter à des rencontres et y inviter les membres "
    "de son réseau.",
    "dispositifs_transversaux": "Les calendriers ont été confondus, ce qui a créé une "
    "opportunité pour mettre tout le monde autour de la table.",
    "personnes_relais": "Identifier, sur son territoire, des personnes relais, à l’interface "
    "de plusieurs réseaux ou secteurs professionnels.",
    "legitimer": "Permettre aux agents d’aller plus loin que ce qui est défini dans leurs "
    "fiches de postes.",
    "methodes_communes": "Supprimer des instances de travail, mutualiser l’instance de "
    "gouvernance et réunir tous les acteurs y compris les habitants et bénéficiaires de "
    "dispositifs.",
    "portage_politique": "Favoriser la sensibilisation des élus et décroiser les délégations "
    "pour mieux appréhender des sujets transversaux.",
    "ingenierie_qualifiee": "D’où l’importance de travailler la marque employeur pour attirer "
    "et fidéliser ses agents.",
    "besoins_habitants": "Intéresser les habitants pour qu’ils s’impliquent dans la vie de "
    "leur territoire (émancipation individuelle et collective).",
}
QUOTE_SOURCE = "Cap Rural, « Professionnels du social et du développement local », 2023"

RULE_LABELS: dict[str, str] = {
    "mutualiser": "Mutualiser",
    "se_rencontrer": "Se rencontrer",
    "articuler": "Articuler",
    "partager_diagnostic": "Partager le diagnostic",
    "financeurs_des_emergence": "Financeurs dès l’émergence",
    "ouvrir_a_l_autre_champ": "Ouvrir à l’autre champ",
    "personnes_relais": "Personnes relais",
    "couvrir_communes_blanches": "Couvrir les communes blanches",
    "coordonner_ressorts": "Coordonner les ressorts",
    "lever_blocage": "Lever un blocage",
    "associer_habitants": "Associer les habitants",
    "integrer_isoles": "Intégrer les acteurs isolés",
}

FACTOR_LABELS: dict[str, str] = {
    "strength": "Force du constat",
    "reach": "Habitants concernés",
    "calendar": "Calendrier commun restant",
    "blockages": "Blocages ouverts auxquels elle répond",
    "stage": "Stade des dispositifs",
}

FIELD_NAMES = {"social": "social", "developpement_local": "développement local"}


def quoted(name: str) -> str:
    """A name from the data, between French quotes (no-break spaces inside)."""
    return f"«\u00a0{name}\u00a0»"


def names(items: Sequence[str], limit: int = 3) -> str:
    """« A », « B » et « C » — or « A », « B », « C » et 4 autres."""
    shown = [quoted(n) for n in items[:limit]]
    rest = len(items) - len(shown)
    if rest > 0:
        return ", ".join(shown) + f" et {format_number(rest)}\u00a0autre{'s' if rest > 1 else ''}"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " et " + shown[-1]


@functools.lru_cache(maxsize=8192)
def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 dispositif », « 3 dispositifs »: the one helper of the product (formats.counted)."""
    return counted(count, singular, plural_form)


def duration(days: int) -> str:
    """A calendar length as a committee says it: « 3 ans », « 8 mois », « 12 jours »."""
    if days >= 365:
        years = round(days / 365)
        return f"{format_number(years)}\u00a0an{'s' if years > 1 else ''}"
    if days >= 31:
        return f"{format_number(round(days / 30.4))}\u00a0mois"
    return plural(days, "jour")


def themes(codes: Sequence[str]) -> str:
    """« thème enfance et jeunesse » / « thèmes santé, mobilité »."""
    words = ", ".join(label("theme", c).lower() for c in codes)
    return f"thème{'s' if len(codes) > 1 else ''} {words}"
