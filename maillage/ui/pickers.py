"""Every selectbox and multiselect of the app, with French words where Streamlit would write
its own English ones.

Streamlit 1.67 computes a placeholder in the browser when none is given — « Choose an
option », « Choose options », « No options to select » — and adds a « Select all » row to a
multiselect's list (no setting translates it: `select_all=False` removes it; an empty filter
already means « all » on every page). So every widget is created here, with « Choisir… » or
« Aucune option » (then disabled, as Streamlit does for its own English one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

CHOOSE = "Choisir…"
NO_OPTION = "Aucune option"


def french(options: Sequence, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` with a French placeholder: the caller's own one, else « Choisir… »; with no
    option at all, « Aucune option » and the widget disabled."""
    kwargs = dict(kwargs)
    if len(options) == 0:
        kwargs["placeholder"] = NO_OPTION
        kwargs["disabled"] = True
    elif not kwargs.get("placeholder"):
        kwargs["placeholder"] = CHOOSE
    return kwargs


def selectbox(label: str, options: Sequence, *, where=st, **kwargs) -> Any:
    options = list(options)
    return where.selectbox(label, options, **french(options, kwargs))


def multiselect(label: str, options: Sequence, *, where=st, **kwargs) -> list:
    options = list(options)
    kwargs.setdefault("select_all", False)
    return where.multiselect(label, options, **french(options, kwargs))
