"""The mismatch page on a published workbook: headline sentences, URL choices, table, map."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from maillage.formats import format_number, format_share
from maillage.publishing import check, publish_checked
from maillage.reference import load_reference
from maillage.store import Store
from maillage.ui.style import ALERT, hex_to_rgb
from tests.apptests import open_page
from tests.test_maps import drawn_shapes
from tests.test_mismatch import CAS, C, perimeter, sheets
from tests.workbooks import xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/mismatch.py"
# E1 (C0–C2) is split between S1 and S2; E2 (C3–C5) lies in S2 but for C5, covered by no S.
PERIMETERS = [
    perimeter("E1", "epci", C[:3]),
    perimeter("E2", "epci", C[3:6]),
    perimeter("S1", CAS, C[:2]),
    perimeter("S2", CAS, C[2:5]),
]


@pytest.fixture(autouse=True)
def local_server(monkeypatch):
    """The person at the keyboard of a local server is the analyst: no login form (when the
    local mode is chosen, as `make run` does)."""
    monkeypatch.setenv("MAILLAGE_AUTH", "off")
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


def publish(db_path, perimeters=PERIMETERS) -> None:
    workbook, validation = check([("t.xlsx", xlsx_bytes(sheets(perimeters)))])
    assert publish_checked(Store(db_path), "principal", workbook, validation) is not None


def page(query: dict[str, str] | None = None) -> AppTest:
    return open_page("mismatch", query)


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_without_data_the_page_says_so(db_path):
    at = page()
    assert at.title[0].value.startswith("Discordances de ressorts")
    assert any("Aucune donnée publiée" in i.value for i in at.info)


def test_headlines_say_what_is_split_in_one_sentence_each(db_path):
    publish(db_path)
    at = page()
    assert at.selectbox(key="x").value == "epci" and at.selectbox(key="y").value == CAS
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["EPCI coupés"] == "1 / 2"
    people = load_reference().communes.loc[C[:3], "population"].sum()
    assert metrics["Habitants dans un territoire coupé"] == format_number(people)
    assert metrics["Communes sans circonscription d’action sociale"] == "1"
    text = captions(at)
    assert "1 des 2 EPCI est coupé entre deux circonscriptions d’action sociale ou plus." in text
    assert (
        "1 commune couverte par un EPCI ne relève d’aucune circonscription d’action "
        "sociale." in text
    )
    # the headline and its sentence give the same number; the measures are one click away
    accord = metrics["Accord des deux découpages"]
    assert any(t.startswith(f"{accord} sur 1 :") for t in text), text
    assert not any("Rand" in t or "V-mesure" in t for t in text)
    (more,) = at.expander
    assert more.label == "En savoir plus sur l’accord des deux découpages"
    assert f"**V-mesure** ({accord})" in more.markdown[0].value
    assert "indice de Rand ajusté" in more.markdown[0].value
    (table,) = [d.value for d in at.dataframe]
    assert list(table["EPCI"]) == ["Périmètre E1"]
    assert table["Morceaux"].iloc[0] == (
        f"Périmètre S1 {format_share(2 / 3)} · Périmètre S2 {format_share(1 / 3)}"
    )
    assert len(at.get("plotly_chart")) == 2  # Sankey and contingency table


def test_choices_come_from_the_address(db_path):
    publish(db_path)
    at = page({"x": CAS, "y": "epci", "poids": "population"})  # codes, not labels
    assert at.selectbox(key="x").value == CAS and at.radio(key="poids").value == "population"
    # S2 (C2–C4) meets E1 and E2; S1 lies in E1.
    assert "1 des 2 circonscriptions d’action sociale est coupée entre deux EPCI ou plus." in (
        captions(at)
    )
    shares = load_reference().communes.loc[C[2:5], "population"]
    expected = max(shares.iloc[0], shares.iloc[1:].sum()) / shares.sum()
    (table,) = [d.value for d in at.dataframe]
    assert table["Part du plus gros morceau"].iloc[0] == format_share(expected)


def test_switching_types_and_same_type_warns(db_path):
    publish(db_path)
    at = page()
    at.selectbox(key="y").set_value("epci").run()
    assert not at.exception
    assert any("deux types de périmètres différents" in w.value for w in at.warning)


def test_a_single_type_cannot_be_compared(db_path):
    publish(db_path, [perimeter("E1", "epci", C[:3])])
    at = page()
    assert any("au moins deux types" in i.value for i in at.info)


def test_map_colours_the_communes_of_split_perimeters(db_path):
    publish(db_path)
    at = page()
    assert not at.get("deck_gl_json_chart")  # a drawing: no WebGL, no outside request
    (drawing,) = [m.value for m in at.markdown if 'class="maillage-dessin"' in m.value]
    red, green, blue, alpha = hex_to_rgb(ALERT, 170)
    split = [
        s
        for s in drawn_shapes(drawing)
        if (s["fill"], s["opacity"]) == (f"rgb({red},{green},{blue})", f"{alpha / 255:.2f}")
    ]
    flagged = {s["title"].split(" — ")[0] for s in split}
    names = load_reference().communes.loc[C[:3], "nom"]
    assert flagged == set(names)  # the three communes of E1, and only them
    assert "http" not in drawing.replace("http://www.w3.org/2000/svg", "")


def test_sankey_flows_communes_from_x_to_y_and_to_nowhere(db_path):
    from maillage.mismatch import mismatch
    from maillage.model import build_model
    from maillage.ui.mismatch import sankey

    _, validation = check([("t.xlsx", xlsx_bytes(sheets(PERIMETERS)))])
    (trace,) = sankey(mismatch(build_model(validation.tables), "epci", CAS)).data
    labels = list(trace.node.label)
    flows = {
        (labels[s], labels[t]): v
        for s, t, v in zip(trace.link.source, trace.link.target, trace.link.value, strict=True)
    }
    assert flows == {
        ("Périmètre E1", "Périmètre S1"): 2,
        ("Périmètre E1", "Périmètre S2"): 1,
        ("Périmètre E2", "Périmètre S2"): 2,
        ("Périmètre E2", "Sans circonscription d’action sociale"): 1,
    }
    assert trace.node.color[labels.index("Périmètre E1")] == ALERT


def _sentences(perimeters, x="epci", y=CAS):
    from maillage.mismatch import mismatch
    from maillage.ui.mismatch import headlines
    from tests.test_mismatch import model_of

    return {
        title: (value, sentence)
        for title, value, sentence in headlines(mismatch(model_of(perimeters), x, y))
    }


def test_headline_sentences_for_none_one_and_all():
    """« 1 des 1 EPCI est coupé » and « 0 commune … ne relève » read badly: say it plainly."""
    alone_split = _sentences(
        [perimeter("E1", "epci", C[:3]), perimeter("S1", CAS, C[:2]), perimeter("S2", CAS, C[2:3])]
    )
    assert alone_split["EPCI coupés"] == (
        "1 / 1",
        "Le seul EPCI du territoire est coupé entre deux circonscriptions d’action "
        "sociale ou plus.",
    )
    assert alone_split["Communes sans circonscription d’action sociale"][1] == (
        "Toutes les communes couvertes par les EPCI relèvent aussi d’une circonscription "
        "d’action sociale : aucun trou entre les deux cartes."
    )
    none_split = _sentences(
        [
            perimeter("E1", "epci", C[:2]),
            perimeter("E2", "epci", C[2:4]),
            perimeter("S1", CAS, C[:4]),
        ]
    )
    assert none_split["EPCI coupés"][1] == (
        "Aucun des 2 EPCI n’est coupé : chacun tient dans une seule des circonscriptions "
        "d’action sociale."
    )
    assert none_split["Habitants dans un territoire coupé"][1] == (
        "Personne ne vit dans un EPCI coupé."
    )
    all_split = _sentences(
        [
            perimeter("S1", CAS, C[:2]),
            perimeter("S2", CAS, C[2:4]),
            perimeter("E1", "epci", C[1:3]),
            perimeter("E2", "epci", C[0:1]),
            perimeter("E3", "epci", C[3:4]),
        ],
        x=CAS,
        y="epci",
    )
    assert all_split["Circonscriptions d’action sociale coupées"][1] == (
        "Les 2 circonscriptions d’action sociale sont toutes coupées entre deux EPCI ou plus."
    )
