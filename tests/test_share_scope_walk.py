"""A share link on P_EPCI, walked page by page: nothing of another territory in any text,
chart, map tooltip, download or meeting report (finding 3 of issue 18).

The workbook (tests/scope_data.py) marks every row that must stay out with « ZZLOIN »: the
walk searches that marker in what the visitor receives, so it does not depend on
`restrict()` being right."""

import pytest

from maillage import sharing
from maillage.publishing import check, publish_checked
from maillage.sharing import QUERY_PARAM
from tests.page_walk import READ_ONLY_PAGES, walk
from tests.scope_data import IN, OUT, SCOPE, tempting_sheets
from tests.workbooks import xlsx_bytes


@pytest.fixture(scope="module")
def scoped_walk(tmp_path_factory):
    db = tmp_path_factory.mktemp("scope") / "maillage.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAILLAGE_DB", str(db))
        from maillage.store import Store

        store = Store(db)
        workbook, validation = check([("t.xlsx", xlsx_bytes(tempting_sheets()))])
        publish_checked(store, "principal", workbook, validation)
        token, _ = sharing.create(store, "principal", SCOPE)
        yield walk({QUERY_PARAM: token})


def test_every_page_was_drawn_with_its_downloads(scoped_walk):
    assert [s.page for s in scoped_walk.screens] == ["", *READ_ONLY_PAGES]
    assert {"atlas.py", "who_does_what.py", "blockages.py"} <= set(READ_ONLY_PAGES)
    names = set(scoped_walk.downloads)
    assert any(n.endswith("rapport-principal-v1.html") for n in names), names
    assert any(n.endswith("qui-fait-quoi.xlsx") for n in names), names
    assert any(n.endswith("qui-fait-quoi.csv") for n in names), names


def test_nothing_of_another_territory_reaches_the_visitor(scoped_walk):
    assert OUT not in scoped_walk.everything(), scoped_walk.where(OUT)


def test_what_is_in_scope_is_shown(scoped_walk):
    directory = next(s for s in scoped_walk.screens if s.page == "who_does_what.py").text
    for name in (
        "Épicerie ZZICI du siège",
        "Service ZZICI départemental",
        "Bureau ZZICI du projet local",
    ):
        assert name in directory
    blockages = next(s for s in scoped_walk.screens if s.page == "blockages.py").text
    assert "Propos ZZICI du département" in blockages
    assert "Propos ZZICI du schéma départemental" in blockages
    assert (
        IN
        in scoped_walk.downloads[
            next(n for n in scoped_walk.downloads if n.endswith("qui-fait-quoi.csv"))
        ]
    )


@pytest.fixture(scope="module")
def bocage_walk(tmp_path_factory):
    """The demo, through a link on the CC du Bocage Bourbonnais (the bar of issue 18)."""
    db = tmp_path_factory.mktemp("bocage") / "maillage.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAILLAGE_DB", str(db))
        from maillage.demo import publish_demo
        from maillage.store import Store

        store = Store(db)
        publish_demo(store)
        token, _ = sharing.create(store, "demo", "epci_bocage")
        yield store.load("demo"), walk({QUERY_PARAM: token})


def test_a_link_on_the_bocage_shows_no_blockage_of_another_epci(bocage_walk):
    tables, seen = bocage_walk
    perimeters = tables["perimetres"].set_index("id")
    schemes = tables["dispositifs"].set_index("id")["perimetre"]
    blockages = tables["blocages"]
    territory = blockages["territoire"].fillna(blockages["dispositif"].map(schemes))
    other_epci = (territory.map(perimeters["type"]) == "epci") & (territory != "epci_bocage")
    kept = set(blockages.loc[~other_epci, "description"])
    far = [d for d in blockages.loc[other_epci, "description"] if d not in kept]
    assert len(far) >= 5  # the demo does hold blockages of other EPCI
    text = seen.everything()
    assert [d for d in far if d in text] == []
    blockage_page = next(s for s in seen.screens if s.page == "blockages.py").text
    others = perimeters[(perimeters["type"] == "epci") & (perimeters.index != "epci_bocage")]
    assert [n for n in others["nom"] if n in blockage_page] == []
    assert "CC du Bocage Bourbonnais" in blockage_page
