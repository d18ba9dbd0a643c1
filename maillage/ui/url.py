"""Widgets whose value lives in the address bar, as codes, so a copied URL reproduces the view.

Streamlit 1.67's `bind="query-params"` writes the *displayed label* of a selectbox to the URL
(`?territoire=Montluçon (EPCI)`) and only reads labels back: ids are what a link must carry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st


def selectbox(label: str, options: Sequence, key: str, *, default=None, where=st,
              format_func: Callable = str, **kwargs):
    """A selectbox initialised from `?key=code` and writing its code back to the URL."""
    default = options[0] if default is None and options else default
    if key not in st.session_state or st.session_state[key] not in options:
        wanted = st.query_params.get(key)
        st.session_state[key] = wanted if wanted in options else default
    value = where.selectbox(label, options, key=key, format_func=format_func, **kwargs)
    _write(key, [] if value == default else [value])
    return value


def multiselect(label: str, options: Sequence, key: str, *, where=st,
                format_func: Callable = str, **kwargs) -> list:
    """A multiselect initialised from `?key=a&key=b` and writing its codes back to the URL."""
    if key not in st.session_state:
        st.session_state[key] = [v for v in st.query_params.get_all(key) if v in options]
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    values = where.multiselect(label, options, key=key, format_func=format_func, **kwargs)
    _write(key, values)
    return values


def _write(key: str, values: list) -> None:
    if values:
        if st.query_params.get_all(key) != [str(v) for v in values]:
            st.query_params[key] = [str(v) for v in values]
    elif key in st.query_params:
        del st.query_params[key]
