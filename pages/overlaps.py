"""Chevauchements : les dispositifs qui couvrent les mêmes communes, ceux qui « se côtoient sans
se croiser » et ceux qui pourraient mettre en commun gouvernance et diagnostic."""

import streamlit as st

from maillage.formats import format_number
from maillage.overlaps import FLAGS
from maillage.ui import display, url
from maillage.ui import overlaps as screen
from maillage.ui.downloads import download_table
from maillage.ui.frame import frame, require_data

context = frame("Chevauchements des dispositifs")
model = require_data(context)
st.markdown(
    "Deux dispositifs **se chevauchent** quand ils couvrent les mêmes communes. Sont signalées "
    "les paires qui **se côtoient sans se croiser** (aucun acteur en commun), les "
    "**candidates à la mutualisation** (calendriers et thèmes communs), les diagnostics et les "
    "instances en double."
)

percent = url.slider(
    "Chevauchement minimal",
    10,
    100,
    50,
    5,
    "chevauchement",
    format="%d\u00a0%%",
    help="Part des communes du plus petit des deux dispositifs que l’autre "
    "couvre aussi. Les indicateurs de la synthèse retiennent 50\u00a0%.",
)
pairs = screen.flagged(context, percent / 100)
if example := screen.pooling_example(pairs):  # from the data shown, never the demo's
    st.caption(example)
counts = st.columns(len(FLAGS))
for column, (flag, title) in zip(counts, FLAGS.items(), strict=True):
    column.metric(title, format_number(int(pairs[flag].sum())))

st.subheader("Paires signalées")
if pairs.empty:
    st.info(
        "Aucune paire de dispositifs n’est signalée à ce seuil : baissez le chevauchement "
        "minimal, ou élargissez le territoire et les types de dispositifs."
    )
else:
    table = screen.flagged_table(pairs)
    screen.show_table(table)
    screen.show_reasons(table)
    download_table(table, "paires-signalees", context, csv=screen.table_csv)

st.subheader("Qui couvre les mêmes communes")
matrix = screen.clustered(context, percent / 100)
if matrix.empty:
    st.caption("Moins de deux dispositifs se chevauchent à ce seuil.")
else:
    st.caption(
        "Chaque case donne le chevauchement de deux dispositifs ; l’ordre regroupe ceux "
        "qui couvrent les mêmes communes (les blocs foncés)."
    )
    st.plotly_chart(screen.heatmap(matrix, model.schemes["nom"]), width="stretch")

choices = [f"{a}|{b}" for a, b in zip(pairs["a"], pairs["b"], strict=True)][: screen.SHOWN_ROWS]
names = model.schemes["nom"]
chosen = url.selectbox(
    "Paire à regarder de près",
    choices,
    "paire",
    format_func=lambda p: " × ".join(display.short(names.get(s, s)) for s in p.split("|")),
)
pair = tuple(chosen.split("|")) if chosen else ()

st.subheader("Calendriers")
schemes = model.schemes
if len(schemes) > screen.HEATMAP_SIZE and not matrix.empty:
    schemes = schemes[schemes.index.isin([*matrix.index, *pair])]
figure = screen.timeline(schemes, highlight=pair)
undated = schemes.index[schemes["debut"].isna() | schemes["fin"].isna()]
if figure is not None:
    st.plotly_chart(figure, width="stretch")
if len(undated):
    st.caption(
        "Sans date de début ou de fin : "
        + ", ".join(display.md(n) for n in sorted(names.reindex(undated).fillna("").astype(str)))
        + "."
    )

if pair:
    st.subheader("Communes de la paire")
    first, second = (model.communes_of(model.schemes.at[s, "perimetre"]) for s in pair)
    screen.show_pair_map(
        context.view, pair[0], pair[1], (names[pair[0]], names[pair[1]]), len(first & second)
    )
