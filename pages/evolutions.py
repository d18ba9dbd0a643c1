"""Évolutions : ce qui a changé entre deux versions publiées — à lire avant un comité."""

import streamlit as st

from maillage.changes import headline
from maillage.ui import changes as evolutions
from maillage.ui.downloads import dossier_button
from maillage.ui.frame import frame, require_data

context = frame("Évolutions")
require_data(context)
history = context.store.history(context.space)
if len(history) < 2:
    st.info(
        "Aucune version antérieure : cet espace n’a qu’une version publiée, il n’y a rien "
        "à comparer. Publiez une nouvelle version depuis la page « Importer » ; chaque "
        "publication reste consultable et pourra être comparée aux suivantes."
    )
    dossier_button(context)
    st.stop()

st.markdown(
    "Ce qui a bougé entre deux versions publiées des données : acteurs et dispositifs "
    "ajoutés ou retirés, participations gagnées ou perdues, périmètres redessinés, "
    "blocages levés, et les indicateurs avant → après."
)
shared = context.access is not None and context.access.share is not None
before, after = evolutions.pickers(history, authors=not shared)
if before == after:
    st.warning(
        "Choisissez deux versions différentes : « Depuis la version » et « Jusqu’à la "
        "version » désignent la même."
    )
    st.stop()
changes, table = evolutions.compared(context, before, after)
st.subheader(headline(changes))
evolutions.indicator_cards(changes)
st.subheader("Le détail, liste par liste")
evolutions.lists(changes, table, context)
st.subheader("Pour le comité")
if before < context.version.version:
    st.caption(
        f"Le dossier porte sur la dernière version (v{context.version.version}), avec "
        f"ce qui a changé depuis la version {before}."
    )
    dossier_button(context, since=before)
else:
    dossier_button(context)
