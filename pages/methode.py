"""Méthode : ce que compte chaque chiffre, comment lire un lien partagé, comment remplir le
classeur — la documentation du dossier docs/, dans le tableau de bord."""

import streamlit as st

from maillage.ui import methode
from maillage.ui.frame import frame

frame("Méthode", filters=False)
st.markdown(
    "Chaque chiffre du tableau de bord, ce qu’il compte, un exemple et ses limites ; "
    "puis comment lire un lien partagé et comment remplir le classeur."
)
for tab, (_title, file) in zip(
    st.tabs([title for title, _ in methode.GUIDES]), methode.GUIDES, strict=True
):
    with tab:
        st.markdown(methode.guide(file))
