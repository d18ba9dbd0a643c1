"""Discordances de ressorts : deux types de périmètres, leurs frontières se recoupent-elles ?"""

import streamlit as st

from maillage.exports import CSV_MIME, csv_bytes
from maillage.texts import label
from maillage.ui import auth
from maillage.ui import mismatch_charts as charts
from maillage.ui.downloads import checked_csv
from maillage.ui.frame import frame, require_data
from maillage.vocabularies import VOCABULARIES

context = frame("Discordances de ressorts")
model = require_data(context)
st.markdown("EPCI, circonscriptions d’action sociale, territoires CAF et MSA, centres sociaux : "
            "chacun a ses frontières, et l’on ne sait plus qui couvre qui. Choisissez deux "
            "types de périmètres pour voir où leurs cartes ne coïncident pas.")

present = [t for t in VOCABULARIES["perimeter_type"] if t in set(model.perimeters["type"])]
if len(present) < 2:
    st.info("Il faut au moins deux types de périmètres dans le classeur pour les comparer.")
    st.stop()
x_default, y_default = charts.default_pair(present)
for key in (charts.X_KEY, charts.Y_KEY):
    if st.session_state.get(key, present[0]) not in present:  # another territory, other types
        del st.session_state[key]
left, right, middle = st.columns([2, 2, 1])
x_type = left.selectbox("Les périmètres à examiner", present, present.index(x_default),
                        key=charts.X_KEY, format_func=lambda t: label("perimeter_type", t),
                        bind="query-params")
y_type = right.selectbox("Comparés aux frontières des", present, present.index(y_default),
                         key=charts.Y_KEY, format_func=lambda t: label("perimeter_type", t),
                         bind="query-params")
weight = middle.radio("Compter", ["communes", "population"], key=charts.WEIGHT_KEY,
                      format_func={"communes": "les communes", "population": "les habitants"}.get,
                      bind="query-params")
if x_type == y_type:
    st.warning("Choisissez deux types de périmètres différents.")
    st.stop()

args = (context.view._replace(scheme_types=None), x_type, y_type)
result = charts.result(*args, weight)
for column, (title, value, sentence) in zip(st.columns(4), charts.headlines(result), strict=True):
    column.metric(title, value)
    column.caption(sentence)
if more := charts.details(result):
    with st.expander("En savoir plus sur l’accord des deux découpages"):
        st.markdown(more)

xs, ys = charts.words(x_type)[0], charts.words(y_type)[0]
st.subheader(f"Des {xs} vers les {ys}")
st.caption(f"Chaque bande relie un des {xs} aux {ys} qui le recouvrent ; en vermillon, "
           f"les {xs} coupés. Au plus {charts.MAX_DRAWN} {xs}, les coupés d’abord.")
st.plotly_chart(charts.sankey(result), config={"displaylogo": False})

st.subheader(f"Où se trouve chacun des {xs}")
st.caption(f"Part de chacun des {xs} (en ligne) située dans chacun des {ys} (en colonne).")
st.plotly_chart(charts.heatmap(result), config={"displaylogo": False})

st.subheader(f"{xs[:1].upper()}{xs[1:]} coupés et leurs morceaux")
pieces = charts.pieces_table(result)
if pieces.empty:
    st.success(f"Aucun périmètre n’est coupé : chacun tient dans un seul des {ys}.")
else:
    st.dataframe(pieces, hide_index=True)
    st.download_button("Télécharger la liste (CSV)",
                       checked_csv(context, lambda: csv_bytes(pieces)),
                       file_name=f"discordances_{x_type}_{y_type}.csv", mime=CSV_MIME,
                       on_click="ignore", icon=":material/download:",
                       help="Séparateur « ; », lisible directement par Excel.")


@st.fragment
def draw_map() -> None:
    auth.gate()  # a fragment rerun skips the frame: a link revoked meanwhile stops here
    st.subheader("Carte")
    deck = charts.split_map(*args)
    if deck is None:
        st.info("Pas de contour de commune disponible pour ces périmètres.")
        return
    st.caption(f"En vermillon, les communes des {xs} coupés ; les traits noirs sont les "
               f"frontières des {ys}.")
    st.pydeck_chart(deck, height=520)


draw_map()
