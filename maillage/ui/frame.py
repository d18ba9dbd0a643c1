"""The frame every page shares: page setup, space and version, territory filters.

Each page calls `frame()` first. It is idempotent within a run, so a page works the same
whether `app.py`'s navigation runs it or AppTest runs it alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from maillage import sharing
from maillage.accounts import PUBLISH
from maillage.model import Model
from maillage.naming import territory_name
from maillage.persons import persons_hidden
from maillage.store import Store, VersionInfo
from maillage.texts import label, scheme_type_name
from maillage.ui import auth, committee, data, display, keys, url
from maillage.ui.style import CSS
from maillage.vocabularies import VOCABULARIES

ALL_TERRITORY = ""


@dataclass(frozen=True)
class Context:
    store: Store
    db: str
    space: str | None
    version: VersionInfo | None
    full_model: Model | None  # the whole published version
    model: Model | None  # restricted to the filters of the sidebar
    perimeter: str | None
    scheme_types: tuple[str, ...] | None
    read_only: bool = False
    access: auth.Access | None = None  # who looks: a share link, an account, the local analyst
    scope: str | None = None  # a share link's perimeter: nothing outside it is ever shown
    hide_persons: bool = False  # persons shown as their role, never their name
    presenting: bool = False  # a committee looks: a share link, or « Mode présentation »
    territory_name: str | None = None  # what the title calls the territory on screen

    @property
    def view(self) -> data.View:
        """The key of every cached computation of the pages."""
        return data.View(self.db, self.space, self.version.version, self.scope, self.perimeter,
                         self.scheme_types, self.hide_persons)

    @property
    def role(self) -> str | None:
        return self.access.role if self.access else None

    def can(self, action: str) -> bool:
        return self.access is not None and self.access.can(action)

    @property
    def has_data(self) -> bool:
        return self.model is not None


def frame(title: str, *, filters: bool = True) -> Context:
    """Set up the page and the sidebar; return what the page needs to ask the domain."""
    st.markdown(CSS, unsafe_allow_html=True)
    db = data.db_path()
    store = data.store(db)
    access = auth.gate()  # login form or refusal, and stop, when nobody may see
    link = access.share
    spaces = [s for s in store.spaces() if link is None or s == link.space]
    space = _choose_space(spaces)
    version = store.latest(space) if space else None
    hidden = space is not None and persons_hidden(
        can_publish=access.can(PUBLISH), link_hides=link.hide_persons if link else None,
        space_hides=sharing.space_hides_persons(store, space))
    full = data.restricted(db, space, version.version, None, None,
                           hide_persons=hidden) if version else None
    scope = link.perimeter if link else None
    if full is not None and scope is not None:  # a scoped link: no page sees beyond it
        if scope not in full.perimeters.index:
            st.error("Le territoire de ce lien de partage n’existe plus dans les données "
                     "publiées. Demandez un nouveau lien à la personne qui vous l’a envoyé.")
            st.stop()
        scope_name = str(full.perimeters.loc[scope, "nom"])
        full = data.restricted(db, space, version.version, None, None, scope=scope,
                               hide_persons=hidden)
    perimeter, types = (None, None)
    if full is not None and filters:
        everything = f"Tout « {display.short(scope_name)} »" if scope else None
        perimeter, types = _filters(full, everything=everything)
    model = (data.restricted(db, space, version.version, perimeter, types, scope=scope,
                             hide_persons=hidden) if full else None)
    auth.sidebar(access, scope_name if scope else None)
    presenting = committee.presenting(access)
    name = territory_name(model, space) if model is not None else None
    committee.head(title, name, space, version, access, presenting)
    return Context(store, db, space, version, full, model, perimeter, types,
                   read_only=access.read_only, access=access, scope=scope, hide_persons=hidden,
                   presenting=presenting, territory_name=name)


def require_data(context: Context) -> Model:
    """Stop the page with a French explanation when there is nothing published yet."""
    if context.model is None:
        st.info(
            "Aucune donnée publiée dans cet espace. Importez un classeur depuis la page "
            "« Importer », ou lancez `maillage demo` pour l’espace de démonstration."
        )
        st.stop()
    return context.model


def _choose_space(spaces: list[str]) -> str | None:
    if not spaces:
        return None
    default = data.default_space(spaces)
    if st.session_state.get(keys.SPACE) not in spaces:
        st.session_state[keys.SPACE] = default
    if len(spaces) == 1:
        return spaces[0]
    return st.sidebar.selectbox("Espace de travail", spaces, key=keys.SPACE)


def _filters(model: Model, everything: str | None = None
             ) -> tuple[str | None, tuple[str, ...] | None]:
    perimeters = model.perimeters.sort_values(["type", "nom"])
    options = [ALL_TERRITORY, *perimeters.index]
    names = perimeters["nom"].to_dict()
    types = perimeters["type"].to_dict()

    def describe(pid: str) -> str:
        if pid == ALL_TERRITORY:
            return everything or "Tout le territoire"
        return f"{display.short(names[pid])} — {label('perimeter_type', types[pid])}"

    chosen = url.selectbox("Territoire", options, keys.PERIMETER, where=st.sidebar,
                           format_func=describe)
    present = [t for t in VOCABULARIES["scheme_type"] if t in set(model.schemes["type"])]
    selected = url.multiselect(
        "Types de dispositifs",
        present,
        keys.SCHEME_TYPES,
        where=st.sidebar,
        format_func=scheme_type_name,
        placeholder="Tous les types",
    )
    return (chosen or None), (tuple(sorted(selected)) or None)
