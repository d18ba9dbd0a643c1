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


def hide_persons(model: Model) -> Model:
    """The same model with every person shown as a role (rules in the module docstring)."""
    actors = model.actors
    persons = actors.index[(actors["forme"] == PERSON).fillna(False).to_numpy(dtype=bool)]
    if len(persons) == 0:
        return model
    pseudonyms = {pid: PSEUDONYM.format(n) for n, pid in enumerate(persons, start=1)}
    masked = actors.loc[persons]
    roles = [role_of(row) for _, row in masked.iterrows()]
    seats = model.communes.reindex(masked["commune"])
    blank = {c: pd.NA for c in actors.columns if c not in KEPT}
    masked = masked.assign(**blank).assign(
        nom=roles,
        latitude=seats["latitude"].to_numpy(),
        longitude=seats["longitude"].to_numpy(),
    )
    masked.index = pd.Index([pseudonyms[p] for p in persons], name=actors.index.name)
    actors = pd.concat([actors.drop(index=persons), masked])
    actors = actors.reindex([pseudonyms.get(a, a) for a in model.actors.index])
    participations = model.participations.assign(
        acteur=model.participations["acteur"].replace(pseudonyms))
    schemes = model.schemes.assign(pilote=model.schemes["pilote"].replace(pseudonyms))
    return replace(model, actors=actors, participations=participations, schemes=schemes)
