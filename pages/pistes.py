"""Pistes d’action : chaque constat des indicateurs devenu une action qu’un comité peut
prendre, classée, prouvée, reliée à un levier de Cap Rural, avec les décisions du comité."""

import streamlit as st

from maillage.decisions import STATUS_LABELS, STATUSES
from maillage.proposals import RULES
from maillage.proposals.wording import RULE_LABELS
from maillage.texts import label
from maillage.ui import proposals as cards
from maillage.ui import url
from maillage.ui.downloads import download_table
from maillage.ui.frame import frame, require_data
from maillage.vocabularies import VOCABULARIES

context = frame("Pistes d’action")
require_data(context)
found = cards.listing(context)
st.markdown(
    "Les actions à prendre d’abord, tirées des données du territoire : chacune dit "
    "quoi faire, avec qui, sur quels chiffres, et pourquoi elle est en tête. Les "
    "leviers sont ceux de Cap Rural (« Agir concrètement », 2023)."
)
if not found.proposals and not found.resolved:
    st.info(
        "Aucune piste d’action pour ce territoire : aucun des constats qui en font naître "
        "(chevauchements, blocages, acteurs isolés…) n’apparaît dans les données."
    )
    st.stop()

left, middle, right = st.columns(3)
levers = url.multiselect(
    "Levier",
    list(VOCABULARIES["lever"]),
    "levier",
    where=left,
    format_func=lambda c: label("lever", c),
    placeholder="Tous",
)
rules = url.multiselect(
    "Règle", list(RULES), "regle", where=middle, format_func=RULE_LABELS.get, placeholder="Toutes"
)
statuses = url.multiselect(
    "Statut",
    ["aucune", *STATUSES],
    "statut",
    where=right,
    format_func=lambda s: STATUS_LABELS.get(s, "Sans décision"),
    placeholder="Tous",
)
shown = cards.filtered(found, levers, rules, statuses)
if not shown:
    st.info(
        "Aucune piste ne correspond à ces filtres : retirez un levier, une règle ou un "
        "statut pour revoir les autres.",
        icon=":material/filter_alt_off:",
    )
else:
    st.caption(cards.shown_sentence(len(shown), len(found.proposals)))
for rank, proposal in enumerate(shown[: cards.SHOWN], start=1):
    cards.card(rank, proposal, found, context)

if found.resolved:
    st.subheader("Résolues par les données")
    st.caption("Pistes décidées dont le constat a disparu de la dernière version publiée.")
    for decision in found.resolved:
        st.text(f"{decision.proposal} — {STATUS_LABELS[decision.status]}")

st.subheader("Toutes les pistes")
download_table(lambda: cards.table(found, context), "pistes-d-action", context)
