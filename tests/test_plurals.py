"""Sentences built with a count read as French: 0 and 1 singular, « aucun·e » where a count
of 0 would read badly, verbs and adjectives agreed, a territory of one commune said as such.
Every expected sentence is written by hand."""

from __future__ import annotations

from maillage.atlas import Atlas
from maillage.formats import counted
from maillage.proposals.wording import plural
from maillage.ui import atlas as atlas_screen
from maillage.ui import proposals as cards
from maillage.ui.importing import problems_shown
from maillage.ui.synthesis import blank_sentence

NB = "\u00a0"


def test_counted_agrees_the_noun_and_says_none():
    assert counted(0, "commune") == f"0{NB}commune"
    assert counted(0, "commune", none="aucune commune") == "aucune commune"
    assert counted(1, "commune") == f"1{NB}commune"
    assert counted(2, "commune") == f"2{NB}communes"
    assert counted(1234, "commune") == f"1\u202f234{NB}communes"
    assert counted(1, "EPCI est coupé", "EPCI sont coupés") == f"1{NB}EPCI est coupé"
    assert counted(2, "EPCI est coupé", "EPCI sont coupés") == f"2{NB}EPCI sont coupés"
    # the proposals' wording uses the same rule (0 is singular in French)
    assert plural(0, "dispositif") == f"0{NB}dispositif"
    assert plural(2, "arrivée tardive", "arrivées tardives") == f"2{NB}arrivées tardives"


def test_blank_communes_sentence_for_none_one_some_all():
    assert blank_sentence(0, 0, 0.0) == (
        "Aucune commune sur ce territoire : choisissez-en un autre dans le menu."
    )
    assert blank_sentence(0, 1, 0.0) == (
        "La seule commune du territoire est couverte par au moins un dispositif social."
    )
    assert blank_sentence(0, 5, 0.0) == (
        "Les 5 communes du territoire sont toutes couvertes par au moins un dispositif social."
    )
    assert blank_sentence(1, 1, 1.0) == (
        "La seule commune du territoire n’est couverte par aucun dispositif social : elle est "
        "cerclée de rouge sur l’atlas."
    )
    assert blank_sentence(1, 5, 0.1) == (
        f"1 des 5 communes (10{NB}% des habitants) n’est couverte par aucun dispositif social "
        ": elle est cerclée de rouge sur l’atlas."
    )
    assert blank_sentence(2, 5, 0.25) == (
        f"2 des 5 communes (25{NB}% des habitants) ne sont couvertes par aucun dispositif "
        "social : elles sont cerclées de rouge sur l’atlas."
    )
    assert blank_sentence(5, 5, 1.0) == (
        "Aucune des 5 communes du territoire n’est couverte par un dispositif social : elles "
        "sont cerclées de rouge sur l’atlas."
    )


def test_problems_and_pistes_shown():
    assert problems_shown(1, 1) == f"1{NB}problème affiché."
    assert problems_shown(2, 2) == f"2{NB}problèmes affichés."
    assert problems_shown(1, 3) == f"1{NB}problème affiché sur 3."
    assert cards.shown_sentence(1, 1) == f"1{NB}piste, la voici :"
    assert cards.shown_sentence(3, 3) == f"3{NB}pistes :"
    assert cards.shown_sentence(1, 12) == f"1{NB}piste sur 12, la voici :"
    assert cards.shown_sentence(12, 12) == f"12{NB}pistes ; les 10 premières :"
    assert cards.shown_sentence(11, 30) == f"11{NB}pistes sur 30 ; les 10 premières :"


def _atlas(outside=(), communes=5, blank=0, actors=0) -> Atlas:
    return Atlas(
        level="commune",
        layers=[],
        class_edges=[0.0, 1.0, 2.0, 3.0, 4.0],
        bounds=None,
        tolerance=0.0,
        communes=communes,
        blank=blank,
        actors=actors,
        outside=tuple(outside),
    )


def test_atlas_sentences_for_zero_one_two():
    assert atlas_screen.outside_sentence(_atlas()) is None
    assert atlas_screen.outside_sentence(_atlas(["CAF (Moulins)"])) == (
        f"1{NB}acteur a son siège hors du territoire et n’est pas sur la carte : CAF \\(Moulins\\)."
    )
    assert atlas_screen.outside_sentence(_atlas(["CAF (Moulins)", "MSA (Vichy)"])) == (
        f"2{NB}acteurs ont leur siège hors du territoire et ne sont pas sur la carte : "
        "CAF \\(Moulins\\), MSA \\(Vichy\\)."
    )
    many = [f"Acteur {i:02d} (Moulins)" for i in range(14)]
    assert atlas_screen.outside_sentence(_atlas(many)).endswith(
        f"Acteur 11 \\(Moulins\\) et 2{NB}autres."
    )
    assert atlas_screen.summary(_atlas(communes=1)) == (
        f"Dessiné commune par commune : 1{NB}commune, dont aucune commune blanche ; aucun "
        "acteur localisé sur la carte. Sans fond de carte : rien n’est chargé depuis Internet."
    )
    assert atlas_screen.summary(_atlas(communes=2, blank=1, actors=2)) == (
        f"Dessiné commune par commune : 2{NB}communes, dont 1{NB}commune blanche ; "
        f"2{NB}acteurs localisés sur la carte. Sans fond de carte : rien n’est chargé depuis "
        "Internet."
    )
