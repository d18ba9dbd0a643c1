"""No person's name in a default share link of the demo: every page, chart, network label,
map tooltip, download and the meeting report (finding 8 of issue 18, RGPD)."""

import pytest

from maillage import sharing
from maillage.sharing import QUERY_PARAM
from tests.page_walk import walk


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("persons") / "maillage.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAILLAGE_DB", str(db))
        from maillage.demo import publish_demo
        from maillage.store import Store

        store = Store(db)
        publish_demo(store)
        actors = store.load("demo")["acteurs"]
        persons = actors[actors["forme"] == "personne"]
        yield store, dict(zip(persons["id"], persons["nom"], strict=True))


def _secrets(text: str, persons: dict[str, str]) -> list[str]:
    return [s for pid, name in persons.items() for s in (pid, name) if s in text]


def test_no_person_name_in_a_default_share_link(demo):
    store, persons = demo
    assert len(persons) >= 12
    token, _ = sharing.create(store, "demo")
    seen = walk({QUERY_PARAM: token})
    text = seen.everything()
    assert _secrets(text, persons) == [], {s: seen.where(s) for s in _secrets(text, persons)}
    # they are there, as their role: the directory and the downloads list them
    directory = next(s for s in seen.screens if s.page == "who_does_what.py").text
    assert "Chef de projet PVD · Collectivité territoriale" in directory
    assert any(
        "Chef de projet PVD" in t
        for name, t in seen.downloads.items()
        if name.endswith("qui-fait-quoi.csv")
    )


def test_a_link_created_to_show_persons_shows_them_unless_the_space_hides_them(demo):
    store, persons = demo
    token, _ = sharing.create(store, "demo", hide_persons=False)
    shown = walk({QUERY_PARAM: token}, pages=("who_does_what.py",))
    assert "Chef·fe de projet PVD de Lapalisse" in shown.screens[1].text
    sharing.set_space_hides_persons(store, "demo", True)
    try:
        hidden = walk({QUERY_PARAM: token}, pages=("who_does_what.py",))
    finally:
        sharing.set_space_hides_persons(store, "demo", False)
    assert _secrets(hidden.everything(), persons) == []
