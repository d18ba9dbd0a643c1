"""The cards of « Pistes d'action »: each proposal with its lever in Cap Rural's words, its
evidence, who to involve, why it ranks where it does, the way to the rows behind it, and the
committee's decisions (recorded by analysts only, checked again by `decisions.decide`).

Proposals are computed once per version and view (`st.cache_data` on the `View`); decisions
are read afresh on every run, so a decision shows at once. Every text from the data (names,
comments) is shown as text, never interpreted as markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from maillage import decisions as committee
from maillage.accounts import DECIDE, NotAllowed
from maillage.columns import as_dict
from maillage.formats import counted, format_datetime, format_number
from maillage.proposals import build_proposals, proposal_ids
from maillage.proposals.listing import Listing, assemble, reference_day
from maillage.proposals.record import Proposal
from maillage.proposals.wording import FACTOR_LABELS, LEVER_QUOTES, QUOTE_SOURCE, RULE_LABELS
from maillage.texts import label
from maillage.ui import data, pickers
from maillage.ui.frame import Context

SHOWN = 10
PAGES = {
    "chevauchements": "Chevauchements",
    "qui_fait_quoi": "Qui fait quoi",
    "atlas": "Atlas",
    "discordances": "Discordances de ressorts",
    "blocages": "Blocages",
}
EVIDENCE_WORDS = {
    "overlap": "Chevauchement",
    "shared_communes": "Communes en commun",
    "shared_population": "Habitants en commun",
    "shared_days": "Jours de calendrier commun",
    "remaining_days": "Jours communs restant à courir",
    "common_actors": "Acteurs en commun",
    "common_themes": "Thèmes en commun",
    "communes_a": "Communes du premier",
    "communes_b": "Communes du second",
    "year_a": "Diagnostic du premier",
    "year_b": "Diagnostic du second",
    "years_apart": "Années d’écart",
    "pairs": "Paires",
    "pooling_candidates": "Candidats à la mutualisation",
    "side_by_side_not_crossing": "Se côtoient sans se croiser",
    "communes_of_scheme": "Communes du dispositif",
    "split_rate": "Taux de coupure",
    "epci": "EPCI",
    "split_population": "Habitants concernés",
    "blank_population": "Habitants sans dispositif social",
    "epci_communes": "Communes de l’EPCI",
    "bridging_actors": "Acteurs à l’interface",
    "participants": "Participants",
    "actors": "Acteurs",
    "actors_in_territory": "Acteurs du territoire",
    "schemes_on_their_communes": "Dispositifs sur leurs communes",
}


@st.cache_data(show_spinner="Calcul des pistes d’action…", max_entries=32)
def _proposals(view: data.View, published_at: str) -> tuple[list[Proposal], list[str] | None]:
    """The view's proposals and, when the view is narrower than what it may see, the ids of
    the whole (what is resolved is decided against the whole, not the view)."""
    today = reference_day(published_at)
    model = view.model()
    found = build_proposals(model, today)
    if view.perimeter is None and view.scheme_types is None:
        return found, None
    whole = data.restricted(view.db, view.space, view.version, None, None, scope=view.scope)
    return found, proposal_ids(whole, today)


def listing(context: Context) -> Listing:
    assert context.model is not None and context.version is not None  # the page required data
    assert context.space is not None
    proposals, every = _proposals(context.view, context.version.published_at)
    return assemble(
        context.model,
        proposals,
        every,
        space=context.space,
        version=context.version.version,
        decisions=committee.latest(context.store, context.space),
    )


def filtered(
    found: Listing, levers: list[str], rules: list[str], statuses: list[str]
) -> list[Proposal]:
    """The proposals kept by the page's filters (none chosen: all); `aucune` is undecided."""

    def keep(p: Proposal) -> bool:
        status = found.status(p.id) or "aucune"
        return (
            (not levers or bool(set(p.levers) & set(levers)))
            and (not rules or p.rule in rules)
            and (not statuses or status in statuses)
        )

    return [p for p in found.proposals if keep(p)]


def shown_sentence(shown: int, total: int) -> str:
    """« 3 pistes sur 12 ; les 3 premières : », agreed, for at least one piste shown."""
    first = min(SHOWN, shown)
    head = (
        f"{counted(shown, 'piste')} sur {format_number(total)}"
        if shown < total
        else counted(total, "piste")
    )
    if first == shown:
        return f"{head} :" if shown > 1 else f"{head}, la voici :"
    return f"{head} ; les {format_number(first)} premières :"


def names(context: Context, kind: str, ids) -> list[str]:
    assert context.model is not None  # the page required data
    table = context.model.actors if kind == "actors" else context.model.schemes
    return [str(table["nom"].get(i, i)) for i in ids]


def table(found: Listing, context: Context) -> pd.DataFrame:
    """Every proposal of the view, one row each, for the download (built at the click)."""
    assert context.model is not None  # the page required data
    actors = as_dict(context.model.actors["nom"].astype(str))
    schemes = as_dict(context.model.schemes["nom"].astype(str))
    rows = []
    for rank, p in enumerate(found.proposals, start=1):
        status = found.status(p.id)
        rows.append(
            {
                "Rang": rank,
                "Piste": p.title,
                "Règle": RULE_LABELS[p.rule],
                "Levier": label("lever", p.lever),
                "Score": p.score,
                "Statut": committee.STATUS_LABELS.get(status, "") if status else "",
                "Acteurs à associer": ", ".join(actors.get(a, a) for a in p.actors),
                "Dispositifs": ", ".join(schemes.get(s, s) for s in p.schemes),
                "Communes": p.communes,
                "Habitants": p.population,
                "Identifiant": p.id,
                "Explication": p.explanation,
            }
        )
    return pd.DataFrame(rows)


def card(rank: int, p: Proposal, found: Listing, context: Context) -> None:
    with st.container(border=True):
        status = found.status(p.id)
        head = f"Piste {rank} · {RULE_LABELS[p.rule]} · score {format_number(p.score, 1)}"
        if status:
            head += f" · {committee.STATUS_LABELS[status]}"
        st.caption(head)
        st.text(p.title)  # names from the data: text, not markdown
        st.markdown(f"**Levier\u00a0:** {' ; '.join(label('lever', lv) for lv in p.levers)}")
        st.caption(f"« {LEVER_QUOTES[p.lever]} » — {QUOTE_SOURCE}")
        st.text(p.explanation)
        if p.actors:
            st.markdown("**Qui associer**")
            st.text(", ".join(names(context, "actors", p.actors)))
        left, right = st.columns(2)
        with left:
            st.markdown("**Les chiffres**")
            st.dataframe(evidence(p), hide_index=True, width="stretch")
        with right:
            st.markdown("**Pourquoi en tête**")
            st.dataframe(factors(p), hide_index=True, width="stretch")
        _link(p, context)
        _decisions(p, context)


def evidence(p: Proposal) -> pd.DataFrame:
    rows = [
        {"Élément": EVIDENCE_WORDS[k], "Valeur": _value(k, v)}
        for k, v in p.evidence.items()
        if k in EVIDENCE_WORDS and v is not None
    ]
    rows += [
        {"Élément": "Communes concernées", "Valeur": format_number(p.communes)},
        {"Élément": "Habitants concernés", "Valeur": format_number(p.population)},
    ]
    return pd.DataFrame(rows)


def _value(key: str, value) -> str:
    if key in ("overlap", "split_rate"):
        return f"{format_number(float(value) * 100)}\u00a0%"
    if key.startswith("year"):
        return str(value)
    return format_number(value) if isinstance(value, int | float) else str(value)


def factors(p: Proposal) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Facteur": FACTOR_LABELS[f.name],
                "Points": format_number(f.points, 1),
                "Sur": format_number(f.weight),
                "D’où": f.detail,
            }
            for f in p.factors
        ]
    )


def _link(p: Proposal, context: Context) -> None:
    page = PAGES.get(p.page)
    if page is None:
        return
    query = dict(p.query)
    if context.access is not None and context.access.share is not None:
        token = st.query_params.get("partage")
        if token:
            query["partage"] = token
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    st.markdown(
        f"[Voir les lignes derrière cette piste — page « {page} »]"
        f"({p.page}{'?' + suffix if suffix else ''})"
    )


def _decisions(p: Proposal, context: Context) -> None:
    assert context.space is not None  # the page required data
    past = committee.history(context.store, context.space, p.id)
    if past:
        with st.expander(f"Décisions du comité ({len(past)})"):
            for d in reversed(past):
                who = f" par {d.author}" if d.author else ""
                st.text(
                    f"{format_datetime(d.decided_at)} — "
                    f"{committee.STATUS_LABELS[d.status]}{who}"
                    + (f" : {d.comment}" if d.comment else "")
                )
    if not context.can(DECIDE):
        return
    with st.form(key=f"decision_{p.id}", border=False):
        left, right = st.columns([1, 2])
        status = pickers.selectbox(
            "Décision du comité",
            committee.STATUSES,
            where=left,
            format_func=committee.STATUS_LABELS.__getitem__,
            key=f"statut_{p.id}",
        )
        comment = right.text_input(
            "Commentaire (obligatoire pour écarter)", key=f"commentaire_{p.id}"
        )
        if st.form_submit_button("Enregistrer la décision"):
            record(context, p, status, comment)


def record(context: Context, p: Proposal, status: str, comment: str) -> None:
    """The one way the page records: the domain checks the role, status, reason and id."""
    found = listing(context)
    assert context.space is not None and context.version is not None  # as listing() said
    author = context.access.user if context.access and context.access.user else None
    try:
        committee.decide(
            context.store,
            context.space,
            p.id,
            status,
            comment,
            author=author or "analyste local",
            role=context.role,
            known=found.ids,
            version=context.version.version,
        )
    except (committee.DecisionRefused, NotAllowed) as refusal:
        st.error(str(refusal))
        return
    st.success(f"Décision enregistrée : {committee.STATUS_LABELS[status].lower()}.")
