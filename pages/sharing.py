"""Partager : créer, lister et révoquer les liens en lecture seule envoyés aux comités."""

import os
from datetime import timedelta
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from maillage import sharing
from maillage.accounts import SHARE
from maillage.formats import format_date
from maillage.ui import auth, display, pickers
from maillage.ui.frame import frame, require_data

NEW_LINK = "partage_nouveau_lien"
HIDE_PERSONS = "partage_masquer_personnes"
SPACE_HIDES = "partage_espace_masquer_personnes"
PERSONS_HELP = ("Les personnes à l’interface (élu·es, chef·fes de projet, travailleurs "
                "sociaux…) apparaissent par leur fonction (« Chef de projet PVD · Collectivité "
                "territoriale »), jamais par leur nom, sur chaque page, carte, téléchargement "
                "et dans le rapport de réunion.")
DURATIONS = {7: "1 semaine", 30: "1 mois", 90: "3 mois", 365: "1 an"}
STATES = {"actif": "Actif", "expire": "Expiré", "revoque": "Révoqué"}

context = frame("Partager en lecture seule", filters=False)
auth.require_page(context.access, SHARE)
model = require_data(context)
names = model.perimeters["nom"].to_dict()


def create() -> None:
    auth.require(SHARE)  # refused server-side for a reader or a share link
    token, link = sharing.create(
        context.store, context.space, st.session_state["partage_perimetre"] or None,
        timedelta(days=st.session_state["partage_duree"]), author=context.access.user,
        hide_persons=bool(st.session_state.get(HIDE_PERSONS, True)))
    st.session_state[NEW_LINK] = (link.id, token)


def set_space_setting() -> None:
    auth.require(SHARE)
    sharing.set_space_hides_persons(context.store, context.space,
                                    bool(st.session_state[SPACE_HIDES]))


def browser_address() -> str | None:
    """The address this browser used, when MAILLAGE_URL does not say the public one."""
    if os.environ.get(sharing.URL_VARIABLE):
        return None
    address = urlsplit(st.context.url or "")
    return f"{address.scheme}://{address.netloc}" if address.netloc else None


def revoke(link_id: int) -> None:
    auth.require(SHARE)
    sharing.revoke(context.store, link_id)


st.markdown("Un lien de partage ouvre le tableau de bord **sans compte**, en **lecture "
            "seule** : pas d’import, pas de partage, et seulement le territoire choisi — "
            "chaque page, chaque chiffre et chaque téléchargement y sont limités. Il expire "
            "à la date choisie et peut être révoqué à tout moment.")
with st.form("partage_creation"):
    pickers.selectbox("Territoire montré", ["", *sorted(names, key=lambda p: names[p])],
                 key="partage_perimetre",
                 format_func=lambda p: display.short(names[p]) if p in names
                 else "Tout le territoire de l’espace")
    pickers.selectbox("Valable", list(DURATIONS), index=1, key="partage_duree",
                 format_func=DURATIONS.get)
    st.checkbox("Masquer les personnes", value=True, key=HIDE_PERSONS, help=PERSONS_HELP
                + " Décochez seulement si les personnes nommées ont donné leur accord.")
    try:  # a link nobody could open is not issued
        sharing.public_url(browser_address())
        wrong_address = None
    except sharing.CannotShare as refusal:
        wrong_address = str(refusal)
    st.form_submit_button("Créer le lien", type="primary", icon=":material/add_link:",
                          on_click=create, disabled=wrong_address is not None)
if wrong_address:
    st.error(wrong_address)

if new := st.session_state.get(NEW_LINK):
    link_id, token = new
    st.success(f"Lien n° {link_id} créé. Copiez-le maintenant : il ne sera plus affiché.",
               icon=":material/link:")
    st.code(sharing.share_url(token, browser_address()), language=None)
    st.caption("Le bouton en haut à droite du cadre copie le lien entier, prêt à coller "
               "dans un courriel.")

st.toggle("Masquer les personnes pour tous les lecteurs de cet espace",
          value=sharing.space_hides_persons(context.store, context.space), key=SPACE_HIDES,
          on_change=set_space_setting, help=PERSONS_HELP + " S’applique aux comptes lecteurs "
          "et à tous les liens de partage, même créés avec les personnes affichées ; les "
          "analystes voient toujours les noms.")

st.subheader("Liens de cet espace")
links = sharing.links(context.store, context.space)
if not links:
    st.caption("Aucun lien créé pour l’instant.")
else:
    st.dataframe(pd.DataFrame([{
        "N°": x.id,
        "Territoire": names.get(x.perimeter, x.perimeter) if x.perimeter else "Tout",
        "Créé le": format_date(x.created_at),
        "Expire le": format_date(x.expires_at),
        "Par": x.author or "—",
        "Personnes": "masquées" if x.hide_persons else "affichées",
        "État": STATES[x.state()],
    } for x in links]), hide_index=True, width="stretch")
    active = [x.id for x in links if x.state() == "actif"]
    if active:
        chosen = pickers.selectbox("Lien à révoquer", active, format_func=lambda i: f"Lien n° {i}",
                              key="partage_a_revoquer")
        st.button("Révoquer", icon=":material/link_off:", key="partage_revoquer",
                  on_click=revoke, args=(chosen,),
                  help="Le lien cesse aussitôt de fonctionner, même pour une page déjà ouverte.")
