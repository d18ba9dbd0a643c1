"""The seam from screens to data: what `st.cache_resource` may hold, and every registered
screen opened by AppTest with data and without."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import pytest
from streamlit.runtime.caching.cache_utils import CachedFunc

import maillage.ui
from maillage.demo import publish_demo
from maillage.store import Store
from maillage.ui.navigation import SCREENS
from tests.apptests import open_page

SHARED_ON_PURPOSE = {"Store", "Accounts", "Model"}  # immutable, or the database itself


def cached_functions() -> list[tuple[str, str, object]]:
    """(module, name, kind of cache, function) of every cached function of maillage.ui."""
    found = []
    for module_info in pkgutil.iter_modules(maillage.ui.__path__):
        module = importlib.import_module(f"maillage.ui.{module_info.name}")
        for name, value in vars(module).items():
            if isinstance(value, CachedFunc):
                found.append((module.__name__, name, type(value._info).__name__, value._info.func))
    return found


def test_cache_resource_holds_only_the_store_accounts_and_models():
    """A figure, a deck or a table in `st.cache_resource` is one object shared by every
    session: one mutation and another visitor sees it."""
    resources = [(m, n, f) for m, n, kind, f in cached_functions() if "Resource" in kind]
    assert {n for _, n, _ in resources} >= {"store", "model", "restricted"}
    for module, name, function in resources:
        returned = typing.get_type_hints(function, vars(inspect.getmodule(function)))["return"]
        assert returned.__name__ in SHARED_ON_PURPOSE, (module, name, returned)
        assert not issubclass(returned, (go.Figure, pdk.Deck, pd.DataFrame)), (module, name)


def test_every_screen_is_one_slice_under_one_stem():
    for screen in SCREENS:
        assert screen.path.exists(), screen.stem
        assert screen.stem.isascii() and screen.stem == screen.stem.lower(), screen.stem
    assert len({s.url_path for s in SCREENS}) == len(SCREENS)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.stem)
def test_every_screen_opens_without_data(db_path, screen):
    at = open_page(screen.stem)
    assert at.title, screen.stem
    if screen.stem in DOCUMENTS:  # the method's guides need no data
        return
    texts = " ".join(e.value for e in [*at.info, *at.caption])
    assert "Aucune donnée publiée" in texts or "Aucune version publiée" in texts, screen.stem


DOCUMENTS = {"methode"}  # screens of text (docs/), not of data


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "maillage.db"
    publish_demo(Store(path))
    return path


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.stem)
def test_every_screen_draws_the_demo(demo_db, monkeypatch, screen):
    monkeypatch.setenv("MAILLAGE_DB", str(demo_db))
    at = open_page(screen.stem)
    assert at.title, screen.stem
    assert any(c.value.startswith("Espace « demo » · version 1") for c in at.caption)
    if screen.stem in DOCUMENTS:
        assert at.markdown, screen.stem
        return
    drawn = (
        len(at.metric)
        + len(at.dataframe)
        + len(at.get("plotly_chart"))
        + len(at.get("deck_gl_json_chart"))
        + sum('class="maillage-dessin"' in m.value for m in at.markdown)  # a map, drawn
        + len(at.main.selectbox)  # sharing: a form
        + len(at.get("download_button"))
    )  # evolutions of one version: its dossier
    assert drawn, f"{screen.stem} : ni chiffre, ni tableau, ni graphique, ni carte, ni choix"
