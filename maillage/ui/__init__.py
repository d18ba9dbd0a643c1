"""The only package that imports Streamlit, plotly or pydeck."""
