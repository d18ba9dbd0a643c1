"""Blocages : ce qui bloque, tel que rapporté en ateliers, enquêtes et comités, et les leviers
proposés pour agir (Cap Rural, « Identifier ce qui bloque » et « Agir concrètement »)."""

import streamlit as st

from maillage.formats import format_number, format_share
from maillage.texts import label
from maillage.ui import blockages as screen
from maillage.ui import display
from maillage.ui.downloads import download_table
from maillage.ui.frame import frame, require_data

context = frame("Blocages")
require_data(context)
found = screen.tables(context)
summary = found["summary"]
if not summary["total"]:
    st.info(
        "Aucun blocage n’est enregistré pour ce territoire. Ajoutez-les dans la feuille "
        "« blocages » du classeur : ce qui a été dit en atelier, en enquête ou en comité."
    )
    st.stop()

st.markdown(
    "Ce qui empêche le social et le développement local de travailler ensemble, "
    "classé selon les quatre familles repérées par Cap Rural : une segmentation des "
    "publics, des approches, des professionnels, des dispositifs ; un manque de méthode ; "
    "un manque de portage politique ; un manque de moyens."
)
left, middle, right = st.columns(3)
left.metric("Blocages rapportés", format_number(summary["total"]))
middle.metric("Levés", format_share(summary["lifted_share"]))
right.metric(
    "Sans levier proposé",
    format_number(summary["without_lever"]),
    help="Blocages encore ouverts ou en cours pour lesquels aucun levier n’est noté.",
)

st.subheader("Identifier ce qui bloque")
st.plotly_chart(screen.category_bars(found["by_status"]), width="stretch", key="categories")
if not found["territory"].empty:
    st.caption(
        "Où : chaque case compte les blocages d’une catégorie rapportés sur un "
        "territoire (ou sur un dispositif de ce territoire)."
    )
    st.plotly_chart(
        screen.territory_heatmap(found["territory"]), width="stretch", key="territoires"
    )

st.subheader("Les propos rapportés")
words = found["words"]
for category, rows in words.groupby("categorie", sort=False):
    with st.expander(f"{label('blockage_category', category)} ({len(rows)})"):
        for theme, group in rows.groupby(rows["sous_categorie"].fillna(""), sort=False):
            st.markdown(f"**{display.md(theme) if theme else 'Sans sous-thème'}**")
            st.markdown(
                "\n".join(
                    f"- « {display.md(text, display.TOOLTIP)} » — {label('status', status).lower()}"
                    for text, status in zip(group["description"], group["statut"], strict=True)
                )
            )

if not found["over_time"].empty:
    st.subheader("Dans le temps")
    st.caption("Blocages rapportés par trimestre, selon leur statut aujourd’hui.")
    st.plotly_chart(screen.over_time(found["over_time"]), width="stretch", key="temps")

st.subheader("Agir concrètement : les leviers proposés")
if found["levers"].empty or not found["levers"].to_numpy().any():
    st.caption("Aucun levier n’est encore noté en face des blocages.")
else:
    st.caption("Combien de fois chaque levier est proposé contre chaque famille de blocage.")
    st.dataframe(screen.levers_table(found["levers"]), hide_index=True, width="stretch")
st.markdown("**Blocages qu’aucun levier ne traite encore**")
unaddressed = screen.blockage_list(found["without_lever"])
if unaddressed.empty:
    st.caption("Chaque blocage ouvert a au moins un levier proposé.")
else:
    st.dataframe(unaddressed, hide_index=True, width="stretch")
    download_table(unaddressed, "blocages-sans-levier", context)
