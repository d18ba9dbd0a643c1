"""The « Évolutions » page in AppTest: pickers labelled with date and author, the headline,
indicator cards before → after in words, the lists behind each number, the downloads; and
the « aucune version antérieure » state."""

from maillage.publishing import import_files
from maillage.store import Store
from tests.apptests import open_page, publish
from tests.test_changes import first_version, second_version
from tests.workbooks import xlsx_bytes


def publish_as(db_path, sheets, author):
    outcome = import_files(
        Store(db_path), "principal", [("t.xlsx", xlsx_bytes(sheets))], author=author
    )
    assert outcome.version is not None


def test_two_versions_compared_with_lists_and_downloads(db_path):
    publish_as(db_path, first_version(), "claire")
    publish_as(db_path, second_version(), "paul")
    at = open_page("evolutions.py")
    assert at.title[0].value.startswith("Évolutions")
    since, until = at.selectbox(key="depuis"), at.selectbox(key="jusqua")
    assert since.label == "Depuis la version" and since.value == "1"
    assert until.value == "2" and "· paul" in until.format_func("2")
    assert since.format_func("1").startswith("v1 — ") and "· claire" in since.format_func("1")
    assert at.subheader[0].value.startswith("Depuis la version 1 : 2 acteurs ajoutés")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Couverture sociale"] == "57\u00a0%"
    assert metrics["Communes blanches"] == "3"
    captions = " ".join(c.value for c in at.caption)
    assert "Avant : 80\u00a0% → après : 57\u00a0%. Moins bien" in captions
    assert "Avant : 33\u00a0% → après : 75\u00a0%. Mieux : plus de blocages levés" in captions
    titles = [e.label for e in at.expander]
    assert "Acteurs ajoutés (2)" in titles and "Acteurs retirés (1)" in titles
    assert "Blocages dont le statut a changé (2)" in titles
    assert "Communes blanches : 2 en plus, 0 en moins" in titles
    added = next(
        d.value for d, e in zip(at.dataframe, titles, strict=False) if e == "Acteurs ajoutés (2)"
    )
    assert sorted(added["Nom"]) == ["Association de Vichy", "Épicerie solidaire"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Télécharger le dossier (PDF)" in labels and "Télécharger (.csv)" in labels


def test_picking_other_versions(db_path):
    publish(db_path, first_version())
    publish(db_path, second_version())
    publish(db_path, first_version())  # v3 restores v1's content
    at = open_page("evolutions.py", query={"depuis": "1", "jusqua": "3"})
    assert at.subheader[0].value == "Rien n’a changé entre la version 1 et la version 3."
    at.selectbox(key="depuis").set_value("2").run()
    assert at.subheader[0].value.startswith("Depuis la version 2 : 1 acteur ajouté, 2 retirés")
    at.selectbox(key="depuis").set_value("3").run()
    assert "désignent la même" in at.warning[0].value


def test_one_version_only(db_path):
    publish(db_path, first_version())
    at = open_page("evolutions.py")
    assert "Aucune version antérieure" in at.info[0].value
    assert [b.proto.label for b in at.get("download_button")] == ["Télécharger le dossier (PDF)"]
    home = open_page()
    assert "Télécharger le dossier (PDF)" in [b.proto.label for b in home.get("download_button")]


def test_through_a_share_link_nothing_outside_its_scope_and_no_author(db_path):
    from maillage import sharing

    publish_as(db_path, first_version(), "claire")
    publish_as(db_path, second_version(), "paul")
    token, _ = sharing.create(Store(db_path), "principal", "P_EPCI")
    at = open_page("evolutions.py", query={"partage": token})
    since = at.selectbox(key="depuis")
    assert "claire" not in since.format_func("1") and since.format_func("1").startswith("v1 — ")
    shown = " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "Épicerie solidaire" in shown  # seated in 03101, inside P_EPCI
    assert "Association de Vichy" not in shown and "03185" not in shown
    assert at.subheader[0].value.startswith("Depuis la version 1 : 1 acteur ajouté")


def test_persons_hidden_from_a_committee_link(db_path):
    from maillage import sharing

    first, second = first_version(), second_version()
    person = {
        "id": "marie.dupont",
        "nom": "Marie Dupont",
        "categorie": "collectivite",
        "forme": "personne",
        "type": "Cheffe de projet PVD",
        "champ": "les_deux",
        "commune": "03098",
        "courriel": "marie@example.org",
    }
    second["acteurs"].append(person)
    second["participations"].append(
        {"dispositif": "D_CTG", "acteur": "marie.dupont", "role": "participant"}
    )
    publish_as(db_path, first, "claire")
    publish_as(db_path, second, "paul")
    token, _ = sharing.create(Store(db_path), "principal")  # persons hidden by default
    at = open_page("evolutions.py", query={"partage": token})
    shown = " ".join(str(d.value.to_dict()) for d in at.dataframe) + " ".join(
        e.label for e in at.expander
    )
    assert "Acteurs ajoutés (3)" in shown
    assert "Marie" not in shown and "marie" not in shown and "example.org" not in shown
    analyst = open_page("evolutions.py")
    assert "Marie Dupont" in " ".join(str(d.value.to_dict()) for d in analyst.dataframe)
