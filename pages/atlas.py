"""Atlas : la carte d’acteurs des ateliers Cap Rural — qui est où, quelles communes aucun
dispositif social n’atteint, où les dispositifs s’empilent."""

import streamlit as st

from maillage.texts import label
from maillage.ui import atlas as screen
from maillage.ui import auth, keys, maps, url
from maillage.ui.frame import frame, require_data
from maillage.vocabularies import VOCABULARIES

LAYERS = "atlas_perimetres"
DEFAULT_OUTLINES = 60  # above this many perimeters, outlines are opt-in: they would clutter
INTERACTIVE = "interactive"
MODES = {"dessin": "Dessin", INTERACTIVE: "Interactive (zoom, survol)"}

context = frame("Atlas des acteurs et des dispositifs")
model = require_data(context)
st.markdown(
    "Chaque commune est teintée selon le **nombre de dispositifs** qui la couvrent ; les "
    "**communes blanches**, qu’aucun dispositif social (CTG, GMR, CLS, TZCLD, ABS) "
    "n’atteint, sont cerclées de rouge ; le trait noir est le contour du territoire. Les "
    "points sont les **acteurs**, colorés selon leur champ. Survolez ou touchez une commune ou "
    "un point pour lire son nom et son détail ; la carte interactive se zoome."
)


@st.fragment
def atlas_map() -> None:
    """The map and its own filters: changing them redraws the map only."""
    auth.gate()  # a fragment rerun skips the frame: a link revoked meanwhile stops here
    present_themes = sorted(
        {t for cell in model.schemes["thematiques"].dropna() for t in cell.split(";")}
        & set(VOCABULARIES["theme"])
    )
    kinds = [k for k in VOCABULARIES["perimeter_type"] if k in set(model.perimeters["type"])]
    left, right = st.columns(2)
    themes = url.multiselect(
        "Thématiques",
        present_themes,
        keys.THEMES,
        where=left,
        format_func=lambda t: label("theme", t),
        placeholder="Toutes les thématiques",
    )
    outlines = url.multiselect(
        "Contours de périmètres",
        kinds,
        LAYERS,
        where=right,
        default=kinds if len(model.perimeters) <= DEFAULT_OUTLINES else (),
        format_func=lambda k: label("perimeter_type", k),
        placeholder="Aucun contour",
    )
    mode = url.radio(
        "Carte",
        list(MODES),
        keys.MAP_MODE,
        format_func=MODES.get,
        horizontal=True,
        help="Le dessin s’affiche aussitôt sur tout écran et s’imprime ; la carte interactive "
        "se zoome et se survole (elle demande plus à l’ordinateur).",
    )
    atlas = screen.atlas_for(context.view, tuple(sorted(themes)), tuple(sorted(outlines)))
    if not atlas.layers:
        st.info("Aucune commune à dessiner pour ces filtres.")
        return
    if mode == INTERACTIVE:
        st.pydeck_chart(screen.atlas_deck(atlas), height=maps.MAP_HEIGHT)
    else:
        st.markdown(screen.atlas_drawing(atlas), unsafe_allow_html=True)
    if outside := screen.outside_sentence(atlas):
        st.markdown(outside)
    st.markdown(screen.legend_html(atlas), unsafe_allow_html=True)
    st.caption(screen.summary(atlas))


atlas_map()
