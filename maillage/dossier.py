"""The committee's dossier: one PDF, built on the server, to print or read on a phone.

The same content as the meeting report (`maillage.report`: headline numbers, coverage,
fields, schemes side by side, blockages), plus a map of the territory drawn as vectors
(`maillage.static_map`), the changes since a chosen version (`maillage.changes`), and on every
page its number, the date (Europe/Paris), the space and the version — and the share link's
scope when the dossier comes through one.

Rendered with fpdf2: pure Python (its only needs are fontTools and Pillow, both wheels), so
`pip install` is enough on a fresh machine, no pango, cairo or browser. The font (DejaVu Sans)
ships in `maillage/fonts/`; nothing is fetched. Headings and the map are tagged (document
outline, a Figure with its alternative text); text from the data is drawn as text, never
interpreted.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from maillage.changes import Changes, headline, indicator_rows
from maillage.columns import as_dict
from maillage.formats import PARIS, counted, format_date, format_datetime, format_number
from maillage.model import Model
from maillage.report import (
    EMPTY_PAIRS,
    MAX_PAIRS,
    SECTIONS,
    blockage_bars,
    coverage_bars,
    field_bars,
    headline_cards,
    lifted_sentence,
    scheme_pairs,
)
from maillage.static_map import StaticMap, Style, territory_map

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu Sans"  # the SVG map names the same family
INK, MUTED, RULE, BAR = (26, 26, 26), (85, 85, 85), (200, 200, 200), (110, 110, 110)
MAX_LISTED = 12


class EmptyDossier(ValueError):
    """Nothing to put in a dossier; the message says why and what to do, in French."""


@dataclass(frozen=True)
class DossierSource:
    space: str
    version: int
    published_at: str  # ISO 8601
    territory: str  # French name of the perimeter, or « Tout le territoire »
    scope: str | None = None  # a share link's perimeter name: said on every page
    scheme_types: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Proposal:
    """A proposal as the dossier lists it (SPEC §3.2): its sentence and its status."""

    title: str
    status: str | None


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} / {{nb}}", align="R")


def committee_dossier(
    model: Model,
    source: DossierSource,
    *,
    changes: Changes | None = None,
    previous: Model | None = None,
    proposals: Sequence[Proposal] = (),
    now: datetime | None = None,
) -> bytes:
    """The PDF of `model` (already restricted to what the reader may see); `changes` since an
    earlier version, whose names of removed rows come from `previous`."""
    if not model.territory:
        raise EmptyDossier(
            "Ce territoire ne compte aucune commune : il n’y a rien à mettre dans un dossier. "
            "Publiez un classeur dont les périmètres listent des communes, ou choisissez un "
            "autre territoire."
        )
    today = (now or datetime.now(UTC)).astimezone(PARIS)
    pdf = _document(source, today)
    _cover(pdf, source, today, changes)
    _cards(pdf, model)
    _map(pdf, model)
    if changes is not None:
        _changes(pdf, changes, model, previous or model)
    if proposals:
        _proposals(pdf, proposals)
    _report(pdf, model)
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def _document(source: DossierSource, today: datetime) -> _Pdf:
    pdf = _Pdf(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(FAMILY, fname=str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, style="B", fname=str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_lang("fr-FR")
    pdf.set_title(f"Dossier du comité — {source.territory}")
    pdf.set_creator("maillage")
    pdf.set_creation_date(today)
    scope = f" · lien de partage limité à « {source.scope} »" if source.scope else ""
    pdf.footer_text = (
        f"maillage · {format_datetime(today, zone=True)} · espace "
        f"« {source.space} », version {source.version}{scope}"
    )
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def _text(
    pdf: _Pdf,
    text: str,
    size: float = 10,
    *,
    bold: bool = False,
    colour: tuple[int, int, int] = INK,
    height: float | None = None,
) -> None:
    pdf.set_font(FAMILY, style="B" if bold else "", size=size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, height or size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: _Pdf, title: str, level: int = 0) -> None:
    size = 15 if level == 0 else 12
    if pdf.will_page_break(size * 2.2):
        pdf.add_page()
    pdf.ln(3 if level else 5)
    pdf.set_font(FAMILY, style="B", size=size)
    pdf.set_text_color(*INK)
    pdf.start_section(title, level=level)
    pdf.multi_cell(0, size * 0.5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if level == 0:
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.4)
        pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
        pdf.ln(3)
    else:
        pdf.ln(1)


def _cover(pdf: _Pdf, source: DossierSource, today: datetime, changes: Changes | None) -> None:
    _text(pdf, "DOSSIER DU COMITÉ", 9, colour=MUTED)
    pdf.set_font(FAMILY, style="B", size=22)
    pdf.set_text_color(*INK)
    pdf.start_section(source.territory, level=0, strict=False)
    pdf.multi_cell(0, 10, source.territory, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    types = (
        "Tous les types de dispositifs"
        if not source.scheme_types
        else "Dispositifs : " + ", ".join(source.scheme_types)
    )
    scope = (
        f" Lien de partage : seul le territoire « {source.scope} » est montré."
        if source.scope
        else ""
    )
    _text(
        pdf,
        f"Données : espace « {source.space} », version {source.version} publiée le "
        f"{format_datetime(source.published_at)}. {types}. Dossier du "
        f"{format_date(today)}.{scope}",
        9.5,
        colour=MUTED,
    )
    if changes is not None:
        pdf.ln(3)
        pdf.set_fill_color(240, 240, 240)
        pdf.set_font(FAMILY, style="B", size=11)
        pdf.set_text_color(*INK)
        pdf.multi_cell(
            0,
            6,
            headline(changes),
            fill=True,
            padding=2,
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )


def _cards(pdf: _Pdf, model: Model) -> None:
    _heading(pdf, "L’essentiel")
    width = (pdf.epw - 8) / 3
    cards = headline_cards(model)
    for row in range(0, len(cards), 3):
        if pdf.will_page_break(28):
            pdf.add_page()
        top = pdf.get_y()
        for column, (value, what, sentence) in enumerate(cards[row : row + 3]):
            x = pdf.l_margin + column * (width + 4)
            pdf.set_draw_color(*RULE)
            pdf.rect(x, top, width, 26)
            pdf.set_xy(x + 2, top + 2)
            pdf.set_font(FAMILY, style="B", size=15)
            pdf.set_text_color(*INK)
            pdf.cell(width - 4, 7, value, new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_font(FAMILY, style="B", size=8.5)
            pdf.cell(width - 4, 4.5, what, new_x=XPos.LEFT, new_y=YPos.NEXT)
            pdf.set_font(FAMILY, size=7.5)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(width - 4, 3.6, sentence, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_xy(pdf.l_margin, top + 29)


def _map(pdf: _Pdf, model: Model) -> None:
    """On the first page when at least two thirds of it fit there, else at the top of the
    next one; never taller than a page."""
    drawing = territory_map(model)
    ratio = drawing.height / drawing.width
    page = pdf.page_break_trigger - pdf.t_margin - 55  # heading, caption, legend
    height = min(pdf.epw * ratio, page)
    room = pdf.page_break_trigger - pdf.get_y() - 55
    if room >= height * 2 / 3:
        height = min(height, room)
    else:
        pdf.add_page()
    _heading(pdf, "Carte du territoire")
    _text(
        pdf,
        "Chaque commune est teintée selon le nombre de dispositifs qui la couvrent (plus "
        "c’est foncé, plus il y en a). Les communes blanches — qu’aucun dispositif social ne "
        "couvre — sont entourées de pointillés.",
        9,
        colour=MUTED,
    )
    pdf.ln(2)
    width = height / ratio
    left = pdf.l_margin + (pdf.epw - width) / 2
    top = pdf.get_y()
    marked = getattr(pdf, "_marked_sequence", None)  # fpdf2 tags images only: reuse it
    with (
        marked(title="Carte du territoire", alt_text=drawing.description)
        if marked
        else (nullcontext())
    ):
        _draw_map(pdf, drawing, left, top, width / drawing.width)
    pdf.set_y(top + height + 3)
    _legend(pdf, drawing)
    pdf.ln(2)


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _apply(pdf: _Pdf, style: Style, unit: float = 1.0) -> str:
    """Set colours, width and dashes for `style`; the fpdf2 render style to draw with."""
    if style.fill:
        pdf.set_fill_color(*_rgb(style.fill))
    if style.stroke:
        pdf.set_draw_color(*_rgb(style.stroke))
        pdf.set_line_width(max(style.width * unit, 0.05))
    if style.dash:
        pdf.set_dash_pattern(dash=style.dash[0] * unit, gap=style.dash[1] * unit)
    else:
        pdf.set_dash_pattern()
    return ("DF" if style.stroke else "F") if style.fill else "D"


def _draw_map(pdf: _Pdf, drawing: StaticMap, left: float, top: float, unit: float) -> None:
    """The map's groups as PDF paths (as vectors: zoomable, printable, searchable legend)."""
    for group in drawing.groups:
        render = _apply(pdf, group.style, unit)
        for ring in group.rings:
            pdf.polygon([(left + x * unit, top + y * unit) for x, y in ring], style=render)
    pdf.set_dash_pattern()


def _legend(pdf: _Pdf, drawing: StaticMap) -> None:
    column = pdf.epw / 2
    pdf.set_font(FAMILY, size=8)
    pdf.set_text_color(*INK)
    for k, (style, text) in enumerate(drawing.legend):
        if k % 2 == 0:
            if k:
                pdf.ln(5.5)
            if pdf.will_page_break(6):
                pdf.add_page()
            y = pdf.get_y()
        x = pdf.l_margin + (k % 2) * column
        render = _apply(pdf, style, 0.35)
        pdf.rect(x, y + 0.6, 5, 3.6, style=render)
        pdf.set_dash_pattern()
        pdf.set_xy(x + 7, y)
        pdf.cell(column - 8, 5, text)
    pdf.ln(7)
    length, km = drawing.scale
    unit = pdf.epw / drawing.width
    y = pdf.get_y() + 1
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.4)
    pdf.line(pdf.l_margin, y, pdf.l_margin + length * unit, y)
    for x in (pdf.l_margin, pdf.l_margin + length * unit):
        pdf.line(x, y - 1.2, x, y + 1.2)
    pdf.set_xy(pdf.l_margin + length * unit + 2, y - 2.5)
    pdf.cell(30, 5, f"{format_number(km)} km", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _listing(pdf: _Pdf, title: str, items: list[str]) -> None:
    if not items:
        return
    shown = items[:MAX_LISTED]
    more = (
        f" … et {counted(len(items) - MAX_LISTED, 'autre', 'autres')}."
        if len(items) > MAX_LISTED
        else ""
    )
    pdf.set_font(FAMILY, style="B", size=9.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(
        0, 5, f"{title} ({format_number(len(items))})", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    _text(pdf, " · ".join(shown) + more, 9, height=4.6)
    pdf.ln(1.5)


def _names(model: Model, table: str, ids) -> list[str]:
    frame = model.actors if table == "acteurs" else model.schemes
    names = as_dict(frame["nom"])
    return [str(names.get(i, i)) for i in ids]


def _changes(pdf: _Pdf, changes: Changes, model: Model, previous: Model) -> None:
    _heading(pdf, f"Ce qui a changé depuis la version {changes.before}")
    _text(pdf, headline(changes), 10, height=5)
    pdf.ln(2)
    _heading(pdf, "Les indicateurs, avant → après", level=1)
    rows = indicator_rows(changes)
    pdf.set_font(FAMILY, size=9.5)
    for name, before, after, meaning in rows:
        if pdf.will_page_break(6):
            pdf.add_page()
        pdf.set_text_color(*INK)
        pdf.set_font(FAMILY, style="B", size=9.5)
        pdf.cell(70, 5.5, name)
        pdf.set_font(FAMILY, size=9.5)
        pdf.cell(45, 5.5, f"{before} → {after}")
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 5.5, meaning, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    if not changes.empty:
        _heading(pdf, "Les changements, ligne à ligne", level=1)
    actors, schemes = changes.sheet("acteurs"), changes.sheet("dispositifs")
    _listing(pdf, "Acteurs ajoutés", _names(model, "acteurs", actors.added))
    _listing(pdf, "Acteurs retirés", _names(previous, "acteurs", actors.removed))
    _listing(pdf, "Dispositifs ajoutés", _names(model, "dispositifs", schemes.added))
    _listing(pdf, "Dispositifs retirés", _names(previous, "dispositifs", schemes.removed))
    _listing(
        pdf, "Dispositifs modifiés", _names(model, "dispositifs", [m.id for m in schemes.modified])
    )
    participations = changes.sheet("participations")
    _listing(pdf, "Participations gagnées", _participations(model, participations.added))
    _listing(pdf, "Participations perdues", _participations(previous, participations.removed))
    perimeter_names = as_dict(model.perimeters["nom"])
    _listing(
        pdf,
        "Périmètres redessinés",
        [
            f"{perimeter_names.get(pid, pid)} ({counted(len(c.added), 'commune')} en plus, "
            f"{format_number(len(c.removed))} en moins)"
            for pid, c in changes.perimeter_communes.items()
        ],
    )
    described = as_dict(model.blockages["description"])
    _listing(pdf, "Blocages levés", [str(described.get(b, b)) for b in changes.lifted])
    gained, lost = changes.gained_and_lost("blank_communes")
    communes = {**as_dict(previous.communes["nom"]), **as_dict(model.communes["nom"])}
    _listing(pdf, "Nouvelles communes blanches", [str(communes.get(c, c)) for c in gained])
    _listing(pdf, "Communes qui ne sont plus blanches", [str(communes.get(c, c)) for c in lost])


def _participations(model: Model, keys) -> list[str]:
    actors, schemes = as_dict(model.actors["nom"]), as_dict(model.schemes["nom"])
    return [f"{actors.get(a, a)} dans {schemes.get(d, d)} ({role})" for d, a, role in keys]


def _proposals(pdf: _Pdf, proposals: Sequence[Proposal]) -> None:
    _heading(pdf, "Pistes d’action")
    for proposal in proposals:
        status = f" — {proposal.status}" if proposal.status else " — sans décision"
        _text(pdf, f"• {proposal.title}{status}", 9.5, height=5)


def _bars(pdf: _Pdf, rows: list[tuple[str, float, str, str]], maximum: float | None = None) -> None:
    if not rows:
        _text(pdf, "Rien à montrer pour ce territoire.", 9, colour=MUTED)
        return
    top = maximum or max((value for _, value, _, _ in rows), default=0) or 1
    label_width, bar_width = 75.0, pdf.epw - 75.0 - 22
    for name, value, shown, _colour in rows:
        if pdf.will_page_break(6):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_font(FAMILY, size=8.5)
        pdf.set_text_color(*INK)
        pdf.cell(label_width - 2, 5, name if len(name) <= 48 else name[:47] + "…", align="R")
        width = max(0.0, min(value / top, 1.0)) * bar_width
        pdf.set_fill_color(*BAR)
        if width > 0:
            pdf.rect(pdf.l_margin + label_width, y + 0.7, width, 3.6, style="F")
        pdf.set_xy(pdf.l_margin + label_width + width + 2, y)
        pdf.cell(20, 5, shown, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _report(pdf: _Pdf, model: Model) -> None:
    title, caption = SECTIONS["coverage"]
    _heading(pdf, title)
    _text(pdf, caption, 9, colour=MUTED)
    pdf.ln(1)
    _bars(pdf, coverage_bars(model), maximum=1.0)
    title, caption = SECTIONS["fields"]
    _heading(pdf, title)
    _text(pdf, caption, 9, colour=MUTED)
    pdf.ln(1)
    _bars(pdf, field_bars(model))
    _heading(pdf, SECTIONS["pairs"][0])
    pooling, apart = scheme_pairs(model)
    for key, pairs in (("pooling", pooling), ("apart", apart)):
        title, caption = SECTIONS[key]
        _heading(pdf, f"{title} ({format_number(len(pairs))})", level=1)
        _text(pdf, caption, 9, colour=MUTED)
        if not pairs:
            _text(pdf, EMPTY_PAIRS[key], 9.5)
        for a, b in pairs[:MAX_PAIRS]:
            _text(pdf, f"• {a} et {b}", 9.5, height=4.8)
        if len(pairs) > MAX_PAIRS:
            _text(
                pdf, f"… et {counted(len(pairs) - MAX_PAIRS, 'autre paire', 'autres paires')}.", 9.5
            )
    _heading(pdf, SECTIONS["blockages"][0])
    _text(pdf, lifted_sentence(model), 9.5)
    pdf.ln(1)
    _bars(pdf, blockage_bars(model))


def whole_territory_name(model: Model) -> str:
    """The name of the perimeter that covers the whole territory (the largest, when several
    do, as a département beside its EPCI), else « Tout le territoire »."""
    territory = frozenset(model.territory)
    whole = [pid for pid, codes in model.perimeter_communes.items() if codes == territory]
    if not whole:
        return "Tout le territoire"
    return str(model.perimeters.loc[sorted(whole)[0], "nom"])


def dossier_for(
    store,
    space: str,
    *,
    perimeter: str | None = None,
    since: int | None = None,
    scope: str | None = None,
    scheme_types: tuple[str, ...] | None = None,
    hide_persons: bool = False,
    proposals: Sequence[Proposal] | None = None,
    now: datetime | None = None,
) -> bytes:
    """The dossier of the latest version of `space`, from the command line or a page
    (`proposals`: the page's own, already listed; None: the first five of the version).

    `scope` is a share link's perimeter: applied first, and said on every page; `perimeter`
    then narrows what is shown. Raises KeyError for a perimeter the version does not hold."""
    from maillage.changes import compare_in_store
    from maillage.model import build_model

    info = store.version(space)
    tables = store.load(space, info.version)
    full = build_model(tables)
    for asked in (scope, perimeter):
        if asked is not None and asked not in full.perimeters.index:
            raise KeyError(asked)
    names = as_dict(full.perimeters["nom"])
    if hide_persons:  # as every page of such a view: persons shown as their role
        from maillage.persons import hide_persons as as_roles

        model = as_roles(full)
    else:
        model = full
    model = model.restrict(perimeter=scope) if scope else model
    model = model.restrict(perimeter=perimeter, scheme_types=scheme_types)
    shown = perimeter or scope
    source = DossierSource(
        space,
        info.version,
        info.published_at,
        str(names[shown]) if shown else whole_territory_name(full),
        scope=str(names[scope]) if scope else None,
        scheme_types=scheme_types,
    )
    changes = previous = None
    if since is not None:
        changes, previous, _ = compare_in_store(
            store,
            space,
            since,
            info.version,
            scope=scope,
            perimeter=perimeter,
            models=lambda version: full if version == info.version else None,
            hide_persons=hide_persons,
        )
    if proposals is None:
        proposals = top_proposals(store, space, info, model, full)
    return committee_dossier(
        model, source, changes=changes, previous=previous, proposals=proposals, now=now
    )


TOP_PROPOSALS = 5  # as many as the meeting report lists


def top_proposals(store, space: str, info, model: Model, whole: Model) -> list[Proposal]:
    """The first proposals of `model` with the committee's status (SPEC §3.2), read from the
    same models as the rest of the dossier (their proposals are drafted once)."""
    from maillage.decisions import STATUS_LABELS, latest
    from maillage.proposals.listing import listing, reference_day

    found = listing(
        model,
        space=space,
        version=info.version,
        today=reference_day(info.published_at),
        decisions=latest(store, space),
        whole=whole,
        limit=TOP_PROPOSALS,
    )
    return [Proposal(p.title, STATUS_LABELS.get(found.status(p.id) or "")) for p in found.proposals]
