"""Chevauchements : les dispositifs qui couvrent les mêmes communes, ceux qui « se côtoient sans
se croiser » et ceux qui pourraient mettre en commun gouvernance et diagnostic."""

import streamlit as st

from maillage.exports import CSV_MIME
from maillage.overlaps import FLAGS
from maillage.texts import format_number
from maillage.ui import display
from maillage.ui import overlaps_charts as charts
from maillage.ui.downloads import checked_csv
from maillage.ui.frame import frame, require_data

context = frame("Chevauchements des dispositifs")
model = require_data(context)
st.markdown(
    "Deux dispositifs **se chevauchent** quand ils couvrent les mêmes communes. Sont signalées "
    "les paires qui **se côtoient sans se croiser** (aucun acteur en commun), les "
    "**candidates à la mutualisation** (calendriers et thèmes communs), les diagnostics et les "
    "instances en double.")

percent = st.slider("Chevauchement minimal", 10, 100, 50, 5, format="%d\u00a0%%",
                    key="chevauchement", bind="query-params",
                    help="Part des communes du plus petit des deux dispositifs que l’autre "
                    "couvre aussi. Les indicateurs de la synthèse retiennent 50\u00a0%.")
pairs = charts.flagged(context, percent / 100)
if example := charts.pooling_example(pairs):  # from the data shown, never the demo's
    st.caption(example)
counts = st.columns(len(FLAGS))
for column, (flag, title) in zip(counts, FLAGS.items(), strict=True):
    column.metric(title, format_number(int(pairs[flag].sum())))

st.subheader("Paires signalées")
if pairs.empty:
    st.info("Aucune paire de dispositifs n’est signalée à ce seuil : baissez le chevauchement "
            "minimal, ou élargissez le territoire et les types de dispositifs.")
else:
    table = charts.flagged_table(pairs)
    charts.show_table(table)
    st.download_button("Télécharger les paires signalées (.csv)",
                       data=checked_csv(context, lambda: charts.table_csv(table)),
                       file_name="paires-signalees.csv",
                       mime=CSV_MIME, on_click="ignore",
                       icon=":material/download:", help="Séparateur « ; », lisible par Excel.")

st.subheader("Qui couvre les mêmes communes")
matrix = charts.clustered(context, percent / 100)
if matrix.empty:
    st.caption("Moins de deux dispositifs se chevauchent à ce seuil.")
else:
    st.caption("Chaque case donne le chevauchement de deux dispositifs ; l’ordre regroupe ceux "
               "qui couvrent les mêmes communes (les blocs foncés).")
    st.plotly_chart(charts.heatmap(matrix, model.schemes["nom"]), width="stretch")

choices = [f"{a}|{b}" for a, b in zip(pairs["a"], pairs["b"], strict=True)][:charts.SHOWN_ROWS]
names = model.schemes["nom"]
chosen = st.selectbox("Paire à regarder de près", choices, key="paire", bind="query-params",
                      format_func=lambda p: " × ".join(display.short(names.get(s, s))
                                                       for s in p.split("|")))
pair = tuple(chosen.split("|")) if chosen else ()

st.subheader("Calendriers")
schemes = model.schemes
if len(schemes) > charts.HEATMAP_SIZE and not matrix.empty:
    schemes = schemes[schemes.index.isin([*matrix.index, *pair])]
figure = charts.timeline(schemes, highlight=pair)
undated = schemes.index[schemes["debut"].isna() | schemes["fin"].isna()]
if figure is not None:
    st.plotly_chart(figure, width="stretch")
if len(undated):
    st.caption("Sans date de début ou de fin : " + ", ".join(
        display.md(n) for n in sorted(names.reindex(undated).fillna("").astype(str))) + ".")

if pair:
    st.subheader("Communes de la paire")
    first, second = (model.communes_of(schemes_perimeter) for schemes_perimeter in
                     model.schemes.loc[list(pair), "perimetre"])
    charts.show_pair_map(model.communes, first, second, (names[pair[0]], names[pair[1]]))
