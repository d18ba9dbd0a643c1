"""maillage — the home page (synthèse) and the router of every screen."""

import streamlit as st

from maillage.accounts import PUBLISH
from maillage.ui import auth, contribution_form, downloads
from maillage.ui import home as synthesis
from maillage.ui.frame import frame, require_data
from maillage.ui.navigation import pages
from maillage.ui.style import FAVICON


def home() -> None:
    context = frame("Qui fait quoi sur le territoire")
    model = require_data(context)
    synthesis.show(context, model)
    left, right = st.columns(2)
    with left:
        downloads.meeting_report_button(context)
    with right:
        downloads.dossier_button(context)


st.set_page_config(page_title="maillage", page_icon=FAVICON, layout="wide")  # no icon fetched
if contribution_form.token():  # a partner's form, opened by its link: nothing else
    st.navigation([st.Page(contribution_form.page, title="Contribuer")], position="hidden").run()
elif isinstance(access := auth.current(), auth.Access):  # analyst-only screens are absent
    st.navigation(pages(home, can_import=access.can(PUBLISH))).run()  # for readers and links
else:  # nothing but the login form, or the refusal of a share link
    st.navigation([st.Page(auth.gate_page, title="Connexion", icon=":material/lock:")],
                  position="hidden").run()
