"""Bidirectional control characters are neutralised wherever data is shown or exported.

An analyst's cell may hold U+202E (RIGHT-TO-LEFT OVERRIDE) or an isolate: the text after it
is drawn reversed or moved, so « CCAS de Moulins » can read as something else in a table,
a tooltip or a spreadsheet (the « Trojan Source » trick). They carry no meaning in French
data; they are removed. Arabic or Hebrew letters are left alone: the browser lays them out
by themselves.
"""

from __future__ import annotations

import re

import pandas as pd

# Embeddings, overrides and their pop (U+202A–U+202E), isolates (U+2066–U+2069), the marks
# (U+200E, U+200F, U+061C).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_CONTROLS = re.compile(f"[{BIDI_CONTROLS}]")


def neutralise_bidi(text: str) -> str:
    """`text` without its bidirectional control characters."""
    return _CONTROLS.sub("", text) if isinstance(text, str) else text


def neutralise_bidi_columns(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """`frame` with the text `columns` (those present) cleaned, in one vectorised pass each."""
    present = [c for c in columns if c in frame.columns]
    changed = {}
    for column in present:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            text = values.astype("str")
            if text.str.contains(_CONTROLS.pattern, regex=True, na=False).any():
                changed[column] = text.str.replace(_CONTROLS.pattern, "", regex=True).where(
                    values.notna()
                )
    return frame.assign(**changed) if changed else frame
