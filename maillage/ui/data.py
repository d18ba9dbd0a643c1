"""The one way from a screen to its data.

`st.cache_resource` holds only what is shared on purpose and never changed: the store, the
published model of a version and its restriction to a view (`restricted`). Every other
computation a screen shows goes through `cached(function, view, *args)`: `function(model of
the view, *args)` once per (function, `View`, arguments), in `st.cache_data`, which hands each
rerun its own copy — a figure, a table or a result changed by one session is never seen by
another. A `View` holds the share link's scope, so a scoped visitor never reads a cache
filled for the whole territory."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

import streamlit as st
from streamlit.logger import get_logger

from maillage.demo import DEMO_SPACE
from maillage.model import Model, build_model
from maillage.persons import hide_persons
from maillage.store import Store

_LOG = get_logger("maillage.data")


def db_path() -> str:
    """The database location: a SQLite file path or a `postgresql://` URL (MAILLAGE_DB)."""
    from maillage.store import default_location

    return default_location()


@st.cache_resource(show_spinner=False)
def store(path: str) -> Store:
    return Store(path)


@st.cache_resource(show_spinner="Chargement de la version publiée…", max_entries=8)
def model(path: str, space: str, version: int) -> Model:
    """The full model of one published version (immutable, so cached forever). Each build is
    logged: the server log tells how often the cache went cold."""
    began = time.perf_counter()
    built = build_model(store(path).load(space, version))
    _LOG.info(
        "Modèle construit : espace « %s », version %s, en %.2f s.",
        space,
        version,
        time.perf_counter() - began,
    )
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
        return restricted(
            self.db,
            self.space,
            self.version,
            self.perimeter,
            self.scheme_types,
            scope=self.scope,
            hide_persons=self.hide_persons,
        )


T = TypeVar("T")


def cached(function: Callable[..., T], view: View, *args: Any, **kwargs: Any) -> T:
    """`function(view.model(), *args, **kwargs)`, computed once per (function, view, args)
    for every session; arguments must be hashable (codes, numbers, tuples)."""
    name = f"{function.__module__}.{function.__qualname__}"
    return _cached(name, view, args, tuple(sorted(kwargs.items())), function)


@st.cache_data(show_spinner="Calcul…", max_entries=512)
def _cached(name: str, view: View, args: tuple, kwargs: tuple, _function: Callable) -> Any:
    return _function(view.model(), *args, **dict(kwargs))


def default_space(store: Store, spaces: list[str]) -> str | None:
    """The space a new session opens on: `MAILLAGE_SPACE` when it names one, else the most
    recently published space that is not the demo (the demo only when it is alone) — an
    analyst who published her territory never lands on the demo by surprise."""
    wanted = os.environ.get("MAILLAGE_SPACE")
    if wanted and wanted in spaces:
        return wanted
    own = [s for s in spaces if s != DEMO_SPACE]
    if not own:
        return spaces[0] if spaces else None
    published = {s: (info.published_at if (info := store.latest(s)) else "") for s in own}
    return max(own, key=lambda s: (published[s], s))
