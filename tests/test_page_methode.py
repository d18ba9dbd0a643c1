"""The « Méthode » page shows docs/ in the dashboard, for everyone, share links included."""

import re

from maillage import sharing
from maillage.store import Store
from tests.apptests import open_page, publish


def test_method_page_shows_the_three_guides_without_dead_links(db_path):
    publish(db_path)
    at = open_page("methode.py")
    assert [tab.label for tab in at.tabs] == [
        "Méthode des indicateurs",
        "Guide du comité",
        "Guide de l’analyste",
    ]
    texts = [m.value for m in at.markdown]
    method = next(t for t in texts if "## Communes blanches" in t)
    assert "Ce qu’elles comptent." in method and "## Les limites à garder en tête" in method
    assert "La commune est l’unité" in method
    for text in texts:
        assert not re.search(r"\]\([^)]*\.md\)", text), "lien vers un fichier .md affiché"


def test_a_share_link_reaches_the_method_page(db_path):
    publish(db_path)
    token, _ = sharing.create(Store(db_path), "principal", "P_CAS")
    at = open_page("methode.py", {sharing.QUERY_PARAM: token})
    assert any("Guide du comité" == tab.label for tab in at.tabs)
