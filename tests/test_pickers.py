"""Selectboxes and multiselects speak French: a placeholder of ours on every one of them (else
the browser writes « Choose an option »), no « Select all » row, and « Aucun résultat » drawn
over Streamlit's « No results »."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from maillage.demo import publish_demo
from maillage.store import Store
from maillage.ui import style
from tests import walk
from tests.apptests import open_page
from tests.page_walk import ANALYST_PAGES, READ_ONLY_PAGES

ROOT = Path(__file__).resolve().parents[1]


def _widgets_app():
    import streamlit as st

    from maillage.ui import pickers

    pickers.selectbox("Couleur", ["bleu", "vert"], index=None, key="un")
    pickers.selectbox("Vide", [], key="vide")
    pickers.multiselect("Plusieurs", ["a", "b", "c"], key="plusieurs")
    pickers.multiselect("Filtre", ["a", "b"], key="filtre", placeholder="Toutes", where=st.sidebar)
    pickers.multiselect("Rien", [], key="rien", placeholder="Toutes")


def test_every_picker_gets_a_french_placeholder_and_no_select_all():
    at = AppTest.from_function(_widgets_app).run()
    assert not at.exception
    boxes = {s.label: s.proto for s in at.selectbox}
    many = {m.label: m.proto for m in [*at.multiselect, *at.sidebar.multiselect]}
    assert boxes["Couleur"].placeholder == "Choisir…" and not boxes["Couleur"].disabled
    # no option: said in French, and disabled as Streamlit does for its English one
    assert boxes["Vide"].placeholder == "Aucune option" and boxes["Vide"].disabled
    assert many["Plusieurs"].placeholder == "Choisir…"
    assert many["Filtre"].placeholder == "Toutes"  # the caller's own word is kept
    assert many["Rien"].placeholder == "Aucune option" and many["Rien"].disabled
    assert {p.select_all for p in many.values()} == {0}
    assert walk.english_pickers(at) == []


def test_the_check_finds_a_bare_streamlit_widget():
    def bare():
        import streamlit as st

        st.selectbox("Nue", ["x"])
        st.multiselect("Nu", ["x", "y"], placeholder="Tous")

    at = AppTest.from_function(bare).run()
    assert walk.english_pickers(at) == [
        "'Nue': no placeholder",
        "'Nu': « Select all » shown",
    ]


@pytest.mark.parametrize(
    "page", ["", *READ_ONLY_PAGES, *ANALYST_PAGES], ids=lambda p: p or "synthese"
)
def test_no_page_leaves_a_picker_to_streamlit_english(db_path, page):
    publish_demo(Store(db_path))
    at = open_page(Path(page).stem if page else None)
    assert walk.english_pickers(at) == []


def test_no_widget_of_the_app_bypasses_the_pickers():
    """The AppTest walk above sees the widgets a page shows by default; this sees those behind
    a choice (the mapping step, a contribution's review) in the source."""
    bypass = []
    for path in [
        *(ROOT / "maillage" / "ui").glob("*.py"),
        *(ROOT / "pages").glob("*.py"),
        ROOT / "app.py",
    ]:
        if path.name == "pickers.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("selectbox", "multiselect")
            ):
                owner = node.func.value
                if not (isinstance(owner, ast.Name) and owner.id in ("pickers", "url")):
                    bypass.append(f"{path.name}:{node.lineno}")
    assert bypass == []


def test_no_match_text_targets_the_installed_streamlit_classes():
    """« No results » has no setting: the CSS hides it by the class the bundle gives the
    empty list's element. A Streamlit upgrade that renames it fails here, not silently."""
    bundles = Path(streamlit.__file__).parent / "static" / "static" / "js"
    found = []
    for prefix in ("Selectbox", "Multiselect"):
        [bundle] = bundles.glob(f"{prefix}.*.js")
        source = bundle.read_text()
        [empty] = re.findall(r"renderEmptyState:\(\)=>\w+\((\w+),", source)
        [target] = re.findall(re.escape(empty) + r"=\w+\(`span`,\{target:`(\w+)`\}", source)
        found.append(target)
    assert tuple(found) == style.NO_MATCH_CLASSES
    assert f'content: "{style.NO_MATCH}"' in style.CSS
