"""The form a contribution link opens: nothing else of the dashboard, no account, plain French.

`app.py` routes here before anything else when the address carries `?contribution=…`. The
link is resolved again when the form is sent (a link revoked meanwhile accepts nothing), and
every check of `maillage.contributions.check` is shown on its own field. Widgets are plain
(no `st.form`) so that choosing a scheme offers its role at once, which matters on a phone.
"""

from __future__ import annotations

import streamlit as st

from maillage import contributions
from maillage.contributions import CannotContribute, Participation, Submission
from maillage.texts import label
from maillage.ui import data, display, pickers
from maillage.vocabularies import VOCABULARIES

PREFIX = "contribuer_"
PROBLEMS = PREFIX + "problemes"
SENT = PREFIX + "envoyee"
REFUSED = PREFIX + "refus"
HONEYPOT = PREFIX + "site_web"  # hidden by CSS: people leave it empty, robots fill it
NONE = ""
HIDE_HONEYPOT = f"<style>.st-key-{HONEYPOT} {{ display: none; }}</style>"


def token() -> str | None:
    value = st.query_params.get(contributions.QUERY_PARAM)
    return str(value) if value else None


def page() -> None:
    """The whole screen of a contribution link."""
    store = data.store(data.db_path())
    found = contributions.resolve(store, token() or "")
    if isinstance(found, str):
        st.error(contributions.REFUSAL_MESSAGES[found], icon=":material/link_off:")
        return
    model = contributions.territory_model(store, found)
    territory = (
        str(model.perimeters.loc[found.perimeter, "nom"])
        if found.perimeter in model.perimeters.index
        else "le territoire"
    )
    st.title("Contribuer à la carte des acteurs")
    where = _plain(territory)
    st.markdown(
        f"Vous agissez sur **{where}** ? Dites en quelques minutes qui vous êtes, à quels "
        "dispositifs vous prenez part et ce qui vous bloque. La personne qui anime la démarche "
        "relit chaque contribution avant de l’ajouter au tableau de bord partagé."
    )
    if sent := st.session_state.get(SENT):
        _thanks(sent)
        return
    if refused := st.session_state.pop(REFUSED, None):
        st.error(refused, icon=":material/block:")
    problems: dict[str, list[str]] = st.session_state.get(PROBLEMS, {})
    communes = model.communes.loc[model.territory, "nom"].sort_values()
    schemes = model.schemes["nom"].sort_values()

    st.header("Votre structure ou votre collectif")
    st.text_input("Nom", key=PREFIX + "nom", max_chars=contributions.MAX_LENGTH["name"])
    _problems(problems, "name")
    st.radio(
        "Vous êtes",
        VOCABULARIES["actor_form"],
        key=PREFIX + "forme",
        format_func=lambda c: label("actor_form", c),
        horizontal=True,
    )
    st.caption(
        "Si vous contribuez en votre nom propre (« personne »), votre nom sera visible des "
        "partenaires connectés au tableau de bord ; les liens envoyés aux comités le remplacent "
        "par votre rôle, sauf accord de votre part."
    )
    _problems(problems, "form")
    pickers.selectbox(
        "Famille",
        [NONE, *VOCABULARIES["actor_category"]],
        key=PREFIX + "categorie",
        format_func=lambda c: label("actor_category", c) if c else "Choisissez…",
    )
    _problems(problems, "category")
    st.radio(
        "Votre champ",
        VOCABULARIES["field"],
        key=PREFIX + "champ",
        format_func=lambda c: label("field", c),
        horizontal=True,
        index=None,
    )
    _problems(problems, "field")
    st.text_input(
        "Type précis (facultatif)",
        key=PREFIX + "type",
        max_chars=contributions.MAX_LENGTH["kind"],
        placeholder="centre social, tiers-lieu, association de parents…",
    )
    pickers.selectbox(
        "Commune où vous êtes installés",
        [NONE, *communes.index],
        key=PREFIX + "commune",
        format_func=lambda c: f"{communes[c]} ({c})" if c else "Choisissez…",
    )
    _problems(problems, "commune")
    pickers.multiselect(
        "Vos thématiques (facultatif)",
        VOCABULARIES["theme"],
        key=PREFIX + "thematiques",
        format_func=lambda c: label("theme", c),
        placeholder="Choisissez une ou plusieurs thématiques",
    )
    _problems(problems, "themes")

    st.header("Les dispositifs auxquels vous prenez part")
    chosen = pickers.multiselect(
        "Dispositifs (facultatif)",
        list(schemes.index),
        key=PREFIX + "dispositifs",
        format_func=lambda s: str(schemes[s]),
        placeholder="Choisissez parmi les dispositifs du territoire",
    )
    for scheme in chosen:
        left, right = st.columns(2)
        pickers.selectbox(
            f"Votre rôle — {schemes[scheme]}",
            VOCABULARIES["role"],
            where=left,
            index=VOCABULARIES["role"].index("participant"),
            key=f"{PREFIX}role_{scheme}",
            format_func=lambda c: label("role", c),
        )
        pickers.selectbox(
            f"Rejoint à l’étape — {schemes[scheme]}",
            [NONE, *VOCABULARIES["entry_stage"]],
            where=right,
            key=f"{PREFIX}stade_{scheme}",
            format_func=lambda c: label("stage", c) if c else "Je ne sais pas",
        )
    _problems(problems, "participations")

    st.header("Ce qui bloque")
    pickers.selectbox(
        "Famille de blocage (facultatif)",
        [NONE, *VOCABULARIES["blockage_category"]],
        key=PREFIX + "blocage_categorie",
        format_func=lambda c: label("blockage_category", c) if c else "Rien à signaler",
    )
    _problems(problems, "blockage_category")
    st.text_area(
        "En quelques mots",
        key=PREFIX + "blocage_description",
        max_chars=contributions.MAX_LENGTH["blockage_text"],
    )
    _problems(problems, "blockage_text")
    pickers.selectbox(
        "Ce qui aiderait (facultatif)",
        [NONE, *VOCABULARIES["lever"]],
        key=PREFIX + "blocage_levier",
        format_func=lambda c: label("lever", c) if c else "—",
    )

    st.header("Pour vous recontacter")
    st.text_input(
        "Un e-mail ou un téléphone (facultatif)",
        key=PREFIX + "contact",
        max_chars=contributions.MAX_LENGTH["contact"],
        help="Vu seulement par la personne qui relit les contributions : jamais publié, "
        "jamais dans un export ni un lien partagé.",
    )
    _problems(problems, "contact")
    st.markdown(HIDE_HONEYPOT, unsafe_allow_html=True)  # our own constant, no user text
    st.text_input("Ne pas remplir", key=HONEYPOT, label_visibility="collapsed")
    st.button(
        "Envoyer ma contribution",
        type="primary",
        icon=":material/send:",
        on_click=_send,
        key=PREFIX + "envoyer",
    )


def _send() -> None:
    state = st.session_state
    chosen = state.get(PREFIX + "dispositifs") or []
    submission = Submission(
        name=str(state.get(PREFIX + "nom") or ""),
        category=str(state.get(PREFIX + "categorie") or ""),
        field=str(state.get(PREFIX + "champ") or ""),
        commune=str(state.get(PREFIX + "commune") or ""),
        form=str(state.get(PREFIX + "forme") or "structure"),
        kind=str(state.get(PREFIX + "type") or ""),
        themes=tuple(state.get(PREFIX + "thematiques") or ()),
        participations=tuple(
            Participation(
                str(scheme),
                str(state.get(f"{PREFIX}role_{scheme}") or "participant"),
                str(state.get(f"{PREFIX}stade_{scheme}") or "") or None,
            )
            for scheme in chosen
        ),
        blockage_category=str(state.get(PREFIX + "blocage_categorie") or "") or None,
        blockage_text=str(state.get(PREFIX + "blocage_description") or "") or None,
        blockage_lever=str(state.get(PREFIX + "blocage_levier") or "") or None,
        contact=str(state.get(PREFIX + "contact") or "") or None,
    )
    store = data.store(data.db_path())
    try:
        outcome = contributions.submit(
            store, token() or "", submission, honeypot=str(state.get(HONEYPOT) or "")
        )
    except CannotContribute as refusal:
        state[REFUSED] = str(refusal)
        return
    if isinstance(outcome, list):
        grouped: dict[str, list[str]] = {}
        for problem in outcome:
            grouped.setdefault(problem.field, []).append(problem.message)
        state[PROBLEMS] = grouped
        state[REFUSED] = (
            "Votre contribution n’est pas encore envoyée : corrigez ce qui est "
            "signalé sous les champs, puis envoyez-la à nouveau."
        )
        return
    state.pop(PROBLEMS, None)
    state[SENT] = submission.name


def _thanks(name: str) -> None:
    st.success(
        "Merci ! Votre contribution est bien arrivée. La personne qui anime la démarche va la "
        "relire ; une fois acceptée, elle apparaîtra dans le tableau de bord du territoire.",
        icon=":material/check_circle:",
    )
    st.caption(f"Contribution envoyée pour : {_plain(name)}")
    st.button("Envoyer une autre contribution", on_click=_again, key=PREFIX + "encore")


def _again() -> None:
    for key in [k for k in st.session_state if str(k).startswith(PREFIX)]:
        del st.session_state[key]


def _problems(problems: dict[str, list[str]], field: str) -> None:
    for message in problems.get(field, []):
        st.error(message, icon=":material/error:")


def _plain(text: str) -> str:
    """User text inside our markdown, as typed (maillage.ui.display)."""
    return display.md(text, None)
