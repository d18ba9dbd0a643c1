"""The « Partager » screen's actions and table: creating, revoking and listing the read-only
links a committee receives (each action checked again server-side, at the click)."""

from __future__ import annotations

import os
from datetime import timedelta
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from maillage import sharing
from maillage.accounts import SHARE
from maillage.formats import format_date
from maillage.ui import auth
from maillage.ui.frame import Context

NEW_LINK = "partage_nouveau_lien"
HIDE_PERSONS = "partage_masquer_personnes"
SPACE_HIDES = "partage_espace_masquer_personnes"
STATES = {"actif": "Actif", "expire": "Expiré", "revoque": "Révoqué"}


def create(context: Context) -> None:
    auth.require(SHARE)  # refused server-side for a reader or a share link
    assert context.access is not None and context.space is not None
    token, link = sharing.create(
        context.store,
        context.space,
        st.session_state["partage_perimetre"] or None,
        timedelta(days=st.session_state["partage_duree"]),
        author=context.access.user,
        hide_persons=bool(st.session_state.get(HIDE_PERSONS, True)),
    )
    st.session_state[NEW_LINK] = (link.id, token)


def set_space_setting(context: Context) -> None:
    auth.require(SHARE)
    assert context.space is not None
    sharing.set_space_hides_persons(
        context.store, context.space, bool(st.session_state[SPACE_HIDES])
    )


def revoke(context: Context, link_id: int) -> None:
    auth.require(SHARE)
    sharing.revoke(context.store, link_id)


def browser_address() -> str | None:
    """The address this browser used, when MAILLAGE_URL does not say the public one."""
    if os.environ.get(sharing.URL_VARIABLE):
        return None
    address = urlsplit(st.context.url or "")
    return f"{address.scheme}://{address.netloc}" if address.netloc else None


def links_table(links: list[sharing.ShareLink], names: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "N°": x.id,
                "Territoire": names.get(x.perimeter, x.perimeter) if x.perimeter else "Tout",
                "Créé le": format_date(x.created_at),
                "Expire le": format_date(x.expires_at),
                "Par": x.author or "—",
                "Personnes": "masquées" if x.hide_persons else "affichées",
                "État": STATES[x.state()],
            }
            for x in links
        ]
    )
