"""Accounts limited to territories: a `lecteur` limited to one EPCI of the demo is handed
exactly what a share link on that EPCI is handed, on every page; nothing else."""

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from maillage import sharing
from maillage.accounts import READER, Accounts, UnknownScope
from maillage.cli import main
from maillage.demo import publish_demo
from maillage.model import build_model
from maillage.ui import auth
from tests.apptests import ROOT
from tests.page_walk import READ_ONLY_PAGES

PASSWORD = "correct horse battery"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def db_path(both_backends):
    """Every test runs on a SQLite file and on a real PostgreSQL server, the app included."""
    return both_backends


@pytest.fixture
def demo(store, monkeypatch):
    monkeypatch.setenv("MAILLAGE_AUTH", "on")
    publish_demo(store)
    return store


def _show_scope() -> None:
    """What the frame hands to every page: the ids in its models, and the spaces offered."""
    import streamlit as st

    from maillage.ui.frame import frame

    context = frame("Portée")
    for name, model in (("model", context.model), ("full", context.full_model)):
        for table in ("actors", "schemes", "blockages", "perimeters", "communes"):
            st.text(f"{name}.{table}=" + ",".join(sorted(getattr(model, table).index)))
    st.text(f"space={context.space} scope={context.scope} role={context.role}")


def _seen(at: AppTest) -> dict[str, str]:
    return dict(element.value.split("=", 1) for element in at.text if "." in element.value)


def _logged_in(name: str, script=_show_scope, page: str | None = None) -> AppTest:
    at = (
        AppTest.from_function(script, default_timeout=30)
        if script
        else AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    )
    at.run()
    at.text_input(key=auth.LOGIN_NAME).input(name)
    at.text_input(key=auth.LOGIN_PASSWORD).input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_limited_reader_is_handed_exactly_what_a_scoped_link_is(demo):
    Accounts(demo, FAST).add("paul", READER, PASSWORD, perimeters=("epci_montlucon",))
    account = _logged_in("paul")
    # persons shown on both sides: the comparison is of territory, not of masking
    token, _ = sharing.create(demo, "demo", "epci_montlucon", hide_persons=False)
    link = AppTest.from_function(_show_scope, default_timeout=30)
    link.query_params[sharing.QUERY_PARAM] = token
    link.run()
    assert _seen(account) == _seen(link)
    full = build_model(demo.load("demo"))
    inside = full.communes_of("epci_montlucon")
    seen = _seen(account)
    assert set(seen["full.communes"].split(",")) <= inside
    assert len(set(seen["full.actors"].split(","))) < len(full.actors)
    outside = full.restrict(perimeter="epci_moulins")
    assert not set(seen["model.schemes"].split(",")) & (
        set(outside.schemes.index) - set(full.restrict(perimeter="epci_montlucon").schemes.index)
    )
    assert "Votre compte ne voit que « CA Montluçon Communauté »" in " ".join(
        i.value for i in account.sidebar.info
    )
    assert any(t.value == "space=demo scope=epci_montlucon role=lecteur" for t in account.text)


def test_the_territory_filter_cannot_widen_an_account(demo):
    Accounts(demo, FAST).add("paul", READER, PASSWORD, perimeters=("epci_montlucon",))
    at = _logged_in("paul")
    options = at.sidebar.selectbox(key="territoire").options
    assert options[0] == "Tout « CA Montluçon Communauté »"
    assert not [o for o in options if "Moulins" in o or "Vichy" in o]


def test_an_account_with_two_territories_sees_one_at_a_time(demo):
    Accounts(demo, FAST).add("paul", READER, PASSWORD, perimeters=("epci_vichy", "epci_montlucon"))
    full = build_model(demo.load("demo"))
    at = _logged_in("paul")
    chooser = at.sidebar.selectbox(key="territoire_du_compte")
    assert chooser.options == ["CA Montluçon Communauté", "CA Vichy Communauté"]
    first = set(_seen(at)["model.communes"].split(","))
    assert first <= full.communes_of("epci_montlucon")
    chooser.set_value("epci_vichy").run()
    second = set(_seen(at)["model.communes"].split(","))
    assert second <= full.communes_of("epci_vichy") and not first & second


def test_an_account_limited_to_a_space_sees_no_other(demo):
    from tests.apptests import publish

    publish(demo.location, space="principal")
    book = Accounts(demo, FAST)
    book.add("paul", READER, PASSWORD, space="demo")
    book.add("zoe", READER, PASSWORD)
    limited = _logged_in("paul")
    assert any("space=demo scope=None" in t.value for t in limited.text)
    seen = _logged_in("zoe")
    assert seen.sidebar.selectbox(key="espace").options == ["demo", "principal"]
    assert not [s for s in limited.sidebar.selectbox if s.key == "espace"]


def test_a_limited_reader_cannot_reach_import_or_share(demo):
    Accounts(demo, FAST).add("paul", READER, PASSWORD, perimeters=("epci_montlucon",))
    at = _logged_in("paul", script=None)
    assert at.title[0].value.startswith("Qui fait quoi sur le territoire")
    for page in ("pages/importing.py", "pages/sharing.py"):
        with pytest.raises(ValueError, match="Could not find"):
            at.switch_page(page)  # not even registered for this account


def test_limits_are_checked_before_anything_is_stored(demo):
    book = Accounts(demo, FAST)
    with pytest.raises(UnknownScope, match="epci_nulle_part"):
        book.add("paul", READER, PASSWORD, perimeters=("epci_nulle_part",))
    with pytest.raises(UnknownScope, match="Seul un compte « lecteur »"):
        book.add("claire", "analyste", PASSWORD, perimeters=("epci_montlucon",))
    with pytest.raises(UnknownScope, match="aucune version publiée"):
        book.add("paul", READER, PASSWORD, space="absent")
    assert book.list() == []


def test_the_command_line_adds_updates_and_lists_limits(demo, db_path, capsys, monkeypatch):
    import io

    def run(*argv: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
        code = main([*argv, "--db", str(db_path)])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run(
        "user",
        "add",
        "paul",
        "--role",
        "lecteur",
        "--password-stdin",
        "--perimeter",
        "epci_montlucon",
        "--perimeter",
        "epci_vichy",
        "--space",
        "demo",
    )
    assert code == 0
    assert out == (
        "Compte « paul » créé (rôle lecteur, limité à epci_montlucon, epci_vichy, "
        "espace « demo » seulement).\n"
    )
    user = Accounts(demo).get("paul")
    assert (user.space, user.perimeters) == ("demo", ("epci_montlucon", "epci_vichy"))
    assert run("user", "update", "paul", "--perimeter", "epci_moulins")[0] == 0
    assert Accounts(demo).get("paul").perimeters == ("epci_moulins",)
    assert Accounts(demo).get("paul").space is None
    assert "paul  lecteur  créé le" in run("user", "list")[1]
    assert "limité à epci_moulins" in run("user", "list")[1]
    code, _, err = run("user", "update", "paul", "--role", "analyste")
    assert code == 1 and "Seul un compte « lecteur »" in err
    assert Accounts(demo).get("paul").role == READER  # nothing changed
    code, _, err = run("user", "update", "paul", "--perimeter", "inconnu")
    assert code == 1 and "inconnu" in err
    assert Accounts(demo).get("paul").perimeters == ("epci_moulins",)
    code, out, _ = run("user", "update", "paul", "--no-perimeter")
    assert code == 0 and out == "Compte « paul » : rôle lecteur, sans limite.\n"
    assert not Accounts(demo).get("paul").limited
    assert run("user", "update", "personne", "--no-perimeter")[0] == 1
    assert run("user", "remove", "paul")[0] == 0
    with demo.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM user_limits").fetchone()[0] == 0


@pytest.fixture(scope="module")
def account_walk(tmp_path_factory):
    """Every page and download, as a reader limited to SCOPE (tests/scope_data.py) sees them."""
    from maillage.publishing import check, publish_checked
    from maillage.store import Store
    from tests.page_walk import walk
    from tests.scope_data import SCOPE, tempting_sheets
    from tests.workbooks import xlsx_bytes

    db = tmp_path_factory.mktemp("compte") / "maillage.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAILLAGE_DB", str(db))
        patch.setenv("MAILLAGE_AUTH", "on")
        store = Store(db)
        workbook, validation = check([("t.xlsx", xlsx_bytes(tempting_sheets()))])
        publish_checked(store, "principal", workbook, validation)
        Accounts(store, FAST).add("paul", READER, PASSWORD, perimeters=(SCOPE,))

        def logged_in(at: AppTest) -> None:
            at.session_state[auth.SESSION_USER] = "paul"

        yield walk(setup=logged_in)


def test_a_limited_reader_walks_every_page_and_download_inside_its_territory(account_walk):
    from tests.scope_data import IN, OUT

    assert [s.page for s in account_walk.screens] == ["", *READ_ONLY_PAGES]
    names = set(account_walk.downloads)
    assert any(n.endswith("rapport-principal-v1.html") for n in names), names
    assert any(n.endswith("qui-fait-quoi.csv") for n in names), names
    assert OUT not in account_walk.everything(), account_walk.where(OUT)
    assert IN in account_walk.everything()
    assert "Connecté·e : paul" in account_walk.screens[0].text
