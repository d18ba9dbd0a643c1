"""The committee's dossier as a PDF, opened with pypdf: pages, names, version, the changes'
headline, the map as vector drawing operators, and nothing outside a share link's scope."""

import re

import pytest
from pypdf import PdfReader

from maillage.changes import Published, compare, headline
from maillage.cli import main
from maillage.dossier import DossierSource, EmptyDossier, committee_dossier, dossier_for
from maillage.model import build_model
from maillage.store import Store
from tests.apptests import publish
from tests.test_changes import first_version, second_version

PATH_OPERATORS = re.compile(rb"[\d.]+ [\d.]+ m\b.*?[\d.]+ [\d.]+ l\b", re.S)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ")).strip()


@pytest.fixture
def space(db_path):
    publish(db_path, first_version())
    publish(db_path, second_version())
    return Store(db_path)


def read(path):
    reader = PdfReader(path)
    return reader, [words(page.extract_text()) for page in reader.pages]


def test_dossier_since_a_version_from_the_command_line(space, tmp_path, capsys):
    out = tmp_path / "dossier.pdf"
    assert main(["dossier", str(out), "--since", "1"]) == 0
    assert "Dossier écrit" in capsys.readouterr().out
    reader, pages = read(out)
    assert 2 <= len(pages) <= 6
    for number, text in enumerate(pages, start=1):  # every page numbered « N / total »
        assert f"Page {number} / {len(pages)}" in text
        assert "espace « principal », version 2" in text
    everything = " ".join(pages)
    assert "Territoire du PAT" in pages[0]  # the perimeter covering the whole territory
    tables = {v: space.load("principal", v) for v in (1, 2)}
    changes = compare(
        Published(1, tables[1], build_model(tables[1])),
        Published(2, tables[2], build_model(tables[2])),
        space="principal",
    )
    assert words(headline(changes)) in pages[0]
    assert "Association de Vichy" in everything and "Chambre d’agriculture" in everything
    assert "Couverture sociale 80 % → 57 %" in everything
    # the map: vector paths on the first pages, no raster image anywhere
    drawn = [PATH_OPERATORS.search(page.get_contents().get_data()) for page in reader.pages[:2]]
    assert any(drawn)
    assert all(
        "/Image" not in str(page.get("/Resources", {}).get("/XObject", {})) for page in reader.pages
    )
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged: outline and the figure
    assert "/JavaScript" not in str(reader.trailer["/Root"]) and "/URI" not in everything


def test_a_scoped_dossier_names_no_actor_outside_its_scope(space):
    everything = " ".join(read_bytes(dossier_for(space, "principal", since=1)))
    scoped = " ".join(read_bytes(dossier_for(space, "principal", since=1, scope="P_EPCI")))
    assert "Association de Vichy" in everything  # seated in Vichy, outside P_EPCI
    assert "Association de Vichy" not in scoped
    assert "lien de partage limité à « Montluçon (extrait) »" in scoped
    assert "Montluçon (extrait)" in scoped


def read_bytes(content: bytes) -> list[str]:
    import io

    return read(io.BytesIO(content))[1]


def test_an_empty_territory_is_refused_in_french(space):
    model = build_model(space.load("principal")).restrict(perimeter="P_ABSENT")
    source = DossierSource("principal", 2, "2026-09-12T08:00:00+00:00", "Rien")
    with pytest.raises(EmptyDossier, match="aucune commune"):
        committee_dossier(model, source)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--since", "7"], "n’a pas de version 7"),
        (["--since", "2"], "sont la même (2)"),
        (["--perimeter", "P_ABSENT"], "Le périmètre « P_ABSENT » n’existe pas"),
    ],
)
def test_bad_options_are_refused_in_french(space, tmp_path, capsys, options, message):
    out = tmp_path / "dossier.pdf"
    assert main(["dossier", str(out), *options]) == 1
    assert message in capsys.readouterr().err and not out.exists()


def test_no_version_no_dossier(db_path, tmp_path, capsys):
    assert main(["dossier", str(tmp_path / "d.pdf")]) == 1
    assert "aucune version publiée" in capsys.readouterr().err


def test_persons_shown_as_their_role_when_the_view_hides_them(db_path):
    second = second_version()
    second["acteurs"].append(
        {
            "id": "marie.dupont",
            "nom": "Marie Dupont",
            "forme": "personne",
            "categorie": "collectivite",
            "type": "Cheffe de projet PVD",
            "champ": "les_deux",
            "commune": "03098",
        }
    )
    second["participations"].append(
        {"dispositif": "D_CTG", "acteur": "marie.dupont", "role": "participant"}
    )
    publish(db_path, first_version())
    publish(db_path, second)
    store = Store(db_path)
    named = " ".join(read_bytes(dossier_for(store, "principal", since=1)))
    hidden = " ".join(read_bytes(dossier_for(store, "principal", since=1, hide_persons=True)))
    assert "Marie Dupont" in named
    assert "Marie" not in hidden and "marie" not in hidden
    assert "Acteurs ajoutés (3) Association de Vichy · Épicerie solidaire · personne" in hidden
