"""Synthèse : les quelques chiffres qu’un directeur lit d’abord, le rapport de réunion et le
dossier des évolutions."""

import streamlit as st

from maillage.ui import downloads, synthesis
from maillage.ui.frame import frame, require_data

context = frame("Qui fait quoi sur le territoire")
model = require_data(context)
synthesis.show(context, model)
left, right = st.columns(2)
with left:
    downloads.meeting_report_button(context)
with right:
    downloads.dossier_button(context)
