"""Qui fait quoi : l’annuaire des acteurs, le réseau acteurs–dispositifs, les personnes relais
et la transversalité de chaque dispositif."""

import streamlit as st

from maillage.formats import format_number, format_share
from maillage.ui import who_does_what as screen
from maillage.ui.downloads import download_table
from maillage.ui.frame import frame, require_data

context = frame("Qui fait quoi")
model = require_data(context)
st.markdown(
    "« On ne sait pas qui fait quoi, sur quoi, avec qui, comment… » : cherchez un "
    "acteur par commune, thématique, famille, champ, rôle, stade d’entrée ou nature "
    "d’intervention, puis voyez qui relie le social et le développement local."
)

st.subheader("Annuaire des acteurs")
filters = screen.directory_filters(context)
table = screen.found(context, **filters)
if table.empty:
    st.info(
        "Aucun acteur ne correspond à ces critères. Retirez un critère ou changez le nom "
        "cherché : la recherche ignore majuscules et accents.",
        icon=":material/search_off:",
    )
else:
    st.caption(
        f"{screen.actors_found(len(table), len(model.actors))} Un acteur agit sur une "
        "commune par son siège, son ressort ou le périmètre d’un dispositif auquel il "
        "prend part."
    )
    st.dataframe(table, hide_index=True, width="stretch", height=320)
    download_table(table, "qui-fait-quoi", context)

fields, relays, late = screen.indicators(context)
measures = screen.measures(context)
st.subheader("Le réseau des acteurs et des dispositifs")
left, middle, right = st.columns(3)
left.metric(
    "Dispositifs transversaux",
    format_share(fields["transversal"].mean() if len(fields) else 0.0),
    help="Part des dispositifs dont les participants, pilote compris, viennent du "
    "social et du développement local (« les deux » compte pour chacun).",
)
middle.metric(
    "Personnes relais",
    format_number(len(relays)),
    help="Acteurs qui prennent part à un dispositif social et à un dispositif de "
    "développement local : « à l’interface de plusieurs réseaux ».",
)
right.metric(
    "Acteurs isolés",
    format_number(int(measures.actors["isolated"].sum())),
    help="Acteurs qui ne prennent part à aucun dispositif.",
)
if late is not None:
    st.info(
        f"{format_share(late)} des financeurs arrivent après l’émergence : associer les "
        "financeurs dès la réflexion, « ne pas les associer qu’à la fin »."
    )
figure, drawn, total = screen.network_figure(context)
# The graph is unusable on a phone: there, style.py hides it and shows this list instead.
with st.container(key="relais_liste"):
    st.markdown("**Les personnes relais et ce qu’elles relient**")
    linking = screen.relays_table(context)
    if linking.empty:
        st.caption(
            "Aucun acteur ne prend part à la fois à un dispositif social et à un "
            "dispositif de développement local."
        )
    else:
        st.dataframe(linking, hide_index=True, width="stretch")
with st.container(key="reseau"):
    if drawn:
        st.plotly_chart(figure, width="stretch", key="reseau_graphe")
        if drawn < total:
            st.caption(
                f"Les {format_number(drawn)} acteurs et dispositifs les plus reliés "
                f"sur {format_number(total)}, personnes relais d’abord : choisissez un "
                "territoire ou des types de dispositifs pour voir le reste."
            )
    else:
        st.caption("Aucune participation enregistrée : le réseau est vide.")
    st.caption(
        screen.components_sentence(measures.components)
        + " Les losanges cerclés sont les personnes relais."
    )
brokers = screen.brokers_table(context)
if len(brokers):
    st.markdown(
        "**Par où passent les liens** — les acteurs sur le plus de chemins courts "
        "entre les autres :"
    )
    st.dataframe(brokers, hide_index=True, width="stretch")

st.subheader("Transversalité de chaque dispositif")
st.dataframe(screen.transversality_table(fields), hide_index=True, width="stretch")
