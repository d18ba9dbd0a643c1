"""The meeting report: one self-contained HTML page to print or send before a committee.

Few numbers, each with a sentence in plain French, a few bar charts drawn as inline SVG from
the same domain functions as the pages, and the date and version of the data. No script, no
font, no image fetched from anywhere: the file opens offline, in any browser or mail client,
and prints on A4 (`@media print`). Every text taken from the data is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

from maillage.blockages import blockage_summary, still_blocking
from maillage.columns import as_dict
from maillage.coverage import blank_communes, coverage
from maillage.formats import counted, format_date, format_datetime, format_number, format_share
from maillage.model import Model
from maillage.overlaps import pooling_candidates, side_by_side_not_crossing
from maillage.texts import label, scheme_type_name
from maillage.transversality import bridging_actors, transversality
from maillage.vocabularies import VOCABULARIES

NEUTRAL = "#666666"
MAX_PAIRS = 15
MAX_LABEL = 44


@dataclass(frozen=True)
class ReportSource:
    """Where the numbers come from, printed on the report."""

    space: str
    version: int
    published_at: str  # ISO 8601
    territory: str  # French name of the perimeter, or « Tout le territoire »
    scheme_types: tuple[str, ...] | None = None


def meeting_report(
    model: Model,
    source: ReportSource,
    *,
    colours: Mapping[str, str] | None = None,
    now: datetime | None = None,
    proposals: Sequence[tuple[str, str | None]] = (),
) -> str:
    """`proposals`: the first five « pistes d'action » as (title, French status or None)."""
    colours = colours or {}
    today = (now or datetime.now(UTC)).isoformat()
    parts = [
        _header(source, today),
        _headlines(model),
        _coverage_chart(model, colours.get("social", NEUTRAL)),
        _fields_chart(model, colours),
        _proposals_section(proposals),
        _pairs_section(model),
        _blockages_chart(model, colours.get("alert", NEUTRAL)),
        f"<footer>Produit par maillage le {escape(format_datetime(today))} · espace « "
        f"{escape(source.space)} », version {source.version} · lecture seule.</footer>",
    ]
    title = f"Rapport de réunion — {_short(source.territory, 120)}"
    return (
        f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        + "".join(parts)
        + "</body></html>\n"
    )


def _header(source: ReportSource, today: str) -> str:
    types = (
        "Tous les types de dispositifs"
        if not source.scheme_types
        else "Dispositifs : " + ", ".join(map(scheme_type_name, source.scheme_types))
    )
    return (
        f'<header><p class="kicker">Rapport de réunion</p>'
        f"<h1>{escape(_short(source.territory, 120))}</h1>"
        f'<p class="source">Données : espace « {escape(source.space)} », version '
        f"{source.version} publiée le {escape(format_datetime(source.published_at))}. "
        f"{escape(types)}. Rapport du {escape(format_date(today))}.</p></header>"
    )


def headline_cards(model: Model) -> list[tuple[str, str, str]]:
    """(value, what, sentence) per card of « L’essentiel », for the report and the dossier."""
    territory = model.territory
    blank = blank_communes(model)
    share = transversality(model)["share"]
    bridging = bridging_actors(model)
    blockages = still_blocking(model)
    cards = [
        (
            format_number(len(territory)),
            "communes",
            f"{format_number(model.population(territory))} habitants.",
        ),
        (
            format_number(len(model.actors)),
            "acteurs",
            "structures et personnes à l’interface recensées.",
        ),
        (
            format_number(len(model.schemes)),
            "dispositifs",
            "programmes publics présents sur le territoire.",
        ),
        (
            format_share(share),
            "de dispositifs transversaux",
            "réunissent des acteurs du social et du développement local.",
        ),
        (format_number(len(blank)), "communes blanches", "aucun dispositif social ne les couvre."),
        (
            format_number(len(bridging)),
            "acteurs passerelles",
            "prennent part à des dispositifs sociaux et de développement local.",
        ),
        (format_number(blockages.count), "blocages non levés", blockages.sentence()),
    ]
    return cards


def _headlines(model: Model) -> str:
    cards = headline_cards(model)
    items = "".join(
        f'<div class="card"><strong>{escape(value)}</strong> '
        f"<span>{escape(what)}</span><p>{escape(sentence)}</p></div>"
        for value, what, sentence in cards
    )
    return f'<section><h2>L’essentiel</h2><div class="cards">{items}</div></section>'


def _bars(rows: Sequence[tuple[str, float, str, str]], *, maximum: float | None = None) -> str:
    """Horizontal bars as inline SVG: (label, value, text shown, colour) per row."""
    if not rows:
        return '<p class="empty">Rien à montrer pour ce territoire.</p>'
    top = maximum or max((value for _, value, _, _ in rows), default=0) or 1
    line, label_width, bar_width = 28, 340, 300
    height = line * len(rows) + 4
    shapes = []
    for i, (name, value, text, colour) in enumerate(rows):
        y = i * line + 4
        width = max(0.0, min(value / top, 1.0)) * bar_width
        shapes.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(_short(name))}"
            f'</text><rect x="{label_width}" y="{y}" width="{width:.1f}" height="20" '
            f'fill="{escape(colour)}"><title>{escape(name)} : {escape(text)}</title></rect>'
            f'<text x="{label_width + width + 6:.1f}" y="{y + 15}">{escape(text)}</text>'
        )
    total = label_width + bar_width + 70
    return (
        f'<svg role="img" viewBox="0 0 {total} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="13">{"".join(shapes)}</svg>'
    )


def _short(name: str, limit: int = MAX_LABEL) -> str:
    """Bar labels stay inside the drawing; the full name is in the bar's tooltip."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def coverage_bars(model: Model, colour: str = NEUTRAL) -> list[tuple[str, float, str, str]]:
    table = coverage(model)
    return [
        (scheme_type_name(t), float(s), format_share(s), colour)
        for t, s in zip(table["type"], table["communes_share"], strict=True)
    ]


def field_bars(
    model: Model, colours: Mapping[str, str] | None = None
) -> list[tuple[str, float, str, str]]:
    colours = colours or {}
    counts = model.actors["champ"].value_counts()
    return [
        (
            label("field", f),
            float(counts.get(f, 0)),
            format_number(int(counts.get(f, 0))),
            colours.get(f, NEUTRAL),
        )
        for f in VOCABULARIES["field"]
    ]


def blockage_bars(model: Model, colour: str = NEUTRAL) -> list[tuple[str, float, str, str]]:
    summary = blockage_summary(model)
    return [
        (label("blockage_category", c), float(n), format_number(n), colour)
        for c, n in summary["by_category"].items()
    ]


def lifted_sentence(model: Model) -> str:
    lifted = blockage_summary(model)["lifted_share"]
    return (
        "Aucun blocage signalé sur ce territoire."
        if lifted is None
        else f"{format_share(lifted)} des blocages signalés sont levés."
    )


def scheme_pairs(model: Model) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Pooling candidates and side-by-side pairs, by scheme name."""
    names = as_dict(model.schemes["nom"])

    def named(pairs):
        return [(str(names.get(a, a)), str(names.get(b, b))) for a, b in pairs]

    return named(pooling_candidates(model)), named(side_by_side_not_crossing(model))


# section titles and captions shared by the HTML report and the PDF dossier
SECTIONS = {
    "coverage": (
        "Couverture des communes par type de dispositif",
        "Part des communes du territoire couvertes par au moins un dispositif de chaque type.",
    ),
    "fields": (
        "Acteurs par champ",
        "Social, développement local, et celles et ceux qui travaillent « entre les deux ».",
    ),
    "pairs": ("Dispositifs qui se côtoient", ""),
    "pooling": (
        "À mutualiser",
        "Mêmes communes (au moins la moitié), calendriers qui se "
        "recouvrent et au moins une thématique commune : une gouvernance, un "
        "diagnostic.",
    ),
    "apart": (
        "Côte à côte sans se croiser",
        "Mêmes communes (au moins la moitié), mais aucun acteur en commun.",
    ),
    "blockages": ("Ce qui bloque", ""),
}


EMPTY_PAIRS = {
    "pooling": "Aucune paire de dispositifs à mutualiser.",
    "apart": "Aucune paire de dispositifs côte à côte sans acteur commun.",
}


def _coverage_chart(model: Model, colour: str) -> str:
    rows = coverage_bars(model, colour)
    title, caption = SECTIONS["coverage"]
    return f"<section><h2>{title}</h2><p>{caption}</p>" + _bars(rows, maximum=1.0) + "</section>"


def _fields_chart(model: Model, colours: Mapping[str, str]) -> str:
    rows = field_bars(model, colours)
    title, caption = SECTIONS["fields"]
    return f"<section><h2>{title}</h2><p>{caption}</p>" + _bars(rows) + "</section>"


def _pairs_section(model: Model) -> str:
    def listing(pairs: list[tuple[str, str]], empty: str) -> str:
        if not pairs:
            return f'<p class="empty">{escape(empty)}</p>'
        items = "".join(
            f"<li>{escape(_short(a, 120))} et {escape(_short(b, 120))}</li>"
            for a, b in pairs[:MAX_PAIRS]
        )
        rest = counted(len(pairs) - MAX_PAIRS, "autre paire", "autres paires")
        more = f"<li>… et {rest}.</li>" if len(pairs) > MAX_PAIRS else ""
        return f"<ul>{items}{more}</ul>"

    pooling, apart = scheme_pairs(model)
    return (
        f"<section><h2>{SECTIONS['pairs'][0]}</h2>"
        f"<h3>{SECTIONS['pooling'][0]} ({format_number(len(pooling))})</h3>"
        f"<p>{SECTIONS['pooling'][1]}</p>"
        + listing(pooling, EMPTY_PAIRS["pooling"])
        + f"<h3>{SECTIONS['apart'][0]} ({format_number(len(apart))})</h3>"
        f"<p>{SECTIONS['apart'][1]}</p>" + listing(apart, EMPTY_PAIRS["apart"]) + "</section>"
    )


def _proposals_section(proposals: Sequence[tuple[str, str | None]]) -> str:
    if not proposals:
        return ""
    items = "".join(
        f"<li>{escape(title)} — <em>{escape(status or 'sans décision')}</em></li>"
        for title, status in proposals
    )
    return (
        "<section><h2>Pistes d’action prioritaires</h2><p>Les premières actions que les "
        "données suggèrent, et où en est la décision du comité.</p>"
        f"<ol>{items}</ol></section>"
    )


def _blockages_chart(model: Model, colour: str) -> str:
    rows = blockage_bars(model, colour)
    sentence = lifted_sentence(model)
    return (
        f"<section><h2>{SECTIONS['blockages'][0]}</h2><p>{escape(sentence)}</p>"
        + _bars(rows)
        + "</section>"
    )


_CSS = """
body { font-family: "Source Sans Pro", "Segoe UI", Arial, sans-serif; color: #1a1a1a;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; font-size: 17px; line-height: 1.4; }
h1 { font-size: 2rem; margin: .2rem 0; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; margin-bottom: .2rem; }
.kicker { text-transform: uppercase; letter-spacing: .08em; color: #555; margin: 0; }
.source, footer, .empty { color: #555; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .8rem; }
.card { border: 1px solid #ccc; border-radius: .4rem; padding: .6rem .8rem; break-inside: avoid; }
.card strong { font-size: 2rem; display: block; }
.card p { margin: .3rem 0 0; color: #444; font-size: .95rem; }
svg text { fill: #1a1a1a; }
footer { margin-top: 2rem; border-top: 1px solid #ddd; padding-top: .5rem; font-size: .9rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  section { break-inside: avoid; }
  h2 { break-after: avoid; }
  @page { size: A4; margin: 15mm; }
}
"""
