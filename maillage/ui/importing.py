"""The pieces of the import page: upload → check with progress → problems → publish, and the
history of the space with its restore action.

The result of a check is kept in the session under the digest of the uploaded files, so that
filtering the problems table (a rerun) never reads and validates the workbook again. Publish
and restore run in button callbacks: they finish before the rerun draws the sidebar, which
then shows the new version (models are cached by version number, so nothing to clear).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pandas as pd
import streamlit as st

from maillage.accounts import PUBLISH, RESTORE
from maillage.exports import CSV_MIME, XLSX_MIME
from maillage.formats import counted, format_bytes, format_datetime, format_number
from maillage.problem_report import annotated_workbook, problems_csv, problems_table
from maillage.problems import ERROR, WARNING
from maillage.profiles import BadProfile, Profile, profile_json
from maillage.publishing import REPLACE, CannotComplete, Mode, check_files, publish_checked
from maillage.store import DEFAULT_SPACE, Store
from maillage.texts import SEVERITY_LABELS
from maillage.ui import auth, display, keys, pickers, url
from maillage.ui.frame import Context
from maillage.validation import Validation, data_rows
from maillage.workbook import MAX_FILE_BYTES, RawWorkbook, UnreadableWorkbook

UPLOAD = "import_fichiers"
MESSAGE = "import_message"
SEVERITY_FILTER = "import_filtre_gravite"
SHEET_FILTER = "import_filtre_feuille"
RESTORE_CHOICE = "import_version_a_restaurer"
RESTORE_CONFIRM = "import_confirmation_restauration"
DESTINATION = "import_espace_destination"
DESTINATION_SHOWN = "import_espace_affiche"  # the space on screen when DESTINATION was set
OTHER_SPACE_CONFIRM = "import_confirmation_autre_espace"
MAX_MEGABYTES = MAX_FILE_BYTES // (1024 * 1024)
# The problems grid at 1400 px (a main area of about 910 px beside the sidebar): the columns
# fit without scrolling sideways, the message gets what is left. Chromium draws about 55
# characters a line in 390 px of its 14 px text; 48 leaves room for long words.
MESSAGE_WIDTH = 390
MESSAGE_CHARS_PER_LINE = 48
MESSAGE_LINES_MAX = 8
LINE_HEIGHT, ROW_PADDING = 21, 14


@dataclass(frozen=True)
class CheckedUpload:
    """What one upload gave: the checked workbook, or the reason it could not be opened."""

    digest: str
    files: tuple[tuple[str, bytes], ...]
    workbook: RawWorkbook | None = None
    validation: Validation | None = None
    unreadable: str | None = None
    published: int | None = None  # version number, once published
    note: str | None = None  # « complété depuis … », for the history

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == WARNING for p in self.problems)

    @property
    def problems(self) -> tuple:
        return self.validation.problems if self.validation else ()

    @property
    def can_publish(self) -> bool:
        return self.validation is not None and self.validation.valid and self.published is None


NEW_SPACE = "__nouvel_espace__"
_SPACE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def target_space(context: Context) -> str | None:
    """The space to publish into: the one on screen by default, another existing one, or a
    new one the analyst names, so that a territory's own data never lands in the demo by
    accident."""
    spaces = context.store.spaces()
    options = [*spaces, NEW_SPACE]
    default = context.space if context.space in spaces else NEW_SPACE
    if (
        st.session_state.get(DESTINATION) not in options
        or st.session_state.get(DESTINATION_SHOWN) != context.space
    ):  # the space on screen changed: follow it
        st.session_state[DESTINATION] = default
    st.session_state[DESTINATION_SHOWN] = context.space
    chosen = pickers.selectbox(
        "Espace de destination",
        options,
        key=DESTINATION,
        format_func=lambda s: "Nouvel espace…" if s == NEW_SPACE else s,
        help="Chaque espace de travail a ses propres versions ; « demo » est l’espace "
        "de démonstration.",
    )
    if chosen != NEW_SPACE:
        return chosen
    name = st.text_input(
        "Nom du nouvel espace",
        value="" if spaces else DEFAULT_SPACE,
        placeholder="ex. bocage-bourbonnais",
    ).strip()
    if not _SPACE_NAME.match(name):
        st.caption("Minuscules, chiffres, « - » ou « _ », 40 caractères au plus.")
        return None
    return name


def needs_confirmation(context: Context, space: str) -> bool:
    """Publishing into an existing space other than the one on screen adds a version to data
    the analyst is not looking at: asked for explicitly."""
    return space != context.space and space in context.store.spaces()


def files_digest(files: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def check_digest(
    files: Sequence[tuple[str, bytes]], profile: Profile | None = None, mode: Mode = REPLACE
) -> str:
    """The files, the mapping and the mode: a new choice of any of them checks again."""
    mapping = profile_json(profile) if profile is not None else ""
    return hashlib.sha256(f"{files_digest(files)}|{mapping}|{mode}".encode()).hexdigest()


def run_check(
    files: Sequence[tuple[str, bytes]],
    on_step=None,
    profile: Profile | None = None,
    mode: Mode = REPLACE,
    store: Store | None = None,
    space: str | None = None,
) -> CheckedUpload:
    """Read, map, complete if asked and validate the uploaded files; an unreadable file, a bad
    profile or nothing to complete is a result, not an error."""
    files = tuple(sorted(files))
    digest = check_digest(files, profile, mode)
    try:
        checked = check_files(
            files, profile=profile, mode=mode, store=store, space=space, on_step=on_step
        )
    except (UnreadableWorkbook, BadProfile, CannotComplete) as refusal:
        return CheckedUpload(digest, files, unreadable=str(refusal))
    return CheckedUpload(digest, files, checked.workbook, checked.validation, note=checked.note)


# --- template and upload ----------------------------------------------------------------------


def template_bytes() -> bytes:
    """The empty template, written at click time (it follows the schema of the running code)."""
    from maillage.template import write_template

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "modele-maillage.xlsx"
        write_template(path)
        return path.read_bytes()


def template_download() -> None:
    st.download_button(
        "Télécharger le modèle vide",
        data=template_bytes,
        file_name="modele-maillage.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        help="Un classeur avec une feuille par onglet attendu, les en-têtes et des listes "
        "déroulantes pour les valeurs contrôlées : il évite la plupart des erreurs.",
    )


def upload() -> list[tuple[str, bytes]]:
    uploaded = st.file_uploader(
        "Classeur à importer",
        type=["xlsx", "ods", "csv"],
        accept_multiple_files=True,
        key=UPLOAD,
        max_upload_size=MAX_MEGABYTES,
        help="Un classeur .xlsx ou .ods, ou plusieurs fichiers .csv déposés ensemble (une "
        "feuille chacun, nommée d’après le fichier : acteurs.csv, perimetres.csv…). "
        f"{MAX_MEGABYTES}\u00a0Mo au plus par fichier.",
    )
    files = [(file.name, file.getvalue()) for file in uploaded or []]
    if files:  # Streamlit's own file chip says « 34.0KB »: hidden (style.py), said here
        st.caption(
            "Déposé : "
            + " ; ".join(f"{display.md(name)} ({format_bytes(len(data))})" for name, data in files)
            + "."
        )
    return files


def checked_upload(
    files: Sequence[tuple[str, bytes]],
    profile: Profile | None = None,
    mode: Mode = REPLACE,
    store: Store | None = None,
    space: str | None = None,
) -> CheckedUpload:
    """Check the files once per upload, showing each step; later reruns reuse the result."""
    known = st.session_state.get(keys.CHECKED)
    if isinstance(known, CheckedUpload) and known.digest == check_digest(files, profile, mode):
        _summary_status(known)
        return known
    with st.status("Vérification du classeur…", expanded=True) as status:
        bar = st.progress(0.0, text="Lecture du classeur")

        def on_step(label: str, fraction: float) -> None:
            bar.progress(fraction, text=label)
            status.update(label=f"{label}…")

        result = run_check(files, on_step, profile, mode, store, space)
        bar.progress(1.0, text="Prêt")
        status.update(label=_summary(result), state=_state(result), expanded=False)
    st.session_state[keys.CHECKED] = result
    return result


def _summary(result: CheckedUpload) -> str:
    if result.unreadable:
        return "Le fichier n’a pas pu être lu"
    errors, warnings = result.errors, result.warnings
    if errors:
        return (
            f"Classeur vérifié : {counted(errors, 'erreur')} à corriger, "
            f"{counted(warnings, 'avertissement', none='aucun avertissement')}"
        )
    if warnings:
        return f"Classeur prêt à publier, avec {counted(warnings, 'avertissement')}"
    return "Classeur prêt à publier, sans aucun problème"


def _state(result: CheckedUpload) -> Literal["complete", "error"]:
    return "error" if result.unreadable or result.errors else "complete"


def _summary_status(result: CheckedUpload) -> None:
    with st.status(_summary(result), state=_state(result), expanded=False):
        st.progress(1.0, text="Prêt")


# --- problems ----------------------------------------------------------------------------------


def message_row_height(table: pd.DataFrame) -> int:
    """A row height that shows the longest message whole: the grid wraps text only in rows
    taller than 64 px, and one height serves every row. The analyst reads each message next
    to its sheet, row and column, so the grid stays, its rows as tall as needed (capped: a
    message longer than that is whole in the CSV and the annotated workbook)."""
    longest = int(table["Message"].fillna("").str.len().max()) if len(table) else 0
    lines = min(MESSAGE_LINES_MAX, max(1, -(-longest // MESSAGE_CHARS_PER_LINE)))
    return max(ROW_PADDING + LINE_HEIGHT * lines, 72) if lines > 1 else 36


def show_outcome(result: CheckedUpload) -> None:
    """Counts, the filterable table of problems and their downloads."""
    assert result.workbook is not None  # an unreadable upload is shown by show_unreadable
    rows = data_rows(result.workbook)
    left, middle, right = st.columns(3)
    left.metric(
        "Erreurs",
        format_number(result.errors),
        help="Elles bloquent la publication : corrigez-les puis déposez le classeur à nouveau.",
    )
    middle.metric(
        "Avertissements",
        format_number(result.warnings),
        help="Ils n’empêchent pas de publier, mais méritent un coup d’œil.",
    )
    right.metric(
        "Lignes lues",
        format_number(rows),
        help="Lignes de données des feuilles reconnues (sans « lisez_moi » ni les "
        "listes du modèle).",
    )
    if not result.problems:
        return
    table = problems_table(result.problems)
    filters = st.columns(2)
    severities = pickers.multiselect(
        "Gravité",
        [SEVERITY_LABELS[ERROR], SEVERITY_LABELS[WARNING]],
        where=filters[0],
        key=SEVERITY_FILTER,
        placeholder="Toutes",
    )
    sheets = pickers.multiselect(
        "Feuille",
        sorted(table["Feuille"].dropna().unique()),
        where=filters[1],
        key=SHEET_FILTER,
        placeholder="Toutes",
    )
    shown = table
    if severities:
        shown = shown[shown["Gravité"].isin(severities)]
    if sheets:
        shown = shown[shown["Feuille"].isin(sheets)]
    if shown.empty:  # filters that keep nothing: say so, not an empty grid
        st.info(
            "Aucun problème ne correspond à ces filtres : retirez une gravité ou une "
            "feuille pour revoir les autres.",
            icon=":material/filter_alt_off:",
        )
    else:
        _problems_grid(shown)
    st.caption(
        f"{problems_shown(len(shown), len(table))} La ligne est celle du tableur "
        "(en-têtes = ligne 1)."
    )
    _problem_downloads(result)


def problems_shown(shown: int, total: int) -> str:
    """« 2 problèmes affichés sur 3. », agreed, and whole when nothing is filtered out."""
    if shown == total:
        return f"{counted(total, 'problème affiché', 'problèmes affichés')}."
    return f"{counted(shown, 'problème affiché', 'problèmes affichés')} sur {format_number(total)}."


def _problems_grid(shown: pd.DataFrame) -> None:
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        row_height=message_row_height(shown),
        column_config={
            "Gravité": st.column_config.TextColumn(width=100),
            "Feuille": st.column_config.TextColumn(width=100),
            "Ligne": st.column_config.NumberColumn(format="%d", width=55),
            "Colonne": st.column_config.TextColumn(width=110),
            "Valeur": st.column_config.TextColumn(width=130),
            "Message": st.column_config.TextColumn(width=MESSAGE_WIDTH),
        },
    )


def _problem_downloads(result: CheckedUpload) -> None:
    stem = Path(result.files[0][0]).stem if len(result.files) == 1 else "classeur"
    single_xlsx = len(result.files) == 1 and result.files[0][0].lower().endswith(".xlsx")
    left, right = st.columns(2)
    left.download_button(
        "Classeur annoté (.xlsx)",
        data=lambda: annotated_workbook(result.files, result.problems),
        file_name=f"{stem}-problemes.xlsx",
        mime=XLSX_MIME,
        icon=":material/table_view:",
        on_click="ignore",
        help="Votre classeur avec une feuille « problemes » et les cellules en cause surlignées "
        "et commentées."
        if single_xlsx
        else "Une feuille « problemes » qui liste chaque problème avec sa feuille, sa ligne et sa "
        "colonne.",
    )
    right.download_button(
        "Liste des problèmes (.csv)",
        data=problems_csv(result.problems),
        file_name=f"{stem}-problemes.csv",
        mime=CSV_MIME,
        icon=":material/download:",
        on_click="ignore",
        help="Séparateur « ; », lisible directement par Excel.",
    )


def show_unreadable(result: CheckedUpload) -> None:
    st.error(display.md(result.unreadable, None), icon=":material/block:")


# --- publish -----------------------------------------------------------------------------------


def publish_button(context: Context, space: str, result: CheckedUpload) -> None:
    if result.published is not None:  # stays said while this upload is on the page
        st.success(
            f"Version {result.published} publiée dans l’espace « {space} » : toutes "
            "les pages montrent désormais ces données.",
            icon=":material/check_circle:",
        )
        return
    confirmed = True
    if result.can_publish and needs_confirmation(context, space):
        confirmed = st.checkbox(
            f"Je confirme : publier dans l’espace « {space} », qui n’est pas celui affiché "
            f"(« {context.space} »).",
            key=OTHER_SPACE_CONFIRM,
        )
    help_text = (
        f"Publie une nouvelle version de l’espace « {space} » ; les versions "
        "précédentes sont conservées."
        if result.can_publish and confirmed
        else "Cochez d’abord la confirmation ci-dessus."
        if result.can_publish
        else "Corrigez d’abord les erreurs : les avertissements, eux, n’empêchent pas de publier."
    )
    st.button(
        "Publier",
        type="primary",
        icon=":material/publish:",
        key="import_publier",
        disabled=not (result.can_publish and confirmed),
        help=help_text,
        on_click=_publish,
        args=(context, space, result.digest),
    )


def _publish(context: Context, space: str, digest: str) -> None:
    auth.require(PUBLISH)  # refused server-side for a reader or a share link, whatever is sent
    result = st.session_state.get(keys.CHECKED)
    if not isinstance(result, CheckedUpload) or result.digest != digest or not result.can_publish:
        return
    if needs_confirmation(context, space) and not st.session_state.get(OTHER_SPACE_CONFIRM):
        return
    if result.workbook is None or result.validation is None:  # nothing read: nothing to publish
        return
    version = publish_checked(
        context.store,
        space,
        result.workbook,
        result.validation,
        author=context.author,
        note=result.note,
    )
    if version is None:  # refused as invalid: the page already says why
        return
    st.session_state[keys.CHECKED] = replace(result, published=version.version)
    st.session_state[OTHER_SPACE_CONFIRM] = False
    url.choose(keys.SPACE, [space])  # every page now shows the space just published


def show_message() -> None:
    """The outcome of the last restore, shown once."""
    if message := st.session_state.pop(MESSAGE, None):
        st.success(message, icon=":material/check_circle:")


# --- history and restore -----------------------------------------------------------------------


def history_table(store: Store, space: str) -> pd.DataFrame:
    rows = []
    for info in store.history(space):
        counts = " · ".join(f"{sheet}\u00a0: {format_number(n)}" for sheet, n in info.rows.items())
        rows.append(
            {
                "Version": info.version,
                "Publiée le": format_datetime(info.published_at),
                "Fichier": display.short(info.file, display.TOOLTIP) if info.file else "—",
                "Par": display.short(info.author, display.TOOLTIP) if info.author else "—",
                "Lignes par feuille": counts,
                "Origine": (
                    f"restauration de v{info.restored_from}"
                    if info.restored_from
                    else info.note or "import"
                ),
            }
        )
    return pd.DataFrame(
        rows, columns=["Version", "Publiée le", "Fichier", "Par", "Lignes par feuille", "Origine"]
    )


def show_history(context: Context, space: str) -> None:
    table = history_table(context.store, space)
    if table.empty:
        st.caption(f"Aucune version publiée dans l’espace « {space} » pour l’instant.")
        return
    st.dataframe(table, hide_index=True, width="stretch")
    former = table["Version"].iloc[1:].tolist()
    if not former:
        return
    choice = pickers.selectbox(
        "Version à restaurer", former, key=RESTORE_CHOICE, format_func=lambda v: f"Version {v}"
    )
    confirmed = st.checkbox(
        f"Je confirme : la version {choice} sera republiée comme nouvelle version "
        f"(v{table['Version'].iloc[0] + 1}) ; aucune version n’est effacée.",
        key=RESTORE_CONFIRM,
    )
    st.button(
        "Restaurer",
        icon=":material/history:",
        disabled=not confirmed,
        key="import_restaurer",
        on_click=_restore,
        args=(context, space),
    )


def _restore(context: Context, space: str) -> None:
    auth.require(RESTORE)
    version = st.session_state.get(RESTORE_CHOICE)
    if not st.session_state.get(RESTORE_CONFIRM) or version is None:
        return
    restored = context.store.restore(space, int(version), author=context.author)
    st.session_state[RESTORE_CONFIRM] = False
    st.session_state[MESSAGE] = (
        f"Version {version} restaurée : elle est publiée à nouveau "
        f"comme version {restored.version}."
    )
