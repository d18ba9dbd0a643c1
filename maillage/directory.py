"""« Qui fait quoi » : the searchable directory of actors.

An actor acts on a commune when its `ressort` or the perimeter of a scheme it takes part in
contains that commune, or when the commune is its seat. A theme matches the actor's own themes
or those of its schemes. Role, stage of entry and nature filter participations together: "who
joined as a funder at the emergence" is one participation, not three separate facts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from maillage.columns import as_dict, has_any_item, is_in
from maillage.model import Model, fields_of
from maillage.network import participation_positions
from maillage.reference import load_reference
from maillage.schema import LIST_SEPARATOR, normalize_name
from maillage.texts import label
from maillage.vocabularies import VOCABULARIES

COLUMNS = [
    "nom",
    "categorie",
    "forme",
    "type",
    "champ",
    "commune",
    "ressort",
    "echelle",
    "thematiques",
    "dispositifs",
    "roles",
]
# French headers of the download and of the table on screen.
HEADERS = {
    "id": "Identifiant",
    "nom": "Nom",
    "categorie": "Catégorie",
    "forme": "Forme",
    "type": "Type",
    "champ": "Champ",
    "commune": "Commune du siège",
    "code_commune": "Code INSEE du siège",
    "ressort": "Ressort",
    "echelle": "Échelle",
    "thematiques": "Thématiques",
    "dispositifs": "Dispositifs",
    "roles": "Rôles",
}
OUTSIDE_RESSORT = "Hors du territoire affiché"
_VOCABULARY = {
    "categorie": "actor_category",
    "forme": "actor_form",
    "champ": "field",
    "echelle": "scale",
    "thematiques": "theme",
    "roles": "role",
}


def _actors_taking_part(model: Model, participations: np.ndarray) -> np.ndarray:
    """Boolean mask over model.actors: takes part through one of these participation rows
    (a boolean mask over model.participations)."""
    actors, _, rows = participation_positions(model)
    chosen = actors[participations[rows]]
    return np.bincount(chosen, minlength=len(model.actors)) > 0


def actors_on_commune(model: Model, commune: str) -> pd.Index:
    """Ids of the actors acting on `commune`: seat, ressort, or a scheme's perimeter."""
    perimeters = model.membership.loc[model.membership["commune"] == commune, "perimeter"]
    perimeters = list(perimeters.unique())
    schemes = model.schemes.index[is_in(model.schemes["perimetre"], perimeters)]
    in_scheme = is_in(model.participations["dispositif"], schemes).to_numpy(dtype=bool)
    actors = model.actors
    keep = (
        actors["commune"].eq(commune).fillna(False).to_numpy(dtype=bool)
        | is_in(actors["ressort"], perimeters).to_numpy(dtype=bool)
        | _actors_taking_part(model, in_scheme)
    )
    return actors.index[keep]


def directory(
    model: Model,
    commune: str | None = None,
    theme: str | None = None,
    category: str | None = None,
    field: str | None = None,
    role: str | None = None,
    entry_stage: str | None = None,
    nature: str | None = None,
    text: str | None = None,
) -> pd.DataFrame:
    """The actors matching every filter given (None = no filter), sorted by name; index id,
    columns COLUMNS (`dispositifs` and `roles` are `;`-lists of what it takes part in).

    `field` follows SPEC §3: an actor of `les_deux` is found under either field.
    """
    actors = model.actors
    participations = model.participations
    keep = np.ones(len(actors), dtype=bool)
    if commune:
        keep &= actors.index.isin(actors_on_commune(model, commune))
    if category:
        keep &= _mask(actors["categorie"] == category)
    if field:
        keep &= _mask(
            is_in(
                actors["champ"],
                [
                    code
                    for code in VOCABULARIES["field"]
                    if field in fields_of(code) or code == field
                ],
            )
        )
    if theme:
        themed = model.schemes.index[has_any_item(model.schemes["thematiques"], [theme])]
        via_schemes = _actors_taking_part(model, _mask(is_in(participations["dispositif"], themed)))
        keep &= _mask(has_any_item(actors["thematiques"], [theme])) | via_schemes
    if role or entry_stage or nature:
        matching = np.ones(len(participations), dtype=bool)
        if role:
            matching &= _mask(participations["role"] == role)
        if entry_stage:
            matching &= _mask(participations["stade_entree"] == entry_stage)
        if nature:
            matching &= _mask(has_any_item(participations["nature"], [nature]))
        keep &= _actors_taking_part(model, matching)
    if text:
        keep &= _mask(_search_text(model).str.contains(normalize_name(text), regex=False))
    return _describe(model, actors[keep])


def _mask(values: pd.Series) -> np.ndarray:
    """A boolean Series as a numpy mask, missing values counting as False."""
    return values.fillna(False).to_numpy(dtype=bool)


def _search_text(model: Model) -> pd.Series:
    """Folded name, type and id of each actor, so "centre-social" finds « Centre social »."""
    actors = model.actors
    haystack = (
        actors["nom"].fillna("") + " " + actors["type"].fillna("") + " " + actors.index.to_series()
    )
    return haystack.map(normalize_name)


def _joined(keys: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """For each key position 0..count-1, its distinct values sorted and `;`-joined (None
    when it has none): one sort and one reduceat, no Python loop over groups."""
    result = np.full(count, None, dtype=object)
    if len(keys) == 0:
        return result
    frame = pd.DataFrame({"key": keys, "value": values}).drop_duplicates()
    frame = frame.sort_values(["key", "value"])
    keys_sorted = frame["key"].to_numpy()
    starts = np.flatnonzero(np.r_[True, keys_sorted[1:] != keys_sorted[:-1]])
    texts = (frame["value"].astype(object) + LIST_SEPARATOR).to_numpy(dtype=object)
    result[keys_sorted[starts]] = [t[:-1] for t in np.add.reduceat(texts, starts)]
    return result


def _describe(model: Model, actors: pd.DataFrame) -> pd.DataFrame:
    """Add the schemes and roles of each actor (`;`-lists, sorted) and order by name."""
    positions, schemes, rows = participation_positions(model)
    wanted = np.zeros(len(model.actors), dtype=bool)
    wanted[model.actors.index.get_indexer(actors.index)] = True
    chosen = wanted[positions]
    keys, rows = positions[chosen], rows[chosen]
    scheme_ids = model.schemes.index.to_numpy(dtype=object)[schemes[chosen]]
    roles = model.participations["role"].to_numpy(dtype=object)[rows]
    at = model.actors.index.get_indexer(actors.index)
    table = actors.assign(
        dispositifs=_joined(keys, scheme_ids, len(model.actors))[at],
        roles=_joined(keys, roles, len(model.actors))[at],
    )
    table = table.reindex(columns=COLUMNS)
    table.index.name = "id"
    return table.sort_values("nom", key=lambda names: names.map(normalize_name), kind="stable")


def directory_for_display(model: Model, table: pd.DataFrame) -> pd.DataFrame:
    """French labels instead of codes, names instead of ids, French headers."""
    shown = table.copy()
    for column, vocabulary in _VOCABULARY.items():
        shown[column] = shown[column].map(
            lambda cell, v=vocabulary: _labels(v, cell), na_action="ignore"
        )
    scheme_names = as_dict(model.schemes["nom"])
    shown["dispositifs"] = shown["dispositifs"].map(
        lambda cell: ", ".join(scheme_names.get(i, i) for i in cell.split(LIST_SEPARATOR)),
        na_action="ignore",
    )
    # A restricted view keeps only its own perimeters and communes: a seat outside it is
    # still named from the reference (public COG data), a ressort outside it is said to be
    # outside rather than shown as a bare id (its name is not part of this view).
    ressort = shown["ressort"]
    ressort_names = ressort.map(model.perimeters["nom"])
    shown["ressort"] = ressort_names.where(ressort.isna() | ressort_names.notna(), OUTSIDE_RESSORT)
    codes = shown["commune"]
    commune_names = model.communes["nom"]
    outside = codes.dropna()[~codes.dropna().isin(commune_names.index)]
    if len(outside):
        reference_names = load_reference().communes["nom"]
        commune_names = pd.concat(
            [commune_names, reference_names.reindex(outside.unique()).dropna()]
        )
    shown["commune"] = codes.map(
        lambda code: f"{commune_names.get(code, 'Commune inconnue')} ({code})", na_action="ignore"
    )
    shown.insert(shown.columns.get_loc("commune") + 1, "code_commune", codes)
    shown = shown.reset_index()
    return shown.rename(columns=HEADERS)


def _labels(vocabulary: str, cell: str) -> str:
    return ", ".join(label(vocabulary, code) for code in str(cell).split(LIST_SEPARATOR))
