"""What the « Évolutions » page draws: version pickers labelled with date and author, the
comparison cached per pair of versions and per view, indicator cards before → after with the
arrow's meaning in words, and the lists behind each number."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from maillage.changes import Changes, change_table, compare_in_store, indicator_rows
from maillage.columns import as_dict
from maillage.formats import format_datetime, format_number
from maillage.store import VersionInfo
from maillage.ui import data, url
from maillage.ui.downloads import download_table
from maillage.ui.frame import Context

BEFORE, AFTER = "depuis", "jusqua"


def version_label(info: VersionInfo, author: bool = True) -> str:
    """`v3 — 12/09/2026 à 10:20 · claire`; without the author for a share link (a person's
    name is personal data, and a committee needs the date)."""
    who = f" · {info.author or 'auteur non renseigné'}" if author else ""
    restored = f" · restauration de la v{info.restored_from}" if info.restored_from else ""
    return f"v{info.version} — {format_datetime(info.published_at)}{who}{restored}"


def pickers(history: list[VersionInfo], authors: bool = True) -> tuple[int, int]:
    """Two selectboxes kept in the URL (`?depuis=2&jusqua=5`); the two latest by default."""
    labels = {str(v.version): version_label(v, authors) for v in history}
    numbers = list(labels)  # newest first; codes as text, as the URL carries them
    left, right = st.columns(2)
    with left:
        before = url.selectbox(
            "Depuis la version", numbers, BEFORE, default=numbers[1], format_func=labels.get
        )
    with right:
        after = url.selectbox(
            "Jusqu’à la version", numbers, AFTER, default=numbers[0], format_func=labels.get
        )
    return int(before), int(after)


@st.cache_data(show_spinner="Comparaison des deux versions…", max_entries=32)
def _compared(view: data.View, before: int, after: int) -> tuple[Changes, pd.DataFrame]:
    store = data.store(view.db)
    changes, old, new = compare_in_store(
        store,
        view.space,
        before,
        after,
        scope=view.scope,
        perimeter=view.perimeter,
        models=lambda v: data.model(view.db, view.space, v),
        hide_persons=view.hide_persons,
    )
    return changes, change_table(changes, old, new)


def compared(context: Context, before: int, after: int) -> tuple[Changes, pd.DataFrame]:
    return _compared(context.view, before, after)


def indicator_cards(changes: Changes) -> None:
    rows = indicator_rows(changes)
    for start in range(0, len(rows), 3):
        columns = st.columns(3)
        for column, (name, was, now, meaning) in zip(
            columns, rows[start : start + 3], strict=False
        ):
            with column.container(border=True):
                st.metric(name, now)
                st.caption(f"Avant : {was} → après : {now}. {meaning[:1].upper()}{meaning[1:]}.")


_GROUPS = [  # (title, sheet label, kind of change)
    ("Acteurs ajoutés", "Acteurs", "ajout"),
    ("Acteurs retirés", "Acteurs", "retrait"),
    ("Acteurs modifiés", "Acteurs", "modification"),
    ("Dispositifs ajoutés", "Dispositifs", "ajout"),
    ("Dispositifs retirés", "Dispositifs", "retrait"),
    ("Dispositifs modifiés", "Dispositifs", "modification"),
    ("Participations gagnées", "Participations", "ajout"),
    ("Participations perdues", "Participations", "retrait"),
    ("Périmètres ajoutés ou retirés", "Périmètres", None),
    (
        "Communes gagnées ou perdues par les périmètres",
        "Communes des périmètres (développées)",
        None,
    ),
    ("Blocages dont le statut a changé", "Blocages", "statut"),
    ("Blocages signalés ou retirés", "Blocages", None),
]


def lists(changes: Changes, table: pd.DataFrame, context: Context) -> None:
    """One expander per kind of change, with its rows; then blank communes and bridging
    actors in and out; then the whole table to download."""
    for title, sheet, kind in _GROUPS:
        rows = table[table["Feuille"] == sheet]
        if kind is not None:
            rows = rows[rows["Changement"] == kind]
        elif sheet in ("Périmètres", "Blocages"):
            rows = rows[rows["Changement"].isin(["ajout", "retrait"])]
        if rows.empty:
            continue
        count = rows["Identifiant"].nunique()
        with st.expander(f"{title} ({format_number(count)})"):
            shown = rows.drop(columns=["Feuille"])
            shown = shown.loc[:, (shown != "").any()]
            st.dataframe(shown, hide_index=True, width="stretch")
    model = context.model
    names = as_dict(model.communes["nom"]) if model is not None else {}
    for indicator, title, what in (
        ("blank_communes", "Communes blanches", "commune"),
        ("bridging_actors", "Acteurs passerelles", "acteur"),
    ):
        gained, lost = changes.gained_and_lost(indicator)
        if not gained and not lost:
            continue
        with st.expander(
            f"{title} : {format_number(len(gained))} en plus, {format_number(len(lost))} en moins"
        ):
            frame = pd.DataFrame(
                [
                    ("en plus", code, names.get(code, "") if what == "commune" else "")
                    for code in gained
                ]
                + [
                    ("en moins", code, names.get(code, "") if what == "commune" else "")
                    for code in lost
                ],
                columns=["Évolution", "Identifiant", "Nom"],
            )
            st.dataframe(frame, hide_index=True, width="stretch")
    if not table.empty:
        st.caption("Toutes les différences, ligne à ligne :")
        download_table(table, f"evolutions-v{changes.before}-v{changes.after}", context)
