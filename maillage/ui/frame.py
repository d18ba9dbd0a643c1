"""The frame every page shares: page setup, space and version, territory filters.

Each page calls `frame()` first. It is idempotent within a run, so a page works the same
whether `app.py`'s navigation runs it or AppTest runs it alone.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

import streamlit as st

from maillage import sharing
from maillage.accounts import PUBLISH
from maillage.columns import as_dict
from maillage.database import DatabaseError
from maillage.model import Model
from maillage.naming import territory_name
from maillage.persons import persons_hidden
from maillage.store import Store, VersionInfo
from maillage.texts import label, scheme_type_name
from maillage.ui import auth, committee, data, display, keys, pickers, url
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
        """The key of every cached computation of the pages (with published data only: pages
        call `require_data` first)."""
        if self.space is None or self.version is None:
            raise LookupError("aucune version publiée : la page appelle require_data d’abord")
        return data.View(
            self.db,
            self.space,
            self.version.version,
            self.scope,
            self.perimeter,
            self.scheme_types,
            self.hide_persons,
        )

    @property
    def role(self) -> str | None:
        return self.access.role if self.access else None

    def can(self, action: str) -> bool:
        return self.access is not None and self.access.can(action)

    @property
    def author(self) -> str | None:
        """Who a publication or a restore is recorded as: the account, else the person at
        the keyboard of a local install (their system login)."""
        if self.access is None:
            return None
        if self.access.user:
            return self.access.user
        return _local_user() if self.access.local else None

    @property
    def has_data(self) -> bool:
        return self.model is not None


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container without a passwd entry for its user id
        return "poste local"


def frame(title: str, *, filters: bool = True) -> Context:
    """Set up the page and the sidebar; return what the page needs to ask the domain."""
    st.markdown(CSS, unsafe_allow_html=True)
    db = data.db_path()
    store = open_store()
    access = auth.gate()  # login form or refusal, and stop, when nobody may see
    url.absorb()  # a copied address or a reload: its choices before any widget is drawn
    link = access.share
    spaces = [s for s in store.spaces() if link is None or s == link.space]
    if access.space is not None:  # an account limited to one space sees no other
        spaces = [s for s in spaces if s == access.space]
    space = _choose_space(store, spaces)
    version = store.latest(space) if space else None
    hidden = space is not None and persons_hidden(
        can_publish=access.can(PUBLISH),
        link_hides=link.hide_persons if link else None,
        space_hides=sharing.space_hides_persons(store, space),
    )
    full = (
        data.restricted(db, space, version.version, None, None, hide_persons=hidden)
        if space is not None and version is not None
        else None
    )
    scope = link.perimeter if link else _account_scope(access, full)
    if full is not None and scope is not None:  # a scoped link: no page sees beyond it
        assert space is not None and version is not None  # as `full` is there
        if scope not in full.perimeters.index:
            st.error(
                "Le territoire de ce lien de partage n’existe plus dans les données "
                "publiées. Demandez un nouveau lien à la personne qui vous l’a envoyé."
            )
            st.stop()
        scope_name = str(full.perimeters.loc[scope, "nom"])
        full = data.restricted(
            db, space, version.version, None, None, scope=scope, hide_persons=hidden
        )
    perimeter, types = (None, None)
    if full is not None and filters:
        everything = f"Tout « {display.short(scope_name)} »" if scope else None
        perimeter, types = _filters(full, everything=everything)
    model = (
        data.restricted(
            db, space, version.version, perimeter, types, scope=scope, hide_persons=hidden
        )
        if full is not None and space is not None and version is not None
        else None
    )
    auth.sidebar(access, scope_name if scope else None)
    presenting = committee.presenting(access)
    name = territory_name(model, space) if model is not None else None
    committee.head(title, name, space, version, access, presenting)
    return Context(
        store,
        db,
        space,
        version,
        full,
        model,
        perimeter,
        types,
        read_only=access.read_only,
        access=access,
        scope=scope,
        hide_persons=hidden,
        presenting=presenting,
        territory_name=name,
    )


def _account_scope(access: auth.Access, full: Model | None) -> str | None:
    """The perimeter an account limited to territories sees, applied exactly like a scoped
    share link's; with several, the one chosen in the sidebar (never their merge with
    anything else). An account whose territories are not in this version sees nothing."""
    if not access.perimeters or full is None:
        return None
    present = [p for p in access.perimeters if p in full.perimeters.index]
    if not present:
        st.error(
            "Les territoires de votre compte n’existent pas dans les données publiées de "
            "cet espace. Demandez à un·e administrateur·rice de les mettre à jour "
            "(maillage user update)."
        )
        st.stop()
    if len(present) == 1:
        return present[0]
    names = as_dict(full.perimeters["nom"])
    if st.session_state.get(keys.ACCOUNT_SCOPE) not in present:
        st.session_state[keys.ACCOUNT_SCOPE] = present[0]
    return pickers.selectbox(
        "Territoire de votre compte",
        present,
        where=st.sidebar,
        key=keys.ACCOUNT_SCOPE,
        format_func=lambda p: str(names[p]),
    )


def open_store() -> Store:
    """The store, or the French reason it cannot be used (server down, wrong password, a
    database of a newer maillage) and stop."""
    try:
        return data.store(data.db_path())
    except DatabaseError as unusable:
        st.error(f"La base de données est inaccessible. {unusable}", icon=":material/error:")
        st.stop()
        raise AssertionError("unreachable") from None  # st.stop() ends the script run


def require_data(context: Context) -> Model:
    """Stop the page with a French explanation when there is nothing published yet."""
    if context.model is None:
        st.info(
            "Aucune donnée publiée dans cet espace. Importez un classeur depuis la page "
            "« Importer », ou lancez `maillage demo` pour l’espace de démonstration."
        )
        st.stop()
    return context.model


def _choose_space(store: Store, spaces: list[str]) -> str | None:
    """The space on screen: the session's choice (or the address's), else the default of a
    new session, pinned for the session so another analyst's publication never swaps it."""
    if not spaces:
        return None
    chosen = (url.get(keys.SPACE) or [""])[0]
    if chosen not in spaces:
        chosen = data.default_space(store, spaces) or spaces[0]
        url.choose(keys.SPACE, [chosen])
    if len(spaces) == 1:  # a share link, or a single space: nothing to choose
        url.write(keys.SPACE, spaces)
        return spaces[0]
    return url.selectbox(
        "Espace de travail", spaces, keys.SPACE, where=st.sidebar, default=chosen, always=True
    )


def _filters(
    model: Model, everything: str | None = None
) -> tuple[str | None, tuple[str, ...] | None]:
    perimeters = model.perimeters.sort_values(["type", "nom"])
    options = [ALL_TERRITORY, *perimeters.index]
    names = as_dict(perimeters["nom"])
    types = as_dict(perimeters["type"])

    def describe(pid: str) -> str:
        if pid == ALL_TERRITORY:
            return everything or "Tout le territoire"
        return f"{display.short(names[pid])} — {label('perimeter_type', types[pid])}"

    chosen = url.selectbox(
        "Territoire", options, keys.PERIMETER, where=st.sidebar, format_func=describe
    )
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
