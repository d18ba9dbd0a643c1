"""How a page opens for a steering committee: through a share link, or when an analyst turns
on « Mode présentation » to show the screens on a projector.

The committee reads the territory's name in the title (the browser tab too), the shared-view
notice in the page itself (a phone hides the sidebar), no technical words (space, version
number), and captions and labels of at least 16 px, readable at 3 m.
"""

from __future__ import annotations

import streamlit as st

from maillage.formats import format_date, format_datetime
from maillage.store import VersionInfo
from maillage.ui import auth, display

PRESENTATION = "presentation"  # session key and address parameter of the toggle
# Committee type: captions, metric labels, help and table text at 17 px at least (the theme's
# base), the big numbers larger still; a phone keeps its columns readable.
CSS = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] p,
[data-testid="stWidgetLabel"] p, [data-testid="stExpander"] summary p {
  font-size: 1rem !important; color: #333 !important; }
[data-testid="stMetricValue"] { font-size: 3rem; }
</style>
"""


def presenting(access: auth.Access) -> bool:
    """A share link always looks like the committee's view; an analyst chooses it."""
    if access.share is not None:
        return True
    return bool(
        st.sidebar.toggle(
            "Mode présentation",
            key=PRESENTATION,
            bind="query-params",
            help="Les pages comme un comité les voit par un lien partagé : le nom du territoire "
            "en titre, sans vocabulaire technique, en grands caractères pour le vidéoprojecteur.",
        )
    )


def head(
    title: str,
    territory: str | None,
    space: str | None,
    version: VersionInfo | None,
    access: auth.Access,
    committee: bool,
) -> None:
    """The page's title (and the browser tab's), its notice and where its data come from."""
    full_title = f"{title} — {display.short(territory)}" if territory else title
    st.set_page_config(page_title=f"{full_title} · maillage")  # plain text, never markdown
    if committee:
        st.markdown(CSS, unsafe_allow_html=True)
    st.title(f"{title} — {display.md(territory)}" if territory else title, anchor=False)
    if access.share is not None:
        where = f", limitée à « {display.md(territory)} »" if territory else ""
        until = format_date(access.share.expires_at)
        st.info(
            f"Vue partagée en lecture seule{where}, valable jusqu’au {until}.",
            icon=":material/visibility:",
        )
    elif committee:
        st.info(
            "Mode présentation : les pages telles qu’un comité les voit par un lien partagé.",
            icon=":material/co_present:",
        )
    if version is None:
        return
    if committee:
        st.caption(f"Données publiées le {format_datetime(version.published_at)}.")
    else:
        st.caption(
            f"Espace « {space} » · version {version.version} publiée le "
            f"{format_datetime(version.published_at)}"
        )
