"""The server: `streamlit run serve.py` (what `make run` does) serves `app.py` behind
maillage's gate (`maillage/ui/guard.py`): foreign Host and Origin refused, uploads only for
sessions that may import, Streamlit's `clear_cache` message ignored; and `/connexion`, the
login form that sets a lasting session cookie (`maillage/ui/login_route.py`).

`streamlit run app.py` would serve the same pages without that gate: `app.py` refuses to
draw anything then (see `maillage.ui.auth.guarded`).

`app.py` routes every address itself (`st.navigation`). Streamlit 1.67 still treats a
`pages/` folder beside it as the old multipage layout and, for an address that names one of
its files (`/atlas`, `/pistes`), runs that file instead of `app.py`: the sidebar then lists
file names (« app, atlas, blockages… ») instead of the French menu. Its flag for that layout
is set once per process, from the folder's presence; it is set here first.
"""

import sys

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from maillage.ui.guard import BadPublicUrl, Guard, check_public_url
from maillage.ui.login_route import ROUTES

try:
    check_public_url()
except BadPublicUrl as error:
    sys.exit(str(error))

PagesManager.uses_pages_directory = False  # app.py's st.navigation is the only router
app = st.App("app.py", middleware=[Middleware(Guard)], routes=ROUTES)
