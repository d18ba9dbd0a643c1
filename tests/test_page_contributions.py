"""The contribution form (a link, no account) and the analyst's moderation page, in AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from maillage import contributions as c
from maillage.ui import contribution_form as form
from tests.apptests import open_page, publish

ROOT = Path(__file__).resolve().parents[1]
P = form.PREFIX


@pytest.fixture
def link(store, db_path):
    publish(db_path)
    token, _ = c.create_link(store, "principal", "P_CAS")
    return token


def _form(token: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params[c.QUERY_PARAM] = token
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "header", "markdown", "caption", "error", "success")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def test_the_form_shows_nothing_else_of_the_dashboard(link):
    at = _form(link)
    assert at.title[0].value.startswith("Contribuer à la carte des acteurs")
    assert [h.value for h in at.header] == [
        "Votre structure ou votre collectif",
        "Les dispositifs auxquels vous prenez part",
        "Ce qui bloque",
        "Pour vous recontacter",
    ]
    assert "Circonscription Montluçon Est" in _texts(at)
    assert not at.sidebar.selectbox  # no space, no territory filter, no menu
    assert "Synthèse" not in _texts(at)
    communes = at.selectbox(key=P + "commune").options
    assert len(communes) == 4  # « Choisissez… » and the three communes of P_CAS
    assert "votre nom sera visible" in _texts(at)


def test_a_filled_form_is_stored_and_thanked(link, store):
    at = _form(link)
    at.text_input(key=P + "nom").input("Collectif des Jardins partagés")
    at.radio(key=P + "forme").set_value("collectif_habitants")
    at.selectbox(key=P + "categorie").set_value("association")
    at.radio(key=P + "champ").set_value("les_deux")
    at.selectbox(key=P + "commune").set_value("03101")
    at.multiselect(key=P + "dispositifs").set_value(["D_PAT"])
    at.run()
    at.selectbox(key=f"{P}role_D_PAT").set_value("operateur")
    at.text_input(key=P + "contact").input("jardins@example.org")
    at.button(key=P + "envoyer").click()
    at.run()
    assert not at.exception
    assert "Merci" in at.success[0].value
    (item,) = c.queue(store, "principal")
    assert item.submission.name == "Collectif des Jardins partagés"
    assert item.submission.form == "collectif_habitants"
    assert item.submission.participations == (c.Participation("D_PAT", "operateur", None),)
    assert c.contacts(store, "principal") == {item.id: "jardins@example.org"}


def test_problems_are_shown_on_their_fields_and_nothing_is_stored(link, store):
    at = _form(link)
    at.button(key=P + "envoyer").click()
    at.run()
    errors = [e.value for e in at.error]
    assert any("pas encore envoyée" in e for e in errors)
    assert "Indiquez le nom de votre structure ou de votre collectif." in errors
    assert "Choisissez votre commune parmi celles du territoire proposées dans la liste." in errors
    assert c.queue(store, "principal") == []


def test_a_filled_honeypot_is_thanked_but_not_stored(link, store):
    at = _form(link)
    at.text_input(key=P + "nom").input("Robot")
    at.text_input(key=form.HONEYPOT).input("http://spam.example")
    at.button(key=P + "envoyer").click()
    at.run()
    assert "Merci" in at.success[0].value
    assert c.queue(store, "principal") == []


def test_a_revoked_link_shows_a_french_refusal_and_nothing_else(link, store):
    (made,) = c.links(store, "principal")
    c.revoke(store, made.id)
    at = _form(link)
    assert [e.value for e in at.error] == [c.REFUSAL_MESSAGES["revoque"]]
    assert not at.text_input and not at.title


def test_the_analyst_moderates_and_publishes(link, store):
    sent = c.submit(
        store,
        link,
        c.Submission(
            "Tiers-lieu La Fabrique",
            "ess_tiers_lieu",
            "developpement_local",
            "03101",
            contact="fabrique@example.org",
        ),
    )
    c.submit(store, link, c.Submission("Inconnu", "autre", "social", "03098"))
    at = open_page("contributions.py")
    assert at.title[0].value.startswith("Contributions des partenaires")
    assert "fabrique@example.org" in str([d.value for d in at.dataframe])  # for her eyes only
    at.button(key=f"contribution_{sent.id}_accepter").click().run()
    at.text_input(key="contribution_2_raison").input("Structure inconnue du territoire").run()
    at.button(key="contribution_2_rejeter").click().run()
    assert not at.exception
    assert {i.id: i.status for i in c.queue(store, "principal")} == {1: "acceptee", 2: "rejetee"}
    at.button(key="contributions_publier").click().run()
    assert "Version 2 publiée : 1 contribution acceptée." in [s.value for s in at.success]
    assert store.latest("principal").author == "analyste local"


def test_a_share_link_cannot_reach_the_moderation_page(link, store):
    from maillage import sharing

    token, _ = sharing.create(store, "principal")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params[sharing.QUERY_PARAM] = token
    at.switch_page("pages/contributions.py").run()
    from maillage.accounts import PUBLISH, REFUSALS

    assert [e.value for e in at.error] == [REFUSALS[PUBLISH]]
    assert not at.dataframe and not at.button
