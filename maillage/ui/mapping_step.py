"""The mapping step of the import page: complete or replace, and which columns are which.

When a file does not follow the template (another sheet name, other headers, other values),
the page shows its first rows, proposes a column of maillage for each of its columns and a
code for each value of its coded columns — each with the reason — and lets the analyst
correct them, name the mapping and save it for next month, when it applies by itself. A
required column left unmapped stops the page before anything is checked. What comes from the
file (headers, values) is shown as data or escaped text, never interpreted as Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

import streamlit as st

from maillage.accounts import PUBLISH
from maillage.formats import counted, format_number
from maillage.mapping import draft_profile, propose_columns, propose_values
from maillage.national import BUILTIN_PROFILES
from maillage.profiles import Profile, find_profile, save_profile, saved_profiles
from maillage.publishing import COMPLETE, REPLACE, Mode
from maillage.schema import SHEETS
from maillage.store import Store
from maillage.texts import LABELS, SHEET_LABELS
from maillage.ui import auth, pickers
from maillage.ui.display import md
from maillage.ui.importing import files_digest
from maillage.validation import IGNORED_SHEETS
from maillage.workbook import RawWorkbook, UnreadableWorkbook, read_workbook

MODE = "import_mode"
PROFILE = "import_profil"
SAVE_NAME = "import_nom_profil"
SAVED = "import_profil_enregistre"
NONE, NEW = "__modele__", "__nouvelle__"
KEEP, IGNORE = "__garder__", ""
GUESS = "__deviner__"
SHOWN_VALUES = 30


def choose_mode(store: Store, space: str) -> Mode:
    """« Remplacer » by default; « Compléter » once the space has a version to complete."""
    if store.latest(space) is None:
        return REPLACE
    return st.radio(
        "Ce fichier…",
        [REPLACE, COMPLETE],
        key=MODE,
        horizontal=True,
        format_func=lambda m: {
            REPLACE: "remplace tout l’espace",
            COMPLETE: "complète la dernière version",
        }[m],
        help="Compléter ajoute les lignes nouvelles et met à jour celles dont l’identifiant "
        "(ou la clé du profil) existe déjà ; rien n’est supprimé.",
    )


def _read(files: Sequence[tuple[str, bytes]]) -> RawWorkbook | None:
    try:
        return read_workbook(files)
    except UnreadableWorkbook:
        return None  # the check that follows says why


def needs_mapping(workbook: RawWorkbook) -> bool:
    """A sheet maillage does not know, or a known one missing a required column."""
    for key, sheet in workbook.sheets.items():
        if key in IGNORED_SHEETS:
            continue
        if key not in SHEETS:
            return True
        proposals = propose_columns(sheet.frame.columns, key)
        found = {p.target for p in proposals if p.reason in ("exact", "normalised", "alias")}
        if any(c.required and c.name not in found for c in SHEETS[key].columns):
            return True
    return False


def choose_profile(
    store: Store, space: str, files: Sequence[tuple[str, bytes]]
) -> tuple[Profile | None, bool]:
    """(the mapping to apply, whether the page may go on to check the file)."""
    workbook = _read(files)
    saved = {p.name: p for p in saved_profiles(store, space)}
    options = [NONE, *BUILTIN_PROFILES, *saved, NEW]
    automatic = find_profile(None, store, space, files) if workbook else None
    default = (
        automatic.name
        if automatic
        else NEW
        if workbook is not None and needs_mapping(workbook)
        else NONE
    )
    labels = {
        NONE: "aucune : le fichier suit le modèle",
        NEW: "nouvelle correspondance…",
        **{k: f"{p.name} (intégré)" for k, p in BUILTIN_PROFILES.items()},
        **{k: f"{k} (enregistré)" for k in saved},
    }
    choice = pickers.selectbox(
        "Correspondance des colonnes",
        options,
        index=options.index(default),
        key=f"{PROFILE}_{_digest(files)}",
        format_func=lambda k: labels.get(k, k),
        help="Pour un fichier qui ne suit pas le modèle : quelle "
        "colonne est laquelle, quelle valeur est quel code.",
    )
    if automatic is not None and choice == automatic.name:
        st.caption(
            f"Correspondance « {md(automatic.name)} » reconnue d’après les en-têtes du fichier."
        )
    if choice == NONE:
        return None, True
    if choice in BUILTIN_PROFILES:
        return BUILTIN_PROFILES[choice], True
    if workbook is None:
        return (saved.get(choice), True)
    base = saved.get(choice)
    if base is not None and not st.toggle("Revoir cette correspondance", key=f"{PROFILE}_revoir"):
        return base, True
    return mapping_editor(store, space, files, workbook, base)


def _digest(files: Sequence[tuple[str, bytes]]) -> str:
    return files_digest(files)[:12]


def mapping_editor(
    store: Store,
    space: str,
    files: Sequence[tuple[str, bytes]],
    workbook: RawWorkbook,
    base: Profile | None,
) -> tuple[Profile | None, bool]:
    prefix = f"map_{_digest(files)}"
    st.subheader("Quelle colonne est laquelle")
    sheets = [k for k in workbook.sheets if k not in IGNORED_SHEETS]
    if not sheets:
        return None, True
    unknown = [k for k in sheets if k not in SHEETS]
    source = pickers.selectbox(
        "Feuille du fichier",
        sheets,
        key=f"{prefix}_feuille",
        index=sheets.index(unknown[0]) if unknown else 0,
        format_func=lambda k: workbook.sheets[k].name,
    )
    targets = list(SHEETS)
    guessed = base.sheet if base else (source if source in SHEETS else "acteurs")
    target = pickers.selectbox(
        "Feuille de maillage qu’elle remplit",
        targets,
        index=targets.index(guessed),
        key=f"{prefix}_cible",
        format_func=lambda k: SHEET_LABELS.get(k, k),
    )
    raw = workbook.sheets[source]
    st.caption(
        f"Les premières lignes de « {md(raw.name)} » ({format_number(len(raw.frame))} lignes) :"
    )
    st.dataframe(raw.frame.head(5), width="stretch")
    draft = draft_profile(raw, target, name=Path(files[0][0]).stem, base=base)
    schema = SHEETS[target]
    columns: dict[str, str] = {}
    st.markdown("**Colonnes** — pour chacune, la colonne de maillage proposée et pourquoi.")
    choices = [KEEP, IGNORE, *schema.column_names]
    names = {KEEP: "garder telle quelle", IGNORE: "ignorer"}
    for position, proposal in enumerate(propose_columns(raw.frame.columns, target, base)):
        proposed = proposal.target or (IGNORE if proposal.reason in ("taken", "profile") else KEEP)
        chosen = pickers.selectbox(
            md(proposal.source),
            choices,
            index=choices.index(proposed),
            key=f"{prefix}_{target}_col_{position}",
            format_func=lambda c: names.get(c, c),
            help=md(proposal.explanation, None),
        )
        st.caption(md(proposal.explanation, None))
        if chosen != KEEP:
            columns[proposal.source] = chosen
    mapped = {t: s for s, t in columns.items() if t}
    values = _value_choices(prefix, target, raw, mapped, draft, base)
    constants, guess = _required_choices(prefix, target, mapped, base)
    doubles = sorted({t for t in mapped.values() if list(mapped.values()).count(t) > 1})
    missing = [
        c.name
        for c in schema.columns
        if c.required and c.name not in mapped and c.name not in constants and c.name not in guess
    ]
    profile = Profile(draft.name, target, draft.key, columns, values, constants, True, guess, None)
    if doubles or missing:
        problems = [f"« {t} » est choisie pour plusieurs colonnes" for t in doubles]
        problems += [f"la colonne obligatoire « {t} » n’est associée à rien" for t in missing]
        st.warning(
            "Avant de vérifier le fichier : " + " ; ".join(problems) + ".", icon=":material/rule:"
        )
        return profile, False
    _save_form(store, space, profile, prefix)
    return profile, True


def _value_choices(prefix, target, raw, mapped, draft, base) -> dict[str, dict[str, str]]:
    """For each coded column mapped: the distinct values and a code for each."""
    values: dict[str, dict[str, str]] = {}
    schema = SHEETS[target]
    for column in schema.columns:
        if column.vocabulary is None or column.name not in mapped:
            continue
        header = mapped[column.name]
        found = propose_values(
            raw.frame[header],
            column.code_vocabulary,
            column.kind == "codes",
            (base.values if base else {}).get(column.name),
        )
        if not found or all(v.reason == "code" for v in found):
            continue
        st.markdown(f"**Valeurs de « {md(header)} »** → {md(column.name)}")
        codes = ["", *LABELS[column.code_vocabulary]]
        table: dict[str, str] = {}
        for position, value in enumerate(found[:SHOWN_VALUES]):
            code = value.code or draft.values.get(column.name, {}).get(value.source) or ""
            chosen = pickers.selectbox(
                f"{md(value.source)} ({counted(value.count, 'ligne')})",
                codes,
                index=codes.index(code) if code in codes else 0,
                key=f"{prefix}_{target}_val_{column.name}_{position}",
                format_func=partial(_value_label, LABELS[column.code_vocabulary]),
                help=md(value.explanation, None),
            )
            if value.reason != "code" or chosen != value.code:
                table[value.source] = chosen
        if len(found) > SHOWN_VALUES:
            rest = len(found) - SHOWN_VALUES
            st.caption(
                counted(
                    rest,
                    "autre valeur : elle est vérifiée telle quelle.",
                    "autres valeurs : elles sont vérifiées telles quelles.",
                )
            )
        values[column.name] = table
    return values


def _value_label(labels: Mapping[str, str], code: str) -> str:
    """How a code reads in the value pickers: its label, or what choosing it means."""
    if not code:
        return "— à choisir —"
    if code == GUESS:
        return "déduire du type et du nom (règles documentées)"
    return labels[code]


def _required_choices(prefix, target, mapped, base) -> tuple[dict[str, str], tuple[str, ...]]:
    """A coded required column absent from the file can take one value for every row, or
    (champ) be deduced by the documented rules."""
    constants = dict(base.constants) if base else {}
    guess = tuple(base.guess) if base else ()
    for column in SHEETS[target].columns:
        if not column.required or column.vocabulary is None or column.name in mapped:
            continue
        options = ["", *LABELS[column.vocabulary]]
        if column.name == "champ":
            options.insert(1, GUESS)
        default = GUESS if column.name in guess else constants.get(column.name, "")
        chosen = pickers.selectbox(
            f"« {column.name} » n’est pas dans le fichier : valeur pour toutes les lignes",
            options,
            index=options.index(default) if default in options else 0,
            key=f"{prefix}_{target}_const_{column.name}",
            format_func=partial(_value_label, LABELS[column.code_vocabulary]),
        )
        constants.pop(column.name, None)
        guess = tuple(g for g in guess if g != column.name)
        if chosen == GUESS:
            guess = (*guess, column.name)
        elif chosen:
            constants[column.name] = chosen
    return constants, guess


def _save_form(store: Store, space: str, profile: Profile, prefix: str) -> None:
    if message := st.session_state.pop(SAVED, None):
        st.success(message, icon=":material/bookmark_added:")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input(
        "Nom de cette correspondance", value=profile.name, key=f"{SAVE_NAME}_{prefix}", max_chars=80
    )
    right.button(
        "Enregistrer",
        icon=":material/bookmark:",
        key=f"{prefix}_enregistrer",
        on_click=_save,
        args=(store, space, profile, f"{SAVE_NAME}_{prefix}"),
        help="La prochaine fois, un fichier aux mêmes en-têtes l’utilisera tout seul.",
    )


def _save(store: Store, space: str, profile: Profile, name_key: str) -> None:
    auth.require(PUBLISH)
    name = (st.session_state.get(name_key) or profile.name).strip() or profile.name
    named = Profile(
        name,
        profile.sheet,
        profile.key,
        profile.columns,
        profile.values,
        profile.constants,
        profile.keep_other_columns,
        profile.guess,
    )
    save_profile(store, space, named)
    st.session_state[SAVED] = (
        f"Correspondance « {md(name)} » enregistrée dans l’espace « {space} »."
    )
