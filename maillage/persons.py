"""Persons (`forme = personne`) are personal data (RGPD): a committee may see their role,
never their name, unless the analyst chose otherwise.

`hide_persons(model)` is applied once to the model a view sees, before its scope and
filters, so every page, tooltip, network label, download and report of that view inherits
it. A hidden person keeps what says what they do — category, field, themes, seat commune,
ressort, participations — and loses what says who they are:

- `nom` becomes their role and family of structure, from `type` and `categorie`
  (« Chef de projet PVD · Collectivité territoriale »);
- their id becomes `personne-N`, everywhere it is referenced (participations, pilots), since
  an analyst may have written a name into it;
- exact coordinates are dropped (they may be a home address): the point is the seat
  commune's, like any actor without coordinates;
- every other column (unknown columns of the workbook included: an e-mail, a phone) is
  emptied.

Who sees names (`persons_hidden`): analysts and admins always (they imported them). A share
link hides persons unless it was created with « afficher les personnes », and the space
setting « masquer les personnes » hides them from every read-only view (reader accounts and
every share link, whatever the link says).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from maillage.model import Model
from maillage.texts import label

PERSON = "personne"
PSEUDONYM = "personne-{}"
KEPT = ("categorie", "forme", "type", "champ", "commune", "ressort", "echelle", "thematiques")


def persons_hidden(*, can_publish: bool, link_hides: bool | None, space_hides: bool) -> bool:
    """Whether a view shows persons as roles. `link_hides` is None outside a share link."""
    if link_hides is not None:
        return link_hides or space_hides
    return space_hides and not can_publish


def role_of(actor: pd.Series) -> str:
    """« Chef de projet PVD · Collectivité territoriale »: what a person does, not who."""
    kind = actor.get("type")
    role = str(kind).strip() if isinstance(kind, str) and kind.strip() else ""
    role = role[:1].upper() + role[1:] if role else label("actor_form", PERSON)
    category = actor.get("categorie")
    family = label("actor_category", category).split(" (")[0] if isinstance(category, str) else ""
    return f"{role} · {family}" if family else role


def _roles(persons: pd.DataFrame) -> pd.Series:
    """`role_of` for every row at once (a Python call per person is 10× slower at scale)."""
    kind = persons["type"].astype("str").str.strip().where(persons["type"].notna(), "")
    kind = kind.fillna("")
    role = (kind.str[:1].str.upper() + kind.str[1:]).where(kind != "", label("actor_form", PERSON))
    families = {
        c: label("actor_category", c).split(" (")[0] for c in persons["categorie"].dropna().unique()
    }
    family = persons["categorie"].map(families).fillna("")
    return (role + " · " + family).where(family != "", role)


def _renamed(ids: pd.Series, pseudonyms: pd.Series) -> pd.Series:
    """`ids` with every person's id replaced by its pseudonym (others unchanged)."""
    return ids.map(pseudonyms).fillna(ids).astype(ids.dtype)


def hide_persons(model: Model) -> Model:
    """The same model with every person shown as a role (rules in the module docstring)."""
    actors = model.actors
    is_person = (actors["forme"] == PERSON).fillna(False).to_numpy(dtype=bool)
    if not is_person.any():
        return model
    persons = actors.index[is_person]
    pseudonyms = pd.Series(
        [PSEUDONYM.format(n) for n in range(1, len(persons) + 1)], index=persons, dtype="str"
    )
    masked = actors.loc[persons]
    seats = model.communes.reindex(masked["commune"])
    blank = {c: pd.NA for c in actors.columns if c not in KEPT}
    masked = masked.assign(**blank).assign(
        nom=_roles(masked),
        latitude=seats["latitude"].to_numpy(),
        longitude=seats["longitude"].to_numpy(),
    )
    masked.index = pd.Index(pseudonyms.to_numpy(), name=actors.index.name)
    order = _renamed(actors.index.to_series(), pseudonyms)
    actors = pd.concat([actors[~is_person], masked]).reindex(order.to_numpy())
    actors.index.name = model.actors.index.name
    participations = model.participations.assign(
        acteur=_renamed(model.participations["acteur"], pseudonyms)
    )
    schemes = model.schemes.assign(pilote=_renamed(model.schemes["pilote"], pseudonyms))
    return replace(model, actors=actors, participations=participations, schemes=schemes)
