"""The visitor's choices — space, territory, types, each page's own — kept for the session and
written in the address bar as codes, so that page changes, reloads and copied addresses show
the same view.

Why not Streamlit's own `bind="query-params"`: in 1.67 it writes the *displayed label* of a
selectbox (`?territoire=Montluçon (EPCI)`), and a widget's value is dropped when a page change
or a change of its options makes Streamlit see a new widget. Here every choice lives under its
URL parameter name in one session dictionary (`CHOSEN`), the widget is re-seeded from it at
every run, and its `on_change` writes it back; the address is written from it at every run.

What the address says is taken into the session only when this session did not write it
itself (a copied address, a reload, a hand-typed one): a page change, which empties the
address, never erases a choice. A share link's token (`?partage=`) is auth's, never a choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from maillage.ui import pickers

CHOSEN = "_vue_choix"  # parameter name → codes chosen (list[str]); [] means « nothing chosen »
WRITTEN = "_vue_adresse"  # parameter name → codes this session last wrote in the address
NOT_A_CHOICE = frozenset({"partage"})
_UNSET = object()


def _chosen() -> dict[str, list[str]]:
    return st.session_state.setdefault(CHOSEN, {})


def _written() -> dict[str, list[str]]:
    return st.session_state.setdefault(WRITTEN, {})


def absorb() -> None:
    """Take in what the address says and this session did not write: a copied address or a
    reload reproduces the view. Idempotent: every read of a choice calls it."""
    chosen, written = _chosen(), _written()
    for name in st.query_params.keys():
        if name in NOT_A_CHOICE:
            continue
        codes = st.query_params.get_all(name)
        if written.get(name) != codes:
            chosen[name] = codes
            written[name] = codes


def get(name: str) -> list[str] | None:
    """The codes chosen under `name` in this session, None when never chosen (what the
    address says that this session did not write counts as chosen)."""
    absorb()
    return _chosen().get(name)


def choose(name: str, codes: Sequence[str]) -> None:
    """Set a choice from code (a callback that publishes into a space shows that space)."""
    _chosen()[name] = [str(c) for c in codes]


def _keep(key: str, multiple: bool) -> None:
    """on_change of every bound widget: the new value becomes the session's choice."""
    value = st.session_state.get(key)
    if multiple:
        choose(key, [str(v) for v in value or []])
    else:
        choose(key, [] if value is None else [str(value)])


def write(key: str, codes: Sequence[str]) -> None:
    """Say `codes` in the address under `key` (nothing when empty)."""
    codes = [str(c) for c in codes]
    if codes:
        if st.query_params.get_all(key) != codes:
            st.query_params[key] = codes
    elif key in st.query_params:
        del st.query_params[key]
    _written()[key] = codes


def _seed(key: str, value: Any) -> None:
    st.session_state[key] = value


def _one(key: str, options: Sequence, default: Any) -> Any:
    codes = get(key)
    if codes:
        by_code = {str(o): o for o in options}
        if codes[0] in by_code:
            return by_code[codes[0]]
    return default


def selectbox(
    label: str,
    options: Sequence,
    key: str,
    *,
    default: Any = _UNSET,
    where=st,
    format_func: Callable = str,
    always: bool = False,
    **kwargs,
) -> Any:
    """A selectbox showing the session's choice (else `default`, else the first option), its
    code in the address unless it is the default (`always`: even then)."""
    options = list(options)
    if default is _UNSET:
        default = options[0] if options else None
    value = _one(key, options, default)
    _seed(key, value)
    pickers.selectbox(
        label,
        options,
        where=where,
        key=key,
        format_func=format_func,
        on_change=_keep,
        args=(key, False),
        **kwargs,
    )
    write(key, [value] if value is not None and (always or value != default) else [])
    return value


def radio(
    label: str,
    options: Sequence,
    key: str,
    *,
    default: Any = _UNSET,
    where=st,
    format_func: Callable = str,
    **kwargs,
) -> Any:
    options = list(options)
    if default is _UNSET:
        default = options[0] if options else None
    value = _one(key, options, default)
    _seed(key, value)
    where.radio(
        label,
        options,
        key=key,
        format_func=format_func,
        on_change=_keep,
        args=(key, False),
        **kwargs,
    )
    write(key, [] if value == default else [value])
    return value


def multiselect(
    label: str,
    options: Sequence,
    key: str,
    *,
    default: Sequence = (),
    where=st,
    format_func: Callable = str,
    **kwargs,
) -> list:
    """A multiselect showing the session's choices among `options`. An empty choice against a
    non-empty default is said `?key=` in the address."""
    options = list(options)
    by_code = {str(o): o for o in options}
    codes = get(key)
    if codes is None:
        values = [v for v in default if v in options]
    else:
        values = [by_code[c] for c in codes if c in by_code]
    _seed(key, values)
    pickers.multiselect(
        label,
        options,
        where=where,
        key=key,
        format_func=format_func,
        on_change=_keep,
        args=(key, True),
        **kwargs,
    )
    if list(values) == [v for v in default if v in options]:
        write(key, [])
    else:
        write(key, values or [""])
    return values


def slider(
    label: str, low: int, high: int, default: int, step: int, key: str, *, where=st, **kwargs
) -> int:
    """An integer slider; a code outside [low, high] or not a number is the default."""
    codes = get(key)
    value = default
    if codes:
        try:
            wanted = int(codes[0])
        except ValueError:
            wanted = default
        value = wanted if low <= wanted <= high else default
    _seed(key, value)
    where.slider(label, low, high, step=step, key=key, on_change=_keep, args=(key, False), **kwargs)
    write(key, [] if value == default else [str(value)])
    return value


def text_input(label: str, key: str, *, where=st, **kwargs) -> str:
    codes = get(key)
    value = codes[0] if codes else ""
    _seed(key, value)
    where.text_input(label, key=key, on_change=_keep, args=(key, False), **kwargs)
    write(key, [value] if value else [])
    return value
