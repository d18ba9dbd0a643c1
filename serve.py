"""The server: `streamlit run serve.py` (what `make run` does) serves `app.py` behind
maillage's gate (`maillage/ui/guard.py`): foreign Host and Origin refused, uploads only for
sessions that may import, Streamlit's `clear_cache` message ignored; and `/connexion`, the
login form that sets a lasting session cookie (`maillage/ui/login_route.py`).

`streamlit run app.py` would serve the same pages without that gate: `app.py` refuses to
draw anything then (see `maillage.ui.auth.guarded`).
"""

import sys

import streamlit as st
from starlette.middleware import Middleware

from maillage.ui.guard import BadPublicUrl, Guard, check_public_url
from maillage.ui.login_route import ROUTES

try:
    check_public_url()
except BadPublicUrl as error:
    sys.exit(str(error))

app = st.App("app.py", middleware=[Middleware(Guard)], routes=ROUTES)
