"""The « Méthode » screen: the user documentation of docs/, shown in the dashboard itself so
that a committee or a director reads the definitions where the numbers are.

The files are the project's own text (never user data). Links between documents point to
files of the repository, which mean nothing inside the dashboard: they are turned into the
plain text of the link, since every guide is a tab of this page."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
# (tab title, file): the committee's questions first
GUIDES = [
    ("Méthode des indicateurs", "methode-indicateurs.md"),
    ("Guide du comité", "guide-comite.md"),
    ("Guide de l’analyste", "guide-analyste.md"),
]
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_SEE_ALSO = re.compile(r"^Voir aussi :.*?(?:\n\n|\Z)", re.MULTILINE | re.DOTALL)


def guide(file: str) -> str:
    """The guide as markdown for a tab: its own title dropped (the tab says it), « Voir aussi »
    dropped (the other tabs are there), links made plain text."""
    text = (DOCS / file).read_text(encoding="utf-8")
    text = re.sub(r"\A# .*\n+", "", text)
    text = _SEE_ALSO.sub("", text)
    return _LINK.sub(r"\1", text)
