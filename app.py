"""maillage — the home page (synthèse) and the router of every screen."""

import streamlit as st

from maillage.ui.frame import frame, require_data
from maillage.ui.navigation import pages


def home() -> None:
    context = frame("Qui fait quoi sur le territoire")
    model = require_data(context)
    st.metric("Acteurs", len(model.actors))
    st.metric("Dispositifs", len(model.schemes))


st.set_page_config(page_title="maillage", page_icon=":material/hub:", layout="wide")
st.navigation(pages(home)).run()
