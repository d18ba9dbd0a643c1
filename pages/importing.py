"""Importer : déposer un classeur, voir tous ses problèmes d’un coup, publier, restaurer."""

import streamlit as st

from maillage.accounts import PUBLISH
from maillage.ui import auth, importing, mapping_step
from maillage.ui.frame import frame

context = frame("Importer un classeur", filters=False)
auth.require_page(context.access, PUBLISH)  # readers and share links never reach the upload
space = importing.target_space(context)
importing.show_message()
if space is None:
    st.stop()

st.markdown(
    f"Déposez le classeur de l’espace « {space} ». Il est d’abord **vérifié** : chaque "
    "problème est listé avec sa feuille, sa ligne et sa colonne, et la façon de le corriger. "
    "Rien n’est publié tant qu’il reste une erreur ; une publication crée une nouvelle "
    "version, les précédentes restent consultables et restaurables."
)
importing.template_download()

files = importing.upload()
if files:
    mode = mapping_step.choose_mode(context.store, space)
    profile, ready = mapping_step.choose_profile(context.store, space, files)
    if not ready:
        st.stop()
    result = importing.checked_upload(files, profile, mode, context.store, space)
    if result.unreadable:
        importing.show_unreadable(result)
    else:
        importing.show_outcome(result)
        importing.publish_button(context, space, result)

st.subheader("Historique des versions")
st.caption(
    "Restaurer une version la publie à nouveau, comme la plus récente : rien n’est "
    "jamais écrasé ni effacé."
)
importing.show_history(context, space)
