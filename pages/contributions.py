"""Contributions : les liens envoyés aux partenaires, la file à relire, la publication."""

import streamlit as st

from maillage import contributions
from maillage.accounts import PUBLISH
from maillage.ui import auth
from maillage.ui import contributions as moderation
from maillage.ui.frame import frame, require_data

context = frame("Contributions des partenaires", filters=False)
auth.require_page(context.access, PUBLISH)
model = require_data(context)
items = contributions.queue(context.store, str(context.space))
contacts = contributions.contacts(context.store, str(context.space))

pending = sum(item.status == "en_attente" for item in items)
st.markdown(
    f"**{pending}** contribution{'s' if pending > 1 else ''} à relire. Acceptez, fusionnez avec "
    "un acteur existant ou rejetez chacune (avec sa raison) ; rien n’est publié avant que vous "
    "cliquiez sur « Publier les contributions acceptées », qui crée une nouvelle version."
)
moderation.publish_button(context, items)
if items:
    st.dataframe(moderation.queue_table(items, model), hide_index=True, width="stretch")
    for item in reversed(items):
        moderation.review_section(context, model, item, contacts.get(item.id))
else:
    st.caption(
        "Aucune contribution reçue pour l’instant : créez un lien ci-dessous et "
        "envoyez-le aux partenaires du territoire."
    )
moderation.links_section(context, model)
