"""Workbook text is text on every page (finding 9 of issue 18): no markdown, HTML or link made
from data in what Streamlit sends, no bidi override, no name too long for a screen.

Every page is walked in AppTest as the local analyst (import and share pages included) on
tests/hostile_text.py, and each element's body is read from the delta."""

import json
import re
from xml.etree import ElementTree

import pytest

from maillage.bidi import BIDI_CONTROLS, neutralise_bidi
from maillage.exports import csv_bytes
from maillage.publishing import import_files
from maillage.store import Store
from maillage.ui import display, maps
from tests.hostile_text import LONG, RTL, TRAP, hostile_sheets
from tests.page_walk import ANALYST_PAGES, READ_ONLY_PAGES, _strings, walk
from tests.workbooks import xlsx_bytes

# What markdown or HTML would make of data, once the backslash-escaped characters are gone.
INTERPRETED = (
    "![x]",
    "![f]",
    f"](http://{TRAP}",
    "<a href",
    "<img",
    ":material/warning:",
    ":red[",
    "**gras**",
    "www.piege",
    f"http://{TRAP}",
    "@piege",
)
PLAIN_FIELDS = {"options", "default", "value", "raw_values", "formatted_value"}


@pytest.fixture(scope="module")
def hostile_walk(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "maillage.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MAILLAGE_DB", str(db))
        patch.setenv("MAILLAGE_AUTH", "off")  # the local analyst, as `make run` (conftest)
        patch.delenv("MAILLAGE_URL", raising=False)
        name = f"![f](http://{TRAP}/f.png){RTL}.xlsx"
        outcome = import_files(Store(db), "principal", [(name, xlsx_bytes(hostile_sheets()))])
        assert outcome.version is not None, [p.message for p in outcome.validation.problems]
        from streamlit.testing.v1.util import patch_config_options

        with patch_config_options({"server.address": "127.0.0.1"}):
            yield walk(pages=(*READ_ONLY_PAGES, *ANALYST_PAGES))


def _markdown_strings(value, out: list[str], plain: bool = False) -> None:
    """Strings of a proto dict that Streamlit renders as markdown (widget options are not)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _markdown_strings(item, out, plain or key in PLAIN_FIELDS)
    elif isinstance(value, list):
        for item in value:
            _markdown_strings(item, out, plain)
    elif isinstance(value, str) and not plain:
        out.append(value)


def _unescaped(text: str) -> str:
    return re.sub(r"\\.", "", text, flags=re.DOTALL)


def _plotly_and_decks(screen):
    return [
        (kind, proto)
        for kind, proto in screen.elements
        if kind in ("plotly_chart", "deck_gl_json_chart")
    ]


def test_every_page_was_walked(hostile_walk):
    assert [s.page for s in hostile_walk.screens] == ["", *READ_ONLY_PAGES, *ANALYST_PAGES]
    blockages = next(s for s in hostile_walk.screens if s.page == "blockages.py")
    literal = re.sub(r"\\(.)", r"\1", blockages.text).replace(display.WORD_JOINER, "")
    assert "elcyc-éR" in literal  # the hostile words are shown, as text


def test_no_markdown_or_html_is_interpreted_from_data(hostile_walk):
    for screen in hostile_walk.screens:
        for kind, proto in screen.elements:
            if kind in ("plotly_chart", "deck_gl_json_chart", "text", "code"):
                continue  # charts are checked below; st.text and st.code show text as is
            bodies: list[str] = []
            if kind in ("selectbox", "multiselect", "radio"):  # options are plain text there;
                proto = {k: proto.get(k) for k in ("label", "help")}  # only these are markdown
            _markdown_strings(proto, bodies)
            for body in bodies:
                if proto.get("allow_html") and DRAWING in body:  # data only as escaped text
                    assert _drawing_elements(body) <= DRAWN_TAGS, screen.page
                    assert _styles(body) == [maps.TAP_STYLE], screen.page  # ours only
                    continue
                if proto.get("allow_html"):  # our own CSS and legend: no data in them at all
                    assert TRAP not in body and "onerror" not in body, (screen.page, body[:200])
                    continue
                cleaned = _unescaped(body)
                found = [t for t in INTERPRETED if t in cleaned]
                assert not found, (screen.page or "synthese", kind, found, body[:300])


DRAWING = 'class="maillage-dessin"'  # maillage.ui.maps.svg
# Shapes with their titles, and the band where a tapped shape is named (text, tspan, our own
# constant style: a name never adds an element).
DRAWN_TAGS = {"div", "style", "svg", "g", "path", "circle", "title", "text", "tspan"}


def _drawing_elements(body: str) -> set[str]:
    """The tags of a drawing, parsed as XML: any tag a name brought in would be there."""
    return {element.tag.rpartition("}")[2] for element in ElementTree.fromstring(body).iter()}


def _styles(body: str) -> list[str]:
    """Each style element of a drawing, as it was written."""
    return [f"<style>{e.text}</style>" for e in ElementTree.fromstring(body).iter("style")]


def test_a_drawing_holds_the_data_as_text(hostile_walk):
    """The maps drawn as SVG (pair of schemes, split perimeters) show the hostile names in
    the band that names a shape as text (the tags checked above): it reads them back whole."""
    titles = [
        element.text or ""
        for screen in hostile_walk.screens
        for kind, proto in screen.elements
        if kind == "markdown" and DRAWING in (proto.get("body") or "")
        for element in ElementTree.fromstring(proto["body"]).iter()
        if element.tag.endswith("tspan")
    ]
    assert any(f"http://{TRAP}" in title for title in titles)  # a perimeter's name, as text


def test_chart_labels_and_hovers_hold_no_tag_from_data(hostile_walk):
    for screen in hostile_walk.screens:
        for kind, proto in _plotly_and_decks(screen):
            strings: list[str] = []
            _strings(proto, strings)
            if kind == "deck_gl_json_chart":
                # Streamlit sets a `text` tooltip with innerText; an `html` one with innerHTML
                tooltip = json.loads(proto.get("tooltip") or "{}")
                assert "html" not in tooltip and "text" in tooltip, screen.page
                continue
            joined = "\n".join(strings).lower()
            raw = [m for m in re.findall(r".{0,60}<(?:a|img)\b.{0,60}", joined)]
            assert not raw, (screen.page, kind, raw)
            assert max(map(len, strings)) < 2 * display.TOOLTIP, screen.page


def test_map_tooltips_are_short(hostile_walk):
    for screen in hostile_walk.screens:
        for kind, proto in _plotly_and_decks(screen):
            if kind != "deck_gl_json_chart":
                continue
            deck = json.loads(proto["json"])
            for layer in deck["layers"]:
                for record in layer.get("data") or []:
                    for field in ("label", "detail", "nom", "what"):
                        if isinstance(record, dict) and field in record:
                            assert len(record[field]) <= display.TOOLTIP, (screen.page, field)


def test_no_bidi_control_reaches_a_page_or_a_download(hostile_walk):
    for screen in hostile_walk.screens:
        assert not set(screen.text) & set(BIDI_CONTROLS), screen.page
    for name, text in hostile_walk.downloads.items():
        assert RTL not in text, name


def test_long_names_are_shortened_outside_tables(hostile_walk):
    for screen in hostile_walk.screens:
        for kind, proto in screen.elements:
            strings: list[str] = []
            _markdown_strings(proto, strings)
            assert not [s for s in strings if LONG.strip() in s], (screen.page, kind)
    # the whole name stays on demand: in the directory's table and its download
    directory = next(s for s in hostile_walk.screens if s.page == "who_does_what.py")
    assert LONG.strip() in directory.text
    assert any(
        LONG.strip() in t
        for n, t in hostile_walk.downloads.items()
        if n.endswith("qui-fait-quoi.xlsx")
    )


def test_escaping_helpers_by_hand():
    assert display.md("a*b_[c](d)") == r"a\*b\_\[c\]\(d\)"
    assert display.md(":red[x]") == "\\:\u2060red\\[x\\]"
    assert display.chart("<a href='x'>y</a> & z") == "&lt;a href='x'&gt;y&lt;/a&gt; &amp; z"
    assert display.short("x" * 100, 10) == "x" * 9 + "…"
    assert neutralise_bidi(f"ab{RTL}cd\u2066e\u2069") == "abcde"
    assert (
        csv_bytes(__import__("pandas").DataFrame({"n": [f"a{RTL}b"]}))
        .decode("utf-8-sig")
        .splitlines()[1]
        == "ab"
    )
