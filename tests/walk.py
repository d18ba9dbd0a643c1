"""Every text a page shows, read from a real AppTest run, and the checks of a French screen.

The walk reads each element's protobuf message (labels, help, placeholders, options,
captions, metric values…), the cells and headers of every table, and the words drawn inside
figures (Plotly labels, ticks, hover templates; deck.gl tooltips and their data). The checks
look for what a French reader must never meet: English words of Streamlit and Plotly, raw
codes of the controlled vocabularies, numbers above 999 without a thousands separator and
decimal points.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterator

import pandas as pd
from google.protobuf.message import Message

from maillage.texts import LABELS
from maillage.vocabularies import VOCABULARIES

# Words Streamlit 1.67 and Plotly write on their own when a setting is missing.
ENGLISH = (
    "Upload",
    "Browse files",
    "Drag and drop",
    "per file",
    "No options to select",
    "Choose an option",
    "Choose options",
    "Choose or add",
    "Add an option",
    "Select all",
    "matches",
    "You can only select",
    "No results",
    "Skip to main content",
    "Download plot",
    "Zoom in",
    "Zoom out",
    "Autoscale",
    "Reset axes",
    "Pan",
    "Box Select",
    "Lasso Select",
    "Show/hide columns",
    "Download as CSV",
    "Search",
    "Fullscreen",
    "Help for",
    "Remove",
    "Link to heading",
    "Running",
    "Loading",
    "Clear all",
    "Close",
    "Press Enter",
    "Show more",
    "Made with Streamlit",
    "Produced with Plotly",
    "Double-click",
)
_ENGLISH = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")
# Keys of a protobuf message whose strings are not shown (ids, keys, formats, raw data).
_HIDDEN_FIELDS = {
    "id",
    "form_id",
    "key",
    "type",
    "spec",
    "json",
    "data",
    "arrow_data",
    "theme",
    "icon",
    "page",
    "url_path",
    "page_script_hash",
    "format",
    "mime",
    "column_order",
    "columns",
    "deck_id",
    "selection_mode",
    "styler",
    "mapbox_token",
    "tooltip",
    "width_config",
    "height_config",
    "file_name",
    "url",
    "shortcut",
    "default",
    "value",
    "set_value",
    "raw_value",
}
_FIGURE_KEYS = {
    "text",
    "ticktext",
    "name",
    "hovertemplate",
    "texttemplate",
    "label",
    "labels",
    "title",
    "customdata",
    "nom",
    "what",
    "valuesuffix",
    "x",
    "y",
}


_ELEMENT_ID = re.compile(r"[0-9a-f]{32}|\$\$ID-[0-9a-f]{32}-.*")


def _accent_free(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def raw_codes() -> set[str]:
    """Codes a French reader would see as raw: with an underscore, the acronym-free AUTRE,
    and codes that are an accented French word written without its accents (sante, leve)."""
    found = {"AUTRE"}
    for vocabulary, codes in VOCABULARIES.items():
        for code in codes:
            if "_" in code:
                found.add(code)
                continue
            words = re.findall(r"\w+", LABELS[vocabulary][code])
            if any(_accent_free(w) == code.lower() and w.lower() != code.lower() for w in words):
                found.add(code)
    return found


def _strings(message: Message) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.name in _HIDDEN_FIELDS:
            continue
        repeated = getattr(field, "is_repeated", None)
        if repeated is None:
            repeated = field.label == field.LABEL_REPEATED
        values = value if repeated else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str) and item:
                if item.lstrip().startswith("<style>") or _ELEMENT_ID.fullmatch(item):
                    continue  # the page's CSS, an element's id: not texts
                yield html.unescape(re.sub(r"<[^>]+>", " ", item)) if "<" in item else item


def _figure_strings(node, key: str | None = None) -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _figure_strings(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _figure_strings(value, key)
    elif isinstance(node, str) and key in _FIGURE_KEYS:
        yield node


def _table_strings(frame: pd.DataFrame) -> Iterator[str]:
    yield from (str(c) for c in frame.columns)
    for column in frame.columns:
        for value in frame[column].dropna().unique().tolist()[:2000]:
            if isinstance(value, str):
                yield value


def elements(node) -> Iterator:
    children = getattr(node, "children", None)
    if getattr(node, "proto", None) is not None and getattr(node, "type", "") not in (
        "main",
        "sidebar",
        "event",
        "root",
    ):
        yield node
    if isinstance(children, dict):
        for child in children.values():
            yield from elements(child)


def visible_texts(at) -> list[tuple[str, str]]:
    """(element type, text) for every text of the page, main area and sidebar."""
    found: list[tuple[str, str]] = []
    for element in elements(at._tree):
        kind = element.type
        proto = element.proto
        if kind == "plotly_chart":
            spec = json.loads(proto.spec)
            found += [(kind, s) for s in _figure_strings(spec.get("data", []))]
            found += [(kind, s) for s in _figure_strings(spec.get("layout", {}))]
            continue
        if kind == "deck_gl_json_chart":
            spec = json.loads(proto.json)
            found += [(kind, s) for s in _figure_strings(spec.get("layers", []))]
            if proto.tooltip:
                found += [(kind, json.loads(proto.tooltip).get("text", ""))]
            continue
        if kind in ("dataframe", "arrow_data_frame", "table"):
            found += [(kind, s) for s in _table_strings(element.value)]
            continue
        if not isinstance(proto, Message):
            continue
        found += [(kind, s) for s in _strings(proto)]
        if kind == "metric":
            found.append((kind, str(element.value)))
    return found


def english(texts) -> list[str]:
    return sorted({m.group(1) for _, t in texts for m in _ENGLISH.finditer(t)})


def _prose(texts):
    """The texts without their `code spans`: the analyst's guide shows codes and codes of
    communes (`03190`, pas `3190`) on purpose, formatted as such."""
    texts = [(kind, re.sub(r"\]\([^)\s]*\)", "]", t)) for kind, t in texts]  # link targets
    return [(kind, re.sub(r"`[^`]*`", " ", t)) for kind, t in texts]


def codes_shown(texts, codes: set[str]) -> list[str]:
    texts = _prose(texts)
    pattern = re.compile(
        r"(?<![\w:/.-])("
        + "|".join(sorted(map(re.escape, codes), key=len, reverse=True))
        + r")(?![\w-])"
    )
    return sorted(
        {
            f"{m.group(1)} ← {t[:80]!r}"
            for kind, t in texts
            if kind != "deck_gl_json_chart"
            for m in pattern.finditer(t)
        }
    )


_BARE = re.compile(r"(?<![\d\u202f\u00a0,.:/])(\d{4,})(?![\d\u202f\u00a0]|,\d|[.:]\d)")
_DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")


def bare_numbers(texts, known_codes: set[str]) -> list[str]:
    """Numbers of four digits or more written without a thousands separator; years
    (1900–2100) and codes (INSEE, SIREN, ids) are not numbers."""
    found = set()
    for kind, text in _prose(texts):
        if kind in ("plotly_chart", "deck_gl_json_chart") and "%{" in text:
            continue
        for match in _BARE.finditer(text):
            digits = match.group(1)
            if (len(digits) == 4 and 1900 <= int(digits) <= 2100) or digits in known_codes:
                continue
            if digits.startswith("0"):
                continue
            found.add(f"{digits} ← {text[:80]!r}")
    return sorted(found)


def decimal_points(texts) -> list[str]:
    return sorted(
        {f"{m.group(0)} ← {t[:80]!r}" for _, t in _prose(texts) for m in _DECIMAL_POINT.finditer(t)}
    )


def english_pickers(at) -> list[str]:
    """Selectboxes and multiselects for which the browser would write English: no
    placeholder given (Streamlit's « Choose an option », « No options to select »), or a
    multiselect's « Select all » row left on."""
    found = []
    for element in elements(at._tree):
        if element.type not in ("selectbox", "multiselect"):
            continue
        proto = element.proto
        if not proto.placeholder.strip():
            found.append(f"{proto.label!r}: no placeholder")
        if element.type == "multiselect" and proto.select_all != 0:
            found.append(f"{proto.label!r}: « Select all » shown")
    return found
