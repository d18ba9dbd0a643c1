"""Text from a workbook is shown as text: never as markdown, HTML or a link.

Every name, description or file name an analyst typed goes through one of these before it
reaches an element that interprets its text:

- `md(text)` for Streamlit's markdown elements (markdown, caption, info, subheader, expander
  and widget labels): every character that opens a construct is backslash-escaped
  (CommonMark), so
  `![x](http://…)`, `<img …>`, `**`, `[a](b)` or `a@b.fr` print as typed; a colon (and
  `www`) is followed by a word joiner, so Streamlit's `:material/…:`, `:red[…]`, emoji short
  codes and GFM's bare `http://…` or `www.…` links stay literal;
- `chart(text)` for plotly labels and hover texts, which understand a few HTML tags
  (`<a href>`, `<b>`, `<br>`…): `<`, `>` and `&` become entities, which plotly draws as the
  characters themselves;
- pydeck tooltips are set with `text` (never `html`) and need only `tooltip(text)`.

All of them remove bidirectional controls (`maillage.bidi`) and shorten what would not fit:
`short()` for a label (the full name stays in the tooltip, the table or the download),
`tooltip()` caps a tooltip so a 10,000-character name cannot cover the screen.
"""

from __future__ import annotations

import html
import re

from maillage.bidi import neutralise_bidi

LABEL = 60  # characters of a name in a label, a caption or a chart axis
TOOLTIP = 300  # characters of a name in a tooltip
WORD_JOINER = "\u2060"
# What starts a markdown, HTML, math or Streamlit construct anywhere on a line; `-`, `+`,
# `.`, `=` and digits only matter at the start of a line (lists, headings), escaped there.
_SPECIAL = re.compile(r"([\\`*_\[\]()<>!#|~$:{}&^@])")
_WWW = re.compile(r"(www)(\.)", re.IGNORECASE)  # GFM makes « www.x.fr » a link by itself
_LINE_START = re.compile(r"^(\s*)([-+=>.]|\d+(?=[.)]))")


def short(text: object, limit: int = LABEL) -> str:
    """`text` cut to `limit` characters with « … » (bidi controls removed)."""
    value = neutralise_bidi("" if text is None else str(text))
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def md(text: object, limit: int | None = LABEL) -> str:
    """`text` as literal text inside Streamlit markdown, shortened to `limit` (None: whole)."""
    value = short(text, limit) if limit else neutralise_bidi(str(text))
    escaped = _SPECIAL.sub(r"\\\1", value.replace("\n", " ").replace("\r", " "))
    escaped = _LINE_START.sub(
        lambda m: f"{m[1]}\\{m[2]}" if not m[2].isdigit() else f"{m[1]}{m[2]}\\", escaped
    )
    escaped = _WWW.sub(rf"\1{WORD_JOINER}\\\2", escaped)
    return escaped.replace(":", ":" + WORD_JOINER)


def chart(text: object, limit: int | None = LABEL) -> str:
    """`text` as literal text in a plotly label or hover text, shortened to `limit`."""
    value = short(text, limit) if limit else neutralise_bidi(str(text))
    return html.escape(value, quote=False)


def tooltip(text: object) -> str:
    """A pydeck tooltip's text: shown as text by pydeck, only shortened here."""
    return short(text, TOOLTIP)
