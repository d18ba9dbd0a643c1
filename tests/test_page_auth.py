"""Login, roles and share links in the running app (AppTest): who sees what, who may act."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from maillage import sharing
from maillage.accounts import PUBLISH, REFUSALS, SHARE, Accounts
from maillage.model import build_model
from maillage.publishing import check, publish_checked
from maillage.sharing import REFUSAL_MESSAGES
from maillage.ui import auth, importing
from tests.workbooks import minimal_sheets, xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]
HOME_TITLE = "Qui fait quoi sur le territoire"
PASSWORD = "correct horse battery"


def _sheets() -> dict[str, list[dict]]:
    """The minimal workspace plus a far-away perimeter with its own actor, scheme, blockage."""
    sheets = minimal_sheets()
    sheets["acteurs"].append(
        {
            "id": "A_LOIN",
            "nom": "Association lointaine",
            "categorie": "association",
            "champ": "social",
            "commune": "03190",
            "ressort": "P_LOIN",
        }
    )
    sheets["perimetres"].append(
        {"id": "P_LOIN", "nom": "Moulins au loin", "type": "epci", "communes": "03190"}
    )
    sheets["dispositifs"].append(
        {
            "id": "D_LOIN",
            "nom": "CLS lointain",
            "type": "CLS",
            "perimetre": "P_LOIN",
            "pilote": "A_LOIN",
        }
    )
    sheets["blocages"].append(
        {
            "id": "B_LOIN",
            "categorie": "methode",
            "description": "Loin d’ici",
            "territoire": "P_LOIN",
        }
    )
    return sheets


@pytest.fixture
def published(store):
    workbook, validation = check([("t.xlsx", xlsx_bytes(_sheets()))])
    publish_checked(store, "principal", workbook, validation)
    return store


@pytest.fixture
def users(published):
    book = Accounts(published, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    book.add("claire", "analyste", PASSWORD)
    book.add("paul", "lecteur", PASSWORD)
    return book


def _app(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "title", "error", "info", "success", "warning", "code")
    return " ".join(str(e.value) for kind in kinds for e in at.get(kind))


def test_local_server_opens_without_login(published):
    at = _app().run()
    assert not at.exception
    assert at.title[0].value.startswith(HOME_TITLE)
    assert "Connexion" not in [t.value for t in at.title]


@pytest.mark.parametrize(
    "setting", ["auth_on", "auth_unset", "auth_typo", "public_address", "public_url"]
)
def test_login_is_required_off_localhost_or_when_asked(users, monkeypatch, setting):
    """Local mode only when chosen (MAILLAGE_AUTH=off), on 127.0.0.1, for a loopback address."""
    address = "0.0.0.0" if setting == "public_address" else "127.0.0.1"
    if setting == "auth_on":
        monkeypatch.setenv("MAILLAGE_AUTH", "on")
    elif setting == "auth_unset":
        monkeypatch.delenv("MAILLAGE_AUTH")
    elif setting == "auth_typo":
        monkeypatch.setenv("MAILLAGE_AUTH", "of")
    elif setting == "public_url":
        monkeypatch.setenv("MAILLAGE_URL", "https://maillage.example.org")
    with patch_config_options({"server.address": address}):
        at = _app().run()
        assert [t.value for t in at.title] == ["Connexion"]
        assert not at.metric and not at.sidebar.selectbox
        at.text_input(key=auth.LOGIN_NAME).input("claire")
        at.text_input(key=auth.LOGIN_PASSWORD).input("not the password")
        at.button[0].click().run()
        assert [t.value for t in at.title] == ["Connexion"]
        assert "Identifiant ou mot de passe incorrect." in [e.value for e in at.error]
        at.text_input(key=auth.LOGIN_NAME).input("claire")
        at.text_input(key=auth.LOGIN_PASSWORD).input(PASSWORD)
        at.button[0].click().run()
        assert not at.exception
        assert at.title[0].value.startswith(HOME_TITLE)
        assert "Connecté·e : claire (analyste)" in _texts(at)
        at.switch_page("pages/importing.py").run()  # the session survives a page change
        assert at.title[0].value.startswith("Importer un classeur")
        assert len(at.file_uploader) == 1


def test_login_locks_after_repeated_failures(users, monkeypatch):
    monkeypatch.setenv("MAILLAGE_AUTH", "on")
    at = _app().run()
    for _ in range(5):
        at.text_input(key=auth.LOGIN_NAME).input("paul")
        at.text_input(key=auth.LOGIN_PASSWORD).input("wrong password")
        at.button[0].click().run()
    at.text_input(key=auth.LOGIN_NAME).input("paul")
    at.text_input(key=auth.LOGIN_PASSWORD).input(PASSWORD)
    at.button[0].click().run()
    assert [t.value for t in at.title] == ["Connexion"]
    assert "Trop de tentatives" in " ".join(e.value for e in at.error)


@pytest.mark.parametrize("page", ["pages/importing.py", "pages/sharing.py"])
def test_a_reader_cannot_reach_import_or_share(users, monkeypatch, page):
    monkeypatch.setenv("MAILLAGE_AUTH", "on")
    at = _app()
    at.session_state[auth.SESSION_USER] = "paul"
    at.switch_page(page).run()
    assert not at.exception
    assert not at.file_uploader
    assert [e.value for e in at.error] == [
        REFUSALS[PUBLISH] if page.endswith("importing.py") else REFUSALS[SHARE]
    ]
    assert not [b for b in at.button if b.label in ("Publier", "Restaurer", "Créer le lien")]


def _scoped_link(store, perimeter="P_CAS"):
    token, link = sharing.create(store, "principal", perimeter)
    return token, link


def _show_scope() -> None:
    """A page that prints what the frame hands to every page: ids of the models."""
    import streamlit as st

    from maillage.ui.frame import frame

    context = frame("Portée")
    for name, model in (("model", context.model), ("full", context.full_model)):
        for table in ("actors", "schemes", "blockages", "perimeters", "communes"):
            st.text(f"{name}.{table}=" + ",".join(sorted(getattr(model, table).index)))
    st.text(f"read_only={context.read_only} role={context.role}")


def _scope(at: AppTest) -> dict[str, set[str]]:
    found = {}
    for element in at.text:
        key, _, value = element.value.partition("=")
        found[key] = set(value.split(",")) - {""} if "." in key else value
    return found


def _scope_app(**query) -> AppTest:
    at = AppTest.from_function(_show_scope, default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_share_link_hands_every_page_only_its_perimeter(published):
    token, _ = _scoped_link(published, "P_CAS")
    full = build_model(published.load("principal"))
    scoped = full.restrict(perimeter="P_CAS")
    assert "A_LOIN" not in scoped.actors.index and "D_LOIN" not in scoped.schemes.index
    at = _scope_app(partage=token)
    assert not at.exception
    seen = _scope(at)
    for name in ("model", "full"):  # full_model too: no page can reach beyond the link
        assert seen[f"{name}.actors"] == set(scoped.actors.index)
        assert seen[f"{name}.schemes"] == set(scoped.schemes.index)
        assert seen[f"{name}.blockages"] == set(scoped.blockages.index)
        assert seen[f"{name}.communes"] <= full.communes_of("P_CAS")
    assert seen["read_only"] == "True role=lecteur"
    assert "Vue partagée en lecture seule" in " ".join(i.value for i in at.sidebar.info)
    options = at.sidebar.selectbox(key="territoire").options
    assert options[0] == "Tout « Circonscription Montluçon Est »"
    names = scoped.perimeters["nom"].tolist()
    assert len(options) == len(names) + 1
    assert not [o for o in options if "Moulins au loin" in o]


def test_without_link_the_whole_space_is_seen(published):
    full = build_model(published.load("principal"))
    seen = _scope(_scope_app())
    assert seen["model.actors"] == set(full.actors.index)
    assert seen["read_only"] == "False role=analyste"


@pytest.mark.parametrize("territory", ["P_EPCI", "P_LOIN", "P_PAT"])
def test_share_link_filters_cannot_widen_the_scope(published, territory):
    token, _ = _scoped_link(published, "P_CAS")
    full = build_model(published.load("principal"))
    inside = full.communes_of("P_CAS")
    seen = _scope(_scope_app(partage=token, territoire=territory))
    assert seen["model.communes"] <= inside
    assert "A_LOIN" not in seen["model.actors"] and "D_LOIN" not in seen["model.schemes"]
    assert seen["full.actors"] == set(full.restrict(perimeter="P_CAS").actors.index)


@pytest.mark.parametrize("page", ["pages/importing.py", "pages/sharing.py"])
def test_share_link_cannot_import_or_share(published, page):
    token, _ = _scoped_link(published)
    at = _app(partage=token)
    at.switch_page(page).run()
    assert not at.exception
    assert not at.file_uploader
    assert len(at.error) == 1
    assert "lecture seule" in at.error[0].value
    assert not [b for b in at.button if b.label in ("Publier", "Restaurer", "Créer le lien")]


def _try_actions(token: str | None) -> None:
    """Call the actions the way a forged request would reach them: straight to the code."""
    import streamlit as st

    from maillage.accounts import NotAllowed
    from maillage.ui import auth

    if token:
        st.query_params["partage"] = token
    for action in ("publier", "restaurer", "partager"):
        try:
            auth.require(action)
            st.write(f"{action}: permis")
        except NotAllowed:
            st.write(f"{action}: refusé")


def test_actions_are_refused_server_side_for_links_and_readers(users, monkeypatch):
    token, _ = _scoped_link(users.rows.store)
    at = AppTest.from_function(_try_actions, args=(token,), default_timeout=30).run()
    assert [m.value for m in at.markdown] == [
        "publier: refusé",
        "restaurer: refusé",
        "partager: refusé",
    ]
    monkeypatch.setenv("MAILLAGE_AUTH", "on")
    at = AppTest.from_function(_try_actions, args=(None,), default_timeout=30)
    at.session_state[auth.SESSION_USER] = "paul"
    assert [m.value for m in at.run().markdown] == [
        "publier: refusé",
        "restaurer: refusé",
        "partager: refusé",
    ]
    at = AppTest.from_function(_try_actions, args=(None,), default_timeout=30)
    at.session_state[auth.SESSION_USER] = "claire"
    assert [m.value for m in at.run().markdown] == [
        "publier: permis",
        "restaurer: permis",
        "partager: permis",
    ]


def test_import_callbacks_check_the_role(published):
    """The publish and restore callbacks themselves refuse, not only the hidden buttons."""
    import inspect

    for callback, action in ((importing._publish, "PUBLISH"), (importing._restore, "RESTORE")):
        first_line = inspect.getsource(callback).splitlines()[1].strip()
        assert first_line.startswith(f"auth.require({action})"), callback.__name__


@pytest.mark.parametrize("how", ["revoque", "expire", "inconnu"])
def test_refused_link_shows_a_french_message_and_nothing_else(published, how):
    token, link = _scoped_link(published)
    if how == "revoque":
        sharing.revoke(published, link.id)
    elif how == "expire":
        token, _ = sharing.create(
            published,
            "principal",
            expires=timedelta(hours=1),
            now=datetime.now(UTC) - timedelta(days=1),
        )
    else:
        token = token[:-2] + ("ab" if token[-2:] != "ab" else "cd")
    at = _app(partage=token).run()
    assert not at.exception
    assert [e.value for e in at.error] == [REFUSAL_MESSAGES[how]]
    assert not at.title and not at.metric and not at.sidebar.selectbox and not at.markdown
    assert not at.text_input  # not even the login form
    with pytest.raises(ValueError, match="Known pages: \\['Connexion'\\]"):
        at.switch_page("pages/importing.py")  # no other screen is even registered
    alone = _app(partage=token)  # the page run on its own is guarded by its frame
    alone.switch_page("pages/importing.py").run()
    assert [e.value for e in alone.error] == [REFUSAL_MESSAGES[how]]
    assert not alone.file_uploader and not alone.title


def test_analyst_creates_and_revokes_a_link_from_the_dashboard(published):
    at = _app()
    at.switch_page("pages/sharing.py").run()
    assert not at.exception
    at.selectbox(key="partage_perimetre").set_value("P_EPCI")
    at.button[0].click().run()
    assert not at.exception
    (code,) = at.code
    token = code.value.rsplit("partage=", 1)[1]
    link = sharing.resolve(published, token)
    assert isinstance(link, sharing.ShareLink) and link.perimeter == "P_EPCI"
    assert at.dataframe[0].value["État"].tolist() == ["Actif"]
    at.button(key="partage_revoquer").click().run()
    assert sharing.resolve(published, token) == "revoque"
    assert at.dataframe[0].value["État"].tolist() == ["Révoqué"]


def test_home_offers_the_meeting_report(published):
    at = _app().run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Rapport de réunion" in labels
