"""Cached access to the store and to models, keyed on hashable inputs only (db path, space,
version, then a `View` for each page's computations): a page rerun never rebuilds a model nor
recomputes an indicator."""

from __future__ import annotations

import os
import time
from typing import NamedTuple

import streamlit as st
from streamlit.logger import get_logger

from maillage.model import Model, build_model
from maillage.persons import hide_persons
from maillage.store import Store

_LOG = get_logger("maillage.data")


def db_path() -> str:
    from maillage.store import default_db_path

    return str(default_db_path())


@st.cache_resource(show_spinner=False)
def store(path: str) -> Store:
    return Store(path)


@st.cache_resource(show_spinner="Chargement de la version publiée…", max_entries=8)
def model(path: str, space: str, version: int) -> Model:
    """The full model of one published version (immutable, so cached forever). Each build is
    logged: the server log tells how often the cache went cold."""
    began = time.perf_counter()
    built = build_model(store(path).load(space, version))
    _LOG.info("Modèle construit : espace « %s », version %s, en %.2f s.", space, version,
              time.perf_counter() - began)
    return built


@st.cache_resource(show_spinner=False, max_entries=8)
def persons_hidden_model(path: str, space: str, version: int) -> Model:
    """The full model with persons shown as their role (maillage.persons), cached likewise."""
    return hide_persons(model(path, space, version))


@st.cache_resource(show_spinner=False, max_entries=64)
def restricted(
    path: str,
    space: str,
    version: int,
    perimeter: str | None,
    scheme_types: tuple[str, ...] | None,
    scope: str | None = None,
    hide_persons: bool = False,
) -> Model:
    """Persons are hidden first, then `scope` (a share link's perimeter) is applied: the
    filters then only narrow it."""
    full = (persons_hidden_model if hide_persons else model)(path, space, version)
    if scope is not None:
        full = full.restrict(perimeter=scope)
    return full.restrict(perimeter=perimeter, scheme_types=scheme_types)


class View(NamedTuple):
    """What a page shows, hashable so that it keys every cache of every page.

    A share link's `scope` is part of it: a cache keyed on the sidebar filters alone would hand
    a scoped visitor the whole territory when they choose « tout ». So is `hide_persons`:
    a committee's view must never be served from an analyst's cache, which has the names."""

    db: str
    space: str
    version: int
    scope: str | None
    perimeter: str | None
    scheme_types: tuple[str, ...] | None
    hide_persons: bool = False

    def model(self) -> Model:
        return restricted(self.db, self.space, self.version, self.perimeter,
                          self.scheme_types, scope=self.scope, hide_persons=self.hide_persons)


def default_space(spaces: list[str]) -> str | None:
    wanted = os.environ.get("MAILLAGE_SPACE")
    for candidate in (wanted, "principal", "demo"):
        if candidate and candidate in spaces:
            return candidate
    return spaces[0] if spaces else None
