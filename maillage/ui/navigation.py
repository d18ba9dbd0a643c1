"""Every screen of the dashboard, in menu order: the one registry `app.py` routes with
`st.navigation`, the tests open and the bench measures.

A screen is one vertical slice under one English stem: `pages/<stem>.py` (thin: widgets
around calls) and, when it draws anything of its own, `maillage/ui/<stem>.py` (its cached
calls, figures and French tables). Its French title is the menu's; its French `url_path` is
the address's. Adding a page = its two files + one line in `SCREENS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

from maillage.accounts import PUBLISH, SHARE

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Screen:
    stem: str  # pages/<stem>.py, maillage/ui/<stem>.py
    title: str  # French, in the menu
    icon: str
    url_path: str  # French, in the address bar
    needs: str | None = None  # the action a visitor must be allowed (accounts), None: anyone

    @property
    def file(self) -> str:
        return f"{self.stem}.py"

    @property
    def path(self) -> Path:
        return ROOT / "pages" / self.file


SCREENS: tuple[Screen, ...] = (
    Screen("synthesis", "Synthèse", ":material/dashboard:", "synthese"),
    Screen("pistes", "Pistes d’action", ":material/checklist:", "pistes"),
    Screen("atlas", "Atlas", ":material/map:", "atlas"),
    Screen("mismatch", "Discordances de ressorts", ":material/join_inner:", "discordances"),
    Screen("overlaps", "Chevauchements", ":material/stacks:", "chevauchements"),
    Screen("who_does_what", "Qui fait quoi", ":material/hub:", "qui_fait_quoi"),
    Screen("blockages", "Blocages", ":material/block:", "blocages"),
    Screen("evolutions", "Évolutions", ":material/timeline:", "evolutions"),
    Screen("methode", "Méthode", ":material/menu_book:", "methode"),
    Screen("importing", "Importer", ":material/upload_file:", "importer", needs=PUBLISH),
    Screen("sharing", "Partager", ":material/share:", "partage", needs=SHARE),
    Screen(
        "contributions",
        "Contributions",
        ":material/volunteer_activism:",
        "contributions",
        needs=PUBLISH,
    ),
)
HOME = SCREENS[0]


def screen(stem: str) -> Screen:
    stem = stem.removesuffix(".py")
    for found in SCREENS:
        if found.stem == stem:
            return found
    raise KeyError(stem)


def pages(can: Callable[[str], bool]) -> list[st.Page]:
    """The `st.Page` of every screen this visitor may open (`can(action)`), home first."""
    return [
        st.Page(s.path, title=s.title, icon=s.icon, url_path=s.url_path, default=s is HOME)
        for s in SCREENS
        if s.needs is None or can(s.needs)
    ]


def link(stem: str, text: str, icon: str) -> None:
    """A link to another screen (its stem; `<stem>.py` is accepted), only when this
    visitor may open it (a reader's link has no import page); the visitor's choices follow
    it (maillage.ui.url)."""
    try:
        st.page_link(f"pages/{screen(stem).file}", label=text, icon=icon)
    except StreamlitAPIException:  # not registered for this visitor
        return
