"""The list of screens, in menu order. `app.py` routes to them with `st.navigation`."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]

# (file under pages/, title, icon, needs an analyst)
SCREENS: list[tuple[str, str, str, bool]] = [
    ("pistes.py", "Pistes d’action", ":material/checklist:", False),
    ("atlas.py", "Atlas", ":material/map:", False),
    ("discordances.py", "Discordances de ressorts", ":material/join_inner:", False),
    ("chevauchements.py", "Chevauchements", ":material/stacks:", False),
    ("qui_fait_quoi.py", "Qui fait quoi", ":material/hub:", False),
    ("blocages.py", "Blocages", ":material/block:", False),
    ("evolutions.py", "Évolutions", ":material/timeline:", False),
    ("methode.py", "Méthode", ":material/menu_book:", False),
    ("importer.py", "Importer", ":material/upload_file:", True),
    ("partage.py", "Partager", ":material/share:", True),
    ("contributions.py", "Contributions", ":material/volunteer_activism:", True),
]


def pages(home, can_import: bool = True) -> list[st.Page]:
    found = [st.Page(home, title="Synthèse", icon=":material/dashboard:", default=True,
                     url_path="synthese")]
    for file, title, icon, analyst_only in SCREENS:
        if analyst_only and not can_import:
            continue
        found.append(st.Page(ROOT / "pages" / file, title=title, icon=icon))
    return found
