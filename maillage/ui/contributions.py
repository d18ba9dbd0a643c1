"""The analyst's moderation screen: contribution links, the queue, one decision per
contribution, and the publication of the accepted ones as one new version.

Every action is checked again server-side (`auth.require`), whatever the browser sent: a
reader or a share link can neither see the queue nor decide. Contacts are shown here, to the
analyst, and nowhere else.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from maillage import contributions
from maillage.accounts import PUBLISH
from maillage.columns import as_dict
from maillage.contributions import CannotContribute, QueueItem
from maillage.formats import format_date, format_datetime
from maillage.model import Model
from maillage.texts import label
from maillage.ui import auth, display, pickers
from maillage.ui.frame import Context

NEW_LINK = "contributions_nouveau_lien"
MESSAGE = "contributions_message"
DURATIONS = {7: "1 semaine", 30: "1 mois", 90: "3 mois", 365: "1 an"}
STATES = {"actif": "Actif", "expire": "Expiré", "revoque": "Révoqué"}


def _author(context: Context) -> str | None:
    access = context.access
    if access is None:
        return None
    return access.user or ("analyste local" if access.local else None)


def links_section(context: Context, model: Model) -> None:
    """Create, list and revoke the links partners use to contribute."""
    names = as_dict(model.perimeters["nom"])

    def create() -> None:
        auth.require(PUBLISH)
        state = st.session_state
        try:
            token, link = contributions.create_link(
                context.store,
                str(context.space),
                state.get("contribution_perimetre") or None,
                timedelta(days=int(state.get("contribution_duree") or 30)),
                int(state["contribution_max"]) if state.get("contribution_max") else None,
                author=_author(context),
            )
        except CannotContribute as refusal:
            state[MESSAGE] = str(refusal)
            return
        state[NEW_LINK] = (link.id, token)

    st.subheader("Liens de contribution")
    st.markdown(
        "Un lien de contribution ouvre un **formulaire sans compte** : une structure, un "
        "collectif d’habitants ou un élu y dit qui il est, à quels dispositifs il prend part et "
        "ce qui le bloque. **Rien n’est publié** avant que vous l’ayez accepté ici."
    )
    with st.form("contribution_creation"):
        pickers.selectbox(
            "Territoire proposé",
            ["", *sorted(names, key=lambda p: names[p])],
            key="contribution_perimetre",
            format_func=lambda p: names.get(p, "Tout le territoire de l’espace"),
        )
        pickers.selectbox(
            "Valable",
            list(DURATIONS),
            index=1,
            key="contribution_duree",
            format_func=lambda days: DURATIONS[days],
        )
        st.number_input(
            "Nombre maximal de contributions (0 : sans limite)",
            min_value=0,
            max_value=10_000,
            value=0,
            step=1,
            key="contribution_max",
        )
        st.form_submit_button(
            "Créer le lien de contribution", icon=":material/add_link:", on_click=create
        )
    if message := st.session_state.pop(MESSAGE, None):
        st.error(message)
    if new := st.session_state.get(NEW_LINK):
        link_id, token = new
        address = urlsplit(st.context.url or "")
        base = f"{address.scheme}://{address.netloc}" if address.netloc else ""
        st.success(
            f"Lien de contribution n° {link_id} créé. Copiez-le maintenant : il ne sera plus "
            "affiché.",
            icon=":material/link:",
        )
        st.code(base + contributions.contribution_path(token), language=None)
    found = contributions.links(context.store, context.space)
    if not found:
        st.caption("Aucun lien de contribution pour l’instant.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "N°": x.id,
                    "Territoire": names.get(x.perimeter, x.perimeter) if x.perimeter else "Tout",
                    "Reçues": contributions.received(context.store, x.id),
                    "Maximum": x.max_contributions or "—",
                    "Expire le": format_date(x.expires_at),
                    "Par": x.author or "—",
                    "État": STATES[x.state()],
                }
                for x in found
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    active = [x.id for x in found if x.state() == "actif"]
    if active:
        chosen = pickers.selectbox(
            "Lien à révoquer",
            active,
            format_func=lambda i: f"Lien n° {i}",
            key="contribution_a_revoquer",
        )

        def revoke() -> None:
            auth.require(PUBLISH)
            contributions.revoke(context.store, chosen)

        st.button(
            "Révoquer", icon=":material/link_off:", on_click=revoke, key="contribution_revoquer"
        )


def queue_table(items: list[QueueItem], model: Model) -> pd.DataFrame:
    communes = as_dict(model.communes["nom"])
    return pd.DataFrame(
        [
            {
                "N°": item.id,
                "Reçue le": format_datetime(item.submitted_at),
                "Nom": item.submission.name,
                "Forme": label("actor_form", item.submission.form),
                "Commune": communes.get(item.submission.commune, item.submission.commune),
                "Dispositifs": len(item.submission.participations),
                "État": contributions.STATUS_LABELS[item.status],
                "Raison": item.reason or "",
            }
            for item in items
        ]
    )


def review_section(context: Context, model: Model, item: QueueItem, contact: str | None) -> None:
    """One contribution: what it says, its possible duplicates, its problems, the decision."""
    space = str(context.space)
    taken = item.submission
    schemes = as_dict(model.schemes["nom"])
    actors = as_dict(model.actors["nom"])
    communes = as_dict(model.communes["nom"])
    with st.expander(f"N° {item.id} — {taken.name}", expanded=item.status == "en_attente"):
        st.dataframe(
            pd.DataFrame(
                {
                    "Champ": [
                        "Forme",
                        "Famille",
                        "Champ",
                        "Type",
                        "Commune",
                        "Thématiques",
                        "Dispositifs",
                        "Ce qui bloque",
                        "Contact (pour vous seul·e)",
                    ],
                    "Valeur": [
                        label("actor_form", taken.form),
                        label("actor_category", taken.category),
                        label("field", taken.field),
                        taken.kind or "—",
                        f"{communes.get(taken.commune, '')} ({taken.commune})",
                        ", ".join(label("theme", t) for t in taken.themes) or "—",
                        "; ".join(
                            f"{schemes.get(p.scheme, p.scheme)} ({label('role', p.role)})"
                            for p in taken.participations
                        )
                        or "—",
                        (
                            f"{label('blockage_category', taken.blockage_category)} : "
                            f"{taken.blockage_text}"
                        )
                        if taken.blockage_text
                        else "—",
                        contact or "—",
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        if item.status not in ("en_attente", "acceptee", "corrigee"):
            st.caption(
                f"{contributions.STATUS_LABELS[item.status]}"
                + (f" : {display.md(item.reason, None)}" if item.reason else "")
            )
            return
        twins = contributions.duplicates(taken, model.actors)
        if twins:
            st.warning(
                "Doublon possible : "
                + ", ".join(f"{display.md(actors[a])} ({display.md(a)})" for a in twins)
                + ". Fusionnez la contribution avec l’acteur existant plutôt que de le créer "
                "une seconde fois.",
                icon=":material/content_copy:",
            )
        validation = contributions.preview(context.store, space, [item])
        errors = [p for p in validation.problems if p.severity == "erreur"]
        for problem in errors:
            st.error(problem.message)
        key = f"contribution_{item.id}"
        others = sorted((a for a in actors if a not in twins), key=lambda a: actors[a])
        pickers.selectbox(
            "Acteur existant avec lequel fusionner",
            [*twins, *others],
            index=0 if twins else None,
            key=f"{key}_fusion",
            format_func=lambda a: f"{actors[a]} ({a})",
            placeholder="Choisissez un acteur existant",
        )
        with st.popover("Corriger avant d’accepter", icon=":material/edit:"):
            st.text_input(
                "Nom",
                value=taken.name,
                key=f"{key}_nom",
                max_chars=contributions.MAX_LENGTH["name"],
            )
            st.text_input(
                "Type précis",
                value=taken.kind,
                key=f"{key}_type",
                max_chars=contributions.MAX_LENGTH["kind"],
            )
            st.button(
                "Accepter avec ces corrections",
                key=f"{key}_corriger",
                on_click=decide,
                args=(context, item, "corrigee"),
            )
        st.text_input(
            "Raison du rejet", key=f"{key}_raison", max_chars=contributions.MAX_LENGTH["reason"]
        )
        new, merge, reject = st.columns(3)
        new.button(
            "Accepter comme nouvel acteur",
            key=f"{key}_accepter",
            type="primary",
            on_click=decide,
            args=(context, item, "acceptee"),
            disabled=bool(errors),
        )
        merge.button(
            "Fusionner avec l’acteur choisi",
            key=f"{key}_fusionner",
            on_click=decide,
            args=(context, item, "acceptee", True),
            disabled=bool(errors),
        )
        reject.button(
            "Rejeter", key=f"{key}_rejeter", on_click=decide, args=(context, item, "rejetee")
        )


def decide(context: Context, item: QueueItem, status: str, merged: bool = False) -> None:
    """Record the analyst's decision from the widgets of this contribution."""
    auth.require(PUBLISH)
    key, state = f"contribution_{item.id}", st.session_state
    corrected = None
    if status == "corrigee":
        corrected = replace(
            item.submission,
            name=str(state.get(f"{key}_nom") or ""),
            kind=str(state.get(f"{key}_type") or ""),
        )
    try:
        contributions.review(
            context.store,
            str(context.space),
            item.id,
            status,
            author=_author(context),
            reason=state.get(f"{key}_raison") or None,
            corrected=corrected,
            merge_into=(state.get(f"{key}_fusion") or None) if merged else None,
        )
    except CannotContribute as refusal:
        state[MESSAGE] = str(refusal)


def publish_button(context: Context, items: list[QueueItem]) -> None:
    ready = [item for item in items if item.status in contributions.ACCEPTED]

    def publish() -> None:
        auth.require(PUBLISH)
        try:
            version = contributions.publish_accepted(
                context.store, str(context.space), author=_author(context)
            )
        except CannotContribute as refusal:
            st.session_state[MESSAGE] = str(refusal)
            return
        st.session_state[MESSAGE + "_ok"] = f"Version {version.version} publiée : {version.file}."

    st.button(
        f"Publier les contributions acceptées ({len(ready)})",
        type="primary",
        icon=":material/publish:",
        disabled=not ready,
        on_click=publish,
        key="contributions_publier",
    )
    if done := st.session_state.pop(MESSAGE + "_ok", None):
        st.success(done)
    if message := st.session_state.pop(MESSAGE, None):
        st.error(message)
