"""Partager : créer, lister et révoquer les liens en lecture seule envoyés aux comités."""

import streamlit as st

from maillage import sharing
from maillage.accounts import SHARE
from maillage.ui import auth, display, pickers
from maillage.ui import sharing as screen
from maillage.ui.frame import frame, require_data

PERSONS_HELP = (
    "Les personnes à l’interface (élu·es, chef·fes de projet, travailleurs "
    "sociaux…) apparaissent par leur fonction (« Chef de projet PVD · Collectivité "
    "territoriale »), jamais par leur nom, sur chaque page, carte, téléchargement "
    "et dans le rapport de réunion."
)
DURATIONS = {7: "1 semaine", 30: "1 mois", 90: "3 mois", 365: "1 an"}

context = frame("Partager en lecture seule", filters=False)
auth.require_page(context.access, SHARE)
model = require_data(context)
names = model.perimeters["nom"].to_dict()


st.markdown(
    "Un lien de partage ouvre le tableau de bord **sans compte**, en **lecture "
    "seule** : pas d’import, pas de partage, et seulement le territoire choisi — "
    "chaque page, chaque chiffre et chaque téléchargement y sont limités. Il expire "
    "à la date choisie et peut être révoqué à tout moment."
)
with st.form("partage_creation"):
    pickers.selectbox(
        "Territoire montré",
        ["", *sorted(names, key=lambda p: names[p])],
        key="partage_perimetre",
        format_func=lambda p: (
            display.short(names[p]) if p in names else "Tout le territoire de l’espace"
        ),
    )
    pickers.selectbox(
        "Valable", list(DURATIONS), index=1, key="partage_duree", format_func=DURATIONS.get
    )
    st.checkbox(
        "Masquer les personnes",
        value=True,
        key=screen.HIDE_PERSONS,
        help=PERSONS_HELP + " Décochez seulement si les personnes nommées ont donné leur accord.",
    )
    try:  # a link nobody could open is not issued
        sharing.public_url(screen.browser_address())
        wrong_address = None
    except sharing.CannotShare as refusal:
        wrong_address = str(refusal)
    st.form_submit_button(
        "Créer le lien",
        type="primary",
        icon=":material/add_link:",
        on_click=screen.create,
        args=(context,),
        disabled=wrong_address is not None,
    )
if wrong_address:
    st.error(wrong_address)

if new := st.session_state.get(screen.NEW_LINK):
    link_id, token = new
    st.success(
        f"Lien n° {link_id} créé. Copiez-le maintenant : il ne sera plus affiché.",
        icon=":material/link:",
    )
    st.code(sharing.share_url(token, screen.browser_address()), language=None)
    st.caption(
        "Le bouton en haut à droite du cadre copie le lien entier, prêt à coller dans un courriel."
    )

st.toggle(
    "Masquer les personnes pour tous les lecteurs de cet espace",
    value=sharing.space_hides_persons(context.store, context.space),
    key=screen.SPACE_HIDES,
    on_change=screen.set_space_setting,
    args=(context,),
    help=PERSONS_HELP + " S’applique aux comptes lecteurs "
    "et à tous les liens de partage, même créés avec les personnes affichées ; les "
    "analystes voient toujours les noms.",
)

st.subheader("Liens de cet espace")
links = sharing.links(context.store, context.space)
if not links:
    st.caption("Aucun lien créé pour l’instant.")
else:
    st.dataframe(
        screen.links_table(links, names),
        hide_index=True,
        width="stretch",
    )
    active = [x.id for x in links if x.state() == "actif"]
    if active:
        chosen = pickers.selectbox(
            "Lien à révoquer",
            active,
            format_func=lambda i: f"Lien n° {i}",
            key="partage_a_revoquer",
        )
        st.button(
            "Révoquer",
            icon=":material/link_off:",
            key="partage_revoquer",
            on_click=screen.revoke,
            args=(context, chosen),
            help="Le lien cesse aussitôt de fonctionner, même pour une page déjà ouverte.",
        )
