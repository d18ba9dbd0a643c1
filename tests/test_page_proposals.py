"""The « Pistes d'action » page in the real app (AppTest): cards, filters, download, and the
committee's decisions — recorded by the local analyst, never offered to a lecteur or through a
share link, which sees only the proposals of its perimeter."""

from __future__ import annotations

from argon2 import PasswordHasher

from maillage import sharing
from maillage.accounts import Accounts
from maillage.decisions import history
from maillage.ui import auth
from tests.apptests import open_page, publish
from tests.test_decisions import PAIR, pair_sheets
from tests.test_proposals import actor, scheme

PAGE = "pistes.py"


def two_territories():
    """The pooling pair on P, and on P_EST a CTG whose only participant is its pilot."""
    sheets = pair_sheets()
    sheets["perimetres"].append(
        {"id": "P_EST", "nom": "Territoire de l’Est", "type": "autre", "communes": "03190;03013"}
    )
    sheets["acteurs"].append(actor("A_EST", "social"))
    sheets["dispositifs"].append(scheme("D_EST", "P_EST", "A_EST"))
    return sheets


def texts(at) -> str:
    return " ".join(
        [t.value for t in at.text] + [m.value for m in at.markdown] + [c.value for c in at.caption]
    )


def submit(at, status: str, comment: str = ""):
    at.selectbox(key=f"statut_{PAIR}").set_value(status)
    at.text_input(key=f"commentaire_{PAIR}").input(comment)
    next(b for b in at.button if b.label == "Enregistrer la décision").click()
    return at.run()


def test_without_data_the_page_says_what_to_do(db_path):
    at = open_page(PAGE)
    assert at.title[0].value.startswith("Pistes d’action")
    assert any("Aucune donnée publiée" in i.value for i in at.info)


def test_cards_and_decisions_of_the_local_analyst(db_path, store):
    publish(db_path, two_territories())
    at = open_page(PAGE)
    words = texts(at)
    assert (
        "Mutualiser la gouvernance et le diagnostic de «\u00a0Dispositif D_CTG\u00a0» et de "
        "«\u00a0Dispositif D_GMR\u00a0»"
    ) in words
    assert "Acteur A_CC, Acteur A_MSA" in words  # who to involve, by name
    assert "Pourquoi en tête" in words and "Levier" in words
    assert "chevauchements?paire=D_CTG|D_GMR" in words  # the rows behind it
    assert {b.label for b in at.get("download_button")} >= {
        "Télécharger (.xlsx)",
        "Télécharger (.csv)",
    }
    at = submit(at, "ecartee")  # no reason: refused, nothing stored
    assert any("demande une raison" in e.value for e in at.error)
    assert history(store, "principal", PAIR) == []
    at = submit(at, "retenue", "COPIL du 12 mars")
    assert [(d.status, d.comment) for d in history(store, "principal", PAIR)] == [
        ("retenue", "COPIL du 12 mars")
    ]
    at.run()
    assert "Retenue" in texts(at)
    at.multiselect(key="statut").set_value(["aucune"]).run()  # the decided one is filtered out
    assert "Dispositif D_CTG" not in " ".join(t.value for t in at.text)


def test_a_reader_sees_the_cards_without_the_buttons(db_path, store, monkeypatch):
    publish(db_path, two_territories())
    Accounts(store, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)).add(
        "paul", "lecteur", "correct horse battery"
    )
    monkeypatch.setenv("MAILLAGE_AUTH", "on")
    from streamlit.testing.v1 import AppTest

    from tests.apptests import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state[auth.SESSION_USER] = "paul"
    at.switch_page(f"pages/{PAGE}").run()
    assert not at.exception
    assert "Dispositif D_CTG" in texts(at)
    assert not [b for b in at.button if b.label == "Enregistrer la décision"]


def test_a_share_link_sees_its_perimeter_only_and_cannot_decide(db_path, store):
    publish(db_path, two_territories())
    token, _ = sharing.create(store, "principal", "P_EST")
    at = open_page(PAGE, {"partage": token})
    words = texts(at)
    assert "Dispositif D_CTG" not in words and "A_CC" not in words
    assert not [b for b in at.button if b.label == "Enregistrer la décision"]
    whole, _ = sharing.create(store, "principal", None)
    at = open_page(PAGE, {"partage": whole})
    assert "Dispositif D_CTG" in texts(at)
    assert not [b for b in at.button if b.label == "Enregistrer la décision"]


def test_home_card_and_meeting_report_show_the_first_proposals(db_path, store):
    from maillage.decisions import decide
    from maillage.model import build_model
    from maillage.report import ReportSource, meeting_report

    publish(db_path, two_territories())
    decide(store, "principal", PAIR, "engagee", author="claire", role="analyste", known=[PAIR])
    at = open_page()
    words = texts(at)
    assert "Pistes prioritaires" in words
    assert "1. Mutualiser la gouvernance et le diagnostic" in words and "(engagée)" in words
    from maillage.proposals import build_proposals
    from maillage.proposals.listing import reference_day

    info = store.latest("principal")
    best = build_proposals(build_model(store.load("principal")), reference_day(info.published_at))
    assert best and all(f"{rank}. {p.title}" in words for rank, p in enumerate(best[:3], 1))
    report = next(b for b in at.get("download_button") if b.label == "Rapport de réunion")
    assert report is not None
    model = build_model(store.load("principal"))
    source = ReportSource("principal", 1, "2026-01-01T00:00:00+00:00", "Tout le territoire")
    html = meeting_report(
        model, source, proposals=[("Réunir « A » & <B>", "Engagée"), ("Autre piste", None)]
    )
    assert "<h2>Pistes d’action prioritaires</h2>" in html
    assert "Réunir « A » &amp; &lt;B&gt; — <em>Engagée</em>" in html
    assert "Autre piste — <em>sans décision</em>" in html


def test_filters_that_keep_no_piste_say_so(db_path):
    publish(db_path, two_territories())
    at = open_page(PAGE)
    cards_before = [c.value for c in at.caption if c.value.startswith("Piste 1 ·")]
    at.multiselect(key="statut").set_value(["ecartee"]).run()  # nothing decided yet
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Aucune piste ne correspond à ces filtres : retirez un levier, une règle ou un statut "
        "pour revoir les autres."
    ]
    assert not any("premières" in c.value or "la voici" in c.value for c in at.caption)
    assert not any(c.value.startswith("Piste 1 ·") for c in at.caption)
    assert cards_before, "the page showed no card before filtering"
