"""Discordances de ressorts : deux types de périmètres, leurs frontières se recoupent-elles ?"""

import streamlit as st

from maillage.texts import label
from maillage.ui import auth, url
from maillage.ui import mismatch as screen
from maillage.ui.downloads import download_table
from maillage.ui.frame import frame, require_data
from maillage.vocabularies import VOCABULARIES

context = frame("Discordances de ressorts")
model = require_data(context)
st.markdown(
    "EPCI, circonscriptions d’action sociale, territoires CAF et MSA, centres sociaux : "
    "chacun a ses frontières, et l’on ne sait plus qui couvre qui. Choisissez deux "
    "types de périmètres pour voir où leurs cartes ne coïncident pas."
)

present = [t for t in VOCABULARIES["perimeter_type"] if t in set(model.perimeters["type"])]
if len(present) < 2:
    st.info("Il faut au moins deux types de périmètres dans le classeur pour les comparer.")
    st.stop()
x_default, y_default = screen.default_pair(present)
left, right, middle = st.columns([2, 2, 1])
x_type = url.selectbox(
    "Les périmètres à examiner",
    present,
    screen.X_KEY,
    default=x_default,
    where=left,
    format_func=lambda t: label("perimeter_type", t),
)
y_type = url.selectbox(
    "Comparés aux frontières des",
    present,
    screen.Y_KEY,
    default=y_default,
    where=right,
    format_func=lambda t: label("perimeter_type", t),
)
weight = url.radio(
    "Compter",
    ["communes", "population"],
    screen.WEIGHT_KEY,
    where=middle,
    format_func={"communes": "les communes", "population": "les habitants"}.get,
)
if x_type == y_type:
    st.warning("Choisissez deux types de périmètres différents.")
    st.stop()

args = (context.view._replace(scheme_types=None), x_type, y_type)
result = screen.result(*args, weight)
for column, (title, value, sentence) in zip(st.columns(4), screen.headlines(result), strict=True):
    column.metric(title, value)
    column.caption(sentence)
if more := screen.details(result):
    with st.expander("En savoir plus sur l’accord des deux découpages"):
        st.markdown(more)

xs, ys = screen.words(x_type)[0], screen.words(y_type)[0]
st.subheader(f"Des {xs} vers les {ys}")
st.caption(
    f"Chaque bande relie un des {xs} aux {ys} qui le recouvrent ; en vermillon, "
    f"les {xs} coupés. Au plus {screen.MAX_DRAWN} {xs}, les coupés d’abord."
)
st.plotly_chart(screen.sankey(result), config={"displaylogo": False})

st.subheader(f"Où se trouve chacun des {xs}")
st.caption(f"Part de chacun des {xs} (en ligne) située dans chacun des {ys} (en colonne).")
st.plotly_chart(screen.heatmap(result), config={"displaylogo": False})

st.subheader(f"{xs[:1].upper()}{xs[1:]} coupés et leurs morceaux")
pieces = screen.pieces_table(result)
if pieces.empty:
    st.success(f"Aucun périmètre n’est coupé : chacun tient dans un seul des {ys}.")
else:
    st.dataframe(pieces, hide_index=True)
    download_table(pieces, f"discordances_{x_type}_{y_type}", context)


@st.fragment
def draw_map() -> None:
    auth.gate()  # a fragment rerun skips the frame: a link revoked meanwhile stops here
    st.subheader("Carte")
    drawing = screen.split_map(*args)
    if drawing is None:
        st.info("Pas de contour de commune disponible pour ces périmètres.")
        return
    st.caption(
        f"En vermillon, les communes des {xs} coupés ; les traits noirs sont les "
        f"frontières des {ys}."
    )
    st.markdown(drawing, unsafe_allow_html=True)


draw_map()
