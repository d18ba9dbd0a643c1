"""The « Qui fait quoi » page on a published workbook: directory, filters, network, tables."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.apptests import open_page, publish
from tests.workbooks import minimal_sheets

ROOT = Path(__file__).resolve().parents[1]


def _published(db_path):
    publish(db_path)


def _page() -> AppTest:
    return open_page("who_does_what")


def _directory_names(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Nom"])


def test_page_without_data_says_so(db_path):
    at = _page()
    assert at.title[0].value.startswith("Qui fait quoi")
    assert any("Aucune donnée publiée" in i.value for i in at.info)


def test_directory_network_and_transversality(db_path):
    _published(db_path)
    at = _page()
    assert sorted(_directory_names(at)) == sorted(r["nom"] for r in minimal_sheets()["acteurs"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Dispositifs transversaux"] == "100\u00a0%"
    assert metrics["Personnes relais"] == "2"  # the CAF and the communauté
    assert metrics["Acteurs isolés"] == "0"
    # 1 of the 2 funders with a known stage joined after the emergence.
    assert any("50\u00a0% des financeurs arrivent après l’émergence" in i.value for i in at.info)
    assert at.get("plotly_chart")  # the network figure
    transversality = at.dataframe[-1].value
    assert set(transversality["Dispositif"]) == {"CTG de Montluçon", "PAT du Montluçonnais"}
    assert set(transversality["Transversal"]) == {"oui"}
    assert any(b.label == "Télécharger (.csv)" for b in at.get("download_button"))


def test_filters_narrow_the_directory_and_go_to_the_address(db_path):
    _published(db_path)
    at = _page()
    at.selectbox(key="qfq_role").set_value("partenaire_financier")
    at.run()
    assert not at.exception
    assert _directory_names(at) == ["CAF de l’Allier"]
    assert at.query_params.get("qfq_role") in ("partenaire_financier", ["partenaire_financier"])
    at.selectbox(key="qfq_role").set_value("")
    at.text_input(key="qfq_texte").input("chambre")
    at.run()
    assert _directory_names(at) == ["Chambre d’agriculture"]


def test_a_copied_address_reproduces_the_filters(db_path):
    _published(db_path)
    at = open_page("who_does_what", {"qfq_field": "developpement_local"})
    # les_deux counts for both fields: the communauté is listed with the chambre.
    assert sorted(_directory_names(at)) == ["Chambre d’agriculture", "Montluçon Communauté"]


def test_a_search_without_match_says_what_to_do(db_path):
    _published(db_path)
    at = _page()
    at.text_input(key="qfq_texte").input("introuvable").run()
    assert not at.exception
    assert any(i.value.startswith("Aucun acteur ne correspond à ces critères") for i in at.info)
    assert not any(d.value.columns[0] == "Identifiant" for d in at.dataframe)  # no empty grid
    assert not any(b.label == "Télécharger (.csv)" for b in at.get("download_button"))


def test_relays_listed_for_the_phone_next_to_the_graph(db_path):
    """The list a phone shows instead of the network: each relay with what it links."""
    _published(db_path)
    at = _page()
    (relays,) = [d.value for d in at.dataframe if "Personne relais" in d.value.columns]
    assert sorted(relays["Personne relais"]) == ["CAF de l’Allier", "Montluçon Communauté"]
    row = relays.set_index("Personne relais").loc["CAF de l’Allier"]
    assert row["Dispositifs sociaux"] == "CTG de Montluçon"
    assert row["Développement local"] == "PAT du Montluçonnais"
    captions = [c.value for c in at.caption]
    assert "Les 4 acteurs." in " ".join(captions)
    assert not any("ensemble(s)" in c or "acteur(s)" in c for c in captions)
