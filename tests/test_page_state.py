"""The space and every filter survive page changes, copied addresses and publications (AppTest,
real store). The same journey in a real browser is tests/e2e/test_state_journey.py."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from maillage import sharing
from maillage.cli import main as cli
from maillage.demo import publish_demo
from maillage.store import Store
from maillage.ui import importing, keys
from tests.apptests import open_page, page_file, publish
from tests.workbooks import minimal_sheets, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def caption_space(at) -> str:
    (caption,) = [c.value for c in at.caption if c.value.startswith("Espace « ")]
    return caption.split("« ")[1].split(" »")[0]


def test_a_new_session_opens_on_the_newest_space_that_is_not_the_demo(db_path):
    publish(db_path, space="demo")
    assert caption_space(open_page()) == "demo"  # the demo only when it is alone
    publish(db_path, space="zeta")
    time.sleep(1.1)  # publication times are kept to the second
    publish(db_path, space="alpha")
    publish(db_path, space="demo")  # the demo published last still does not win
    at = open_page()
    assert caption_space(at) == "alpha"
    assert at.sidebar.selectbox(key=keys.SPACE).value == "alpha"
    assert at.query_params[keys.SPACE] == ["alpha"] or at.query_params[keys.SPACE] == "alpha"


def test_space_and_filters_survive_a_page_change(db_path):
    publish(db_path, space="demo")
    publish(db_path, space="essai")
    at = open_page()
    at.sidebar.selectbox(key=keys.SPACE).set_value("demo").run()
    at.sidebar.selectbox(key=keys.PERIMETER).set_value("P_CAS").run()
    at.sidebar.multiselect(key=keys.SCHEME_TYPES).set_value(["CTG"]).run()
    for page in ("atlas", "importing", "overlaps", "who_does_what"):
        at.switch_page(page_file(page)).run()
        assert not at.exception, page
        assert caption_space(at) == "demo", page
        if page != "importing":  # the import page has no territory filter
            assert at.sidebar.selectbox(key=keys.PERIMETER).value == "P_CAS", page
            assert at.sidebar.multiselect(key=keys.SCHEME_TYPES).value == ["CTG"], page
            assert _param(at, keys.PERIMETER) == ["P_CAS"], page
        assert _param(at, keys.SPACE) == ["demo"], page


def _param(at, name: str) -> list[str]:
    value = at.query_params.get(name)
    return [value] if isinstance(value, str) else list(value or [])


def test_a_copied_address_reproduces_space_territory_and_types(db_path):
    publish(db_path, space="demo")
    publish(db_path, space="essai")
    at = open_page(
        "overlaps",
        {
            keys.SPACE: "demo",
            keys.PERIMETER: "P_CAS",
            keys.SCHEME_TYPES: ["CTG", "PAT"],
            "chevauchement": "30",
        },
    )
    assert caption_space(at) == "demo"
    assert at.sidebar.selectbox(key=keys.PERIMETER).value == "P_CAS"
    assert at.sidebar.multiselect(key=keys.SCHEME_TYPES).value == ["CTG", "PAT"]
    assert at.slider(key="chevauchement").value == 30
    # a code that is not an option falls back to the default, with no error
    at = open_page(None, {keys.SPACE: "inconnu", keys.PERIMETER: "P_NULLE_PART"})
    assert caption_space(at) == "essai"
    assert at.sidebar.selectbox(key=keys.PERIMETER).value == ""


def test_the_pair_to_look_at_survives_a_filter_change(db_path):
    publish_demo(Store(db_path))
    at = open_page("overlaps", {keys.PERIMETER: "cas_moulins", keys.SCHEME_TYPES: ["CTG", "GMR"]})
    pair = at.selectbox(key="paire")
    assert len(pair.options) == 2
    second = "ctg_troncais|gmr_troncais"
    pair.set_value(second).run()
    assert at.selectbox(key="paire").value == second
    at.slider(key="chevauchement").set_value(40).run()
    assert at.selectbox(key="paire").value == second
    at.sidebar.multiselect(key=keys.SCHEME_TYPES).set_value(["CTG", "GMR", "CLS"]).run()
    assert at.selectbox(key="paire").value == second
    assert _param(at, "paire") == [second]
    at.switch_page("pages/atlas.py").run()
    at.switch_page("pages/overlaps.py").run()
    assert at.selectbox(key="paire").value == second


def test_a_share_link_pins_its_space_whatever_the_address_says(db_path):
    publish(db_path, space="demo")
    other = minimal_sheets()
    for row in other["perimetres"]:
        row["nom"] = f"{row['nom']} (essai)"
    publish(db_path, other, space="essai")
    token, _ = sharing.create(Store(db_path), "demo", "P_CAS", timedelta(days=1))
    at = open_page(
        None, {sharing.QUERY_PARAM: token, keys.SPACE: "essai", keys.PERIMETER: "P_EPCI"}
    )
    # the committee view names no space: the link's data (not « essai ») is what is shown
    # the filters only narrow the link's scope (its first option is the whole scope)
    options = at.sidebar.selectbox(key=keys.PERIMETER).options
    assert options[0] == "Tout « Circonscription Montluçon Est »"


def _upload(at, sheets=None):
    at.file_uploader(key=importing.UPLOAD).set_value(
        ("t.xlsx", xlsx_bytes(sheets or minimal_sheets()), XLSX)
    )
    at.run()
    assert not at.exception


def test_import_defaults_to_the_space_on_screen_and_records_who_published(db_path, capsys):
    publish(db_path, space="demo")
    publish(db_path, space="essai")
    at = open_page()
    at.sidebar.selectbox(key=keys.SPACE).set_value("demo").run()
    at.switch_page("pages/importing.py").run()
    assert at.selectbox(key=importing.DESTINATION).value == "demo"
    _upload(at)
    at.button(key="import_publier").click().run()
    assert Store(db_path).latest("demo").version == 2
    # another existing space than the one on screen: asked before publishing
    other = minimal_sheets()
    other["acteurs"][0]["nom"] = "Montluçon Communauté (mise à jour)"
    _upload(at, other)
    at.selectbox(key=importing.DESTINATION).set_value("essai").run()
    assert at.button(key="import_publier").disabled
    assert Store(db_path).latest("essai").version == 1
    at.checkbox(key=importing.OTHER_SPACE_CONFIRM).check().run()
    at.button(key="import_publier").click().run()
    assert Store(db_path).latest("essai").version == 2
    assert caption_space(at) == "essai"  # the screen follows the space just published
    capsys.readouterr()
    assert cli(["history", "--json", "--space", "essai", "--db", str(db_path)]) == 0
    newest = json.loads(capsys.readouterr().out)[0]
    assert newest["version"] == 2
    assert newest["author"]  # the local analyst's system login
    assert newest["author"] == Store(db_path).latest("demo").author
