"""The floor of `python -m bench pages`: the smallest useful Streamlit page (a title, a
metric, a small table), served by the same Streamlit in the same run as the dashboard."""

import pandas as pd
import streamlit as st

st.title("Page minimale")
st.metric("Acteurs", "317")
st.dataframe(
    pd.DataFrame({"commune": ["Moulins", "Vichy", "Montluçon"], "acteurs": [12, 9, 15]}),
    hide_index=True,
)
