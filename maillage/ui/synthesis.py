"""What the synthèse draws: the handful of numbers a director reads first, each with one
plain French sentence and the way to the page that explains it. Large type, few numbers: it
is shown on projectors in steering committees."""

from __future__ import annotations

import streamlit as st

from maillage.blockages import still_blocking
from maillage.coverage import blank_communes, blank_share
from maillage.formats import format_date, format_datetime, format_number, format_share
from maillage.model import Model
from maillage.texts import label
from maillage.ui import data, display
from maillage.ui.frame import Context
from maillage.ui.navigation import link as _link
from maillage.vocabularies import SOCIAL, VOCABULARIES


def _blank_figures(model: Model) -> tuple[list[str], float, float]:
    """Blank communes and their shares, once per view (`data.cached`): three cards read
    them."""
    blank = blank_communes(model)
    communes_share, population_share = blank_share(model)
    return blank, communes_share, population_share


def show(context: Context, model: Model) -> None:
    blank = data.cached(_blank_figures, context.view)
    st.markdown(
        "Les chiffres à lire d’abord, pour le territoire et les types de dispositifs "
        "choisis dans le panneau latéral. Chaque lien mène à la page qui les détaille."
    )
    _link("methode.py", "Ce que compte chaque chiffre, avec un exemple", ":material/menu_book:")
    first = st.columns(3)
    second = st.columns(3)
    with first[0].container(border=True):
        _actors(model)
    with first[1].container(border=True):
        _schemes(model)
    with first[2].container(border=True):
        _coverage(model, blank)
    with second[0].container(border=True):
        _blank(model, blank)
    with second[1].container(border=True):
        _blockages(model)
    with second[2].container(border=True):
        _publication(context)
    with st.container(border=True):
        _proposals(context)


def _proposals(context: Context) -> None:
    """« Pistes prioritaires »: the first three proposals, as the page ranks them."""
    from maillage.decisions import STATUS_LABELS
    from maillage.ui import proposals

    st.markdown("**Pistes prioritaires**")
    found = proposals.listing(context)
    if not found.proposals:
        st.caption("Aucune piste d’action ne se dégage des données de ce territoire.")
    for rank, p in enumerate(found.proposals[:3], start=1):
        status = found.status(p.id)
        st.text(f"{rank}. {p.title}" + (f" ({STATUS_LABELS[status].lower()})" if status else ""))
    _link("pistes", "Toutes les pistes d’action", ":material/checklist:")


def _counts(series, vocabulary: str) -> str:
    """`2 social, 1 développement local` for fields; `1 CTG (Convention territoriale
    globale)` for scheme types: a committee reads the acronym with its expansion."""
    counts = series.value_counts()
    ordered = [code for code in VOCABULARIES[vocabulary] if counts.get(code, 0)]
    ordered += [code for code in counts.index if code not in ordered]
    if vocabulary == "scheme_type":
        return ", ".join(
            f"{format_number(int(counts[c]))} {c} ({label(vocabulary, c)})"
            if c != "AUTRE"
            else f"{format_number(int(counts[c]))} {label(vocabulary, c).lower()}"
            for c in ordered
        )
    return ", ".join(
        f"{format_number(int(counts[c]))} {label(vocabulary, c).lower()}" for c in ordered
    )


def _actors(model: Model) -> None:
    actors = model.actors
    st.metric("Acteurs", format_number(len(actors)))
    if actors.empty:
        st.caption("Aucun acteur sur ce territoire.")
    else:
        categories = actors["categorie"].value_counts().head(3)
        top = ", ".join(
            f"{label('actor_category', c).split(' (')[0].lower()} ({format_number(int(n))})"
            for c, n in categories.items()
        )
        st.caption(
            f"Structures et personnes qui agissent ici — par champ : "
            f"{_counts(actors['champ'], 'field')}. Familles les plus nombreuses : {top}."
        )
    _link("atlas", "Voir qui est où sur l’atlas", ":material/map:")
    _link("who_does_what", "Qui fait quoi", ":material/groups:")


def _schemes(model: Model) -> None:
    schemes = model.schemes
    st.metric("Dispositifs", format_number(len(schemes)))
    if schemes.empty:
        st.caption("Aucun dispositif pour ces filtres.")
    else:
        st.caption(
            f"Programmes publics en cours sur le territoire : "
            f"{_counts(schemes['type'], 'scheme_type')}."
        )
    _link("overlaps", "Où ils se chevauchent", ":material/stacks:")


def _coverage(model: Model, blank: tuple[list[str], float, float]) -> None:
    _, blank_communes_share, blank_population_share = blank
    if not model.territory:
        st.metric("Couverture sociale", "—")
        return
    st.metric("Couverture sociale", format_share(1 - blank_communes_share))
    social = sorted(model.schemes.loc[model.schemes["sector"] == SOCIAL, "type"].unique())
    kinds = ", ".join(social) if social else "aucun"
    st.caption(
        f"Part des communes du territoire touchées par au moins un dispositif social "
        f"({kinds}) ; {format_share(1 - blank_population_share)} des habitants y "
        "vivent."
    )
    _link("atlas", "La carte par commune", ":material/map:")


def blank_sentence(blank: int, total: int, population_share: float) -> str:
    """The blank communes in one agreed sentence: none, one, some or all of them, and a
    territory of a single commune, each said as a French reader would."""
    people = f"({format_share(population_share)} des habitants)"
    if total == 0:
        return "Aucune commune sur ce territoire : choisissez-en un autre dans le menu."
    if blank == 0:
        if total == 1:
            return "La seule commune du territoire est couverte par au moins un dispositif social."
        return (
            f"Les {format_number(total)} communes du territoire sont toutes couvertes par au "
            "moins un dispositif social."
        )
    if blank == total == 1:
        return (
            "La seule commune du territoire n’est couverte par aucun dispositif social : "
            "elle est cerclée de rouge sur l’atlas."
        )
    if blank == total:
        return (
            f"Aucune des {format_number(total)} communes du territoire n’est couverte par "
            "un dispositif social : elles sont cerclées de rouge sur l’atlas."
        )
    if blank == 1:
        return (
            f"1 des {format_number(total)} communes {people} n’est couverte par aucun "
            "dispositif social : elle est cerclée de rouge sur l’atlas."
        )
    return (
        f"{format_number(blank)} des {format_number(total)} communes {people} ne sont "
        "couvertes par aucun dispositif social : elles sont cerclées de rouge sur l’atlas."
    )


def _blank(model: Model, figures: tuple[list[str], float, float]) -> None:
    blank, _, population_share = figures
    total = len(model.territory)
    st.metric("Communes blanches", format_number(len(blank)))
    st.caption(blank_sentence(len(blank), total, population_share))
    _link("atlas", "Les voir sur l’atlas", ":material/map:")


def _blockages(model: Model) -> None:
    blockages = still_blocking(model)
    st.metric("Blocages non levés", format_number(blockages.count))
    if blockages.reported:
        st.caption(
            f"Ce qui bloque encore, tel que rapporté en atelier, enquête ou comité : "
            f"{blockages.sentence()}"
        )
    else:
        st.caption(blockages.sentence())
    _link("blockages", "Ce qui bloque et les leviers", ":material/block:")


def _publication(context: Context) -> None:
    version = context.version
    assert version is not None  # the page required data
    published = format_datetime(version.published_at)
    st.metric("Données publiées le", format_date(version.published_at))
    if context.presenting:  # a committee needs the date, not the version number
        st.caption(f"Les chiffres de cette page viennent des données publiées le {published}.")
        return
    source = f" depuis « {display.md(version.file)} »" if version.file else ""
    st.caption(
        f"Les chiffres de cette page viennent de la version n° {version.version}, "
        f"publiée le {published}{source}. Les versions précédentes restent "
        "consultables."
    )
    _link("importing", "Historique des versions", ":material/history:")
