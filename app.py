"""maillage — the router: a partner's contribution form, or who is looking and the screens
they may open (`maillage.ui.navigation.SCREENS`)."""

import streamlit as st

from maillage.ui import auth, contribution_form
from maillage.ui.frame import open_store
from maillage.ui.navigation import pages
from maillage.ui.style import FAVICON

st.set_page_config(page_title="maillage", page_icon=FAVICON, layout="wide")
open_store()  # a database that cannot be used: its French reason, and nothing else
if contribution_form.token():  # a partner's form, opened by its link: nothing else
    st.navigation([st.Page(contribution_form.page, title="Contribuer")], position="hidden").run()
elif isinstance(access := auth.current(), auth.Access):  # analyst-only screens are absent
    st.navigation(pages(access.can)).run()  # for readers and links
else:  # nothing but the login form, or the refusal of a share link
    st.navigation(
        [st.Page(auth.gate_page, title="Connexion", icon=":material/lock:")], position="hidden"
    ).run()
