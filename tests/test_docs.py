"""The documentation shipped with the project: links that resolve inside the repository, and
worked examples that are still the demo's numbers (recomputed here, naively, from its model)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from maillage.demo import DEMO_FILE
from maillage.formats import format_number
from maillage.model import build_model
from maillage.validation import validate
from maillage.workbook import read_paths

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _tracked() -> set[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return {(ROOT / line).resolve() for line in listed if line}


def test_user_guides_exist_in_french():
    names = {path.name for path in DOCS}
    assert {"README.md", "guide-analyste.md", "methode-indicateurs.md", "guide-comite.md"} <= names
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# "), path
        assert len(re.findall(r"\b(les|des|une|est)\b", text)) > 5, f"{path.name} en français ?"


@pytest.mark.parametrize("path", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_every_link_points_to_a_file_of_the_repository(path):
    """The README once linked ../shared/SPEC.md, which nobody who clones the project has."""
    files = _tracked()
    links = LINK.findall(path.read_text(encoding="utf-8"))
    assert links or path.name != "README.md", "no link found: the pattern is wrong"
    for link in links:
        target = link.split("#", 1)[0]
        assert "://" not in link and not link.startswith("mailto:"), f"{path.name}: {link}"
        if not target:  # an anchor in the same page
            continue
        resolved = (path.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{path.name}: {link} sort du dépôt"
        assert resolved in files or (
            resolved.is_dir() and any(f.is_relative_to(resolved) for f in files)
        ), f"{path.name}: {link} introuvable"


@pytest.fixture(scope="module")
def demo():
    return build_model(validate(read_paths([DEMO_FILE])).tables)


def test_method_examples_are_the_demo_numbers(demo):
    """Each worked example is recomputed by hand from the demo model: a rebuilt demo that
    changes a number makes this test name the sentence to rewrite."""
    text = (ROOT / "docs" / "methode-indicateurs.md").read_text(encoding="utf-8")
    text = re.sub(r"[ \n]+", " ", text)  # line breaks only: \u202f is a thousands separator
    territory = set(demo.territory)
    schemes = demo.schemes
    social = {"CTG", "GMR", "TZCLD", "ABS", "CLS"}
    members = demo.membership.groupby("perimeter")["commune"].agg(set)

    def communes(chosen):
        perimeters = schemes.loc[chosen, "perimetre"]
        return set().union(*(members.get(p, set()) for p in perimeters)) & territory

    population = demo.communes["population"].reindex(sorted(territory)).fillna(0)
    ctg = communes(schemes["type"] == "CTG")
    # SPEC §5.2: an AUTRE scheme takes the sector of its `secteur` column
    blank = territory - communes(
        schemes["type"].isin(social)
        | (schemes["type"].eq("AUTRE") & schemes["secteur"].eq("social"))
    )
    status = demo.blockages["statut"].fillna("ouvert").value_counts()
    expected = [
        f"{len(territory)} communes réelles de l’Allier, "
        f"{format_number(int(population.sum()))} habitants, {len(demo.actors)} acteurs et "
        f"{len(schemes)} dispositifs",
        f"les CTG touchent {len(ctg)} des {len(territory)} communes",
        f"{len(blank)} communes de la démonstration sont blanches",
        f"{len(demo.blockages)} blocages rapportés dans la démonstration : "
        f"{status.get('ouvert', 0)} ouverts et {status.get('en_cours', 0)} en cours, soit "
        f"{status.get('ouvert', 0) + status.get('en_cours', 0)} non levés ; "
        f"{status.get('leve', 0)} levés",
    ]
    for sentence in expected:
        assert sentence in text, sentence
    pair = schemes[
        schemes["nom"].str.contains("Bocage Bourbonnais") & schemes["type"].isin(["CTG", "GMR"])
    ]
    shared = set.intersection(*(members[p] for p in pair["perimetre"]))
    assert len(pair) == 2 and f"les mêmes {len(shared)} communes" in text
