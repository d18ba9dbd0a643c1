"""Download buttons every page can call: the current view's table as .xlsx and .csv, and the
one-click meeting report. Files are built when clicked (`data` is a callable), from what the
page shows — already restricted to the sidebar filters and to a share link's perimeter.

A click runs the callable without a script run, so without the frame's check: `checked()`
asks again, at the click, whether the link or the session still holds, and hands a French
refusal in the file's own format instead of the data when it does not."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from maillage.exports import CSV_MIME, XLSX_MIME, csv_bytes, xlsx_bytes
from maillage.formats import format_datetime
from maillage.report import ReportSource, meeting_report
from maillage.texts import scheme_type_name
from maillage.ui import auth
from maillage.ui.frame import Context
from maillage.ui.style import ALERT, FIELD_COLOURS


def _slug(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]+", "-", name.strip().lower()).strip("-") or "tableau"


def _about(context: Context | None) -> dict[str, str]:
    if context is None or context.version is None:
        return {}
    return {
        "Espace de travail": context.space or "",
        "Version": str(context.version.version),
        "Publiée le": format_datetime(context.version.published_at, zone=True),
        "Territoire": territory_name(context),
        "Types de dispositifs": ", ".join(map(scheme_type_name, context.scheme_types or ()))
        or "Tous",
        "Exporté le": format_datetime(datetime.now(UTC), zone=True),
    }


def territory_name(context: Context) -> str:
    model = context.model
    if model is not None and model.scope is not None and model.scope in model.perimeters.index:
        return str(model.perimeters.loc[model.scope, "nom"])
    return "Tout le territoire"


def checked(context: Context | None, make, refused):
    """`make`, run at the click only if this page's access still holds; else `refused(why)`."""
    if context is None or context.access is None:
        return make
    still = auth.revalidator(context.access)

    def build():
        why = still()
        return refused(why) if why else make()

    return build


def checked_csv(context: Context | None, make):
    """`checked()` for a page's own CSV button."""
    return checked(context, make, lambda why: csv_bytes(_refusal_table(why)))


def _refusal_table(why: str) -> pd.DataFrame:
    return pd.DataFrame({"Message": [why]})


def refusal_html(why: str) -> str:
    from html import escape

    return (
        f'<!DOCTYPE html><html lang="fr"><meta charset="utf-8"><title>maillage</title>'
        f"<p>{escape(why)}</p></html>"
    )


def download_table(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    context: Context | None = None,
    *,
    csv: Callable[[pd.DataFrame], bytes] = csv_bytes,
) -> None:
    """Two buttons side by side: the table as .xlsx (with an « À propos » sheet saying which
    version and filters it comes from) and as .csv (`;`, for French Excel; `csv` writes it,
    formula-like cells made inert either way). `frame` may be a function: a long table is
    then built at the click only."""
    stem = _slug(name)
    make = frame if callable(frame) else (lambda: frame)
    left, right = st.columns(2)
    left.download_button(
        "Télécharger (.xlsx)",
        data=checked(
            context,
            lambda: xlsx_bytes({name: make()}, _about(context)),
            lambda why: xlsx_bytes({"Refus": _refusal_table(why)}, {}),
        ),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        icon=":material/table_view:",
        on_click="ignore",
        key=f"telecharger_xlsx_{stem}",
        help="Le tableau affiché, au format Excel, avec la version des données.",
    )
    right.download_button(
        "Télécharger (.csv)",
        data=checked(context, lambda: csv(make()), lambda why: csv_bytes(_refusal_table(why))),
        file_name=f"{stem}.csv",
        mime=CSV_MIME,
        icon=":material/download:",
        on_click="ignore",
        key=f"telecharger_csv_{stem}",
        help="Séparateur « ; », lisible directement par Excel.",
    )


def report_html(context: Context) -> str:
    assert context.model is not None and context.version is not None  # the button says so
    source = ReportSource(
        context.space or "",
        context.version.version,
        context.version.published_at,
        territory_name(context),
        context.scheme_types,
    )
    from maillage.decisions import STATUS_LABELS
    from maillage.ui import proposals

    found = proposals.listing(context)
    top = [
        (p.title, STATUS_LABELS.get(found.status(p.id) or "", None)) for p in found.proposals[:5]
    ]
    return meeting_report(
        context.model, source, colours={**FIELD_COLOURS, "alert": ALERT}, proposals=top
    )


def meeting_report_button(context: Context) -> None:
    """« Rapport de réunion »: a self-contained HTML page that prints well, for the meeting."""
    if context.model is None or context.version is None:
        return
    st.download_button(
        "Rapport de réunion",
        data=checked(context, lambda: report_html(context), refusal_html),
        file_name=f"rapport-{_slug(context.space or 'maillage')}-v{context.version.version}.html",
        mime="text/html",
        icon=":material/summarize:",
        on_click="ignore",
        key="rapport_reunion",
        type="primary",
        help="Une page à imprimer ou à envoyer avant la réunion : les chiffres clés, les "
        "graphiques et la version des données, pour le territoire et les filtres choisis.",
    )


def dossier_bytes(context: Context, since: int | None = None) -> bytes:
    from maillage.decisions import STATUS_LABELS
    from maillage.dossier import Proposal, dossier_for
    from maillage.ui import proposals

    found = proposals.listing(context)
    assert context.space is not None  # as listing() said
    top = [
        Proposal(p.title, STATUS_LABELS.get(found.status(p.id) or "", None))
        for p in found.proposals[:5]
    ]
    return dossier_for(
        context.store,
        context.space,
        perimeter=context.perimeter,
        since=since,
        scope=context.scope,
        scheme_types=context.scheme_types,
        hide_persons=context.hide_persons,
        proposals=top,
    )


def dossier_button(context: Context, since: int | None = None) -> None:
    """« Télécharger le dossier (PDF) »: the committee's dossier, built when clicked, for the
    territory and filters shown (a share link's scope included)."""
    if context.model is None or context.version is None or not context.model.territory:
        return
    name = f"dossier-{_slug(context.space or 'maillage')}-v{context.version.version}"
    st.download_button(
        "Télécharger le dossier (PDF)",
        data=lambda: dossier_bytes(context, since),
        file_name=f"{name}{f'-depuis-v{since}' if since else ''}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key=f"dossier_pdf_{since or 0}",
        help="Le dossier du comité : chiffres clés, carte du territoire"
        + (f", ce qui a changé depuis la version {since}" if since else "")
        + ", numéros de page, date et version des données.",
    )
