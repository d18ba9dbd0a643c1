"""Filters live in the address bar as codes: a copied URL reproduces the view."""

from streamlit.testing.v1 import AppTest


def filters_app():
    import streamlit as st

    from maillage.ui import url

    territory = url.selectbox(
        "Territoire",
        ["", "P1", "P2"],
        "territoire",
        format_func=lambda code: code or "Tout le territoire",
    )
    types = url.multiselect("Types", ["CTG", "GMR", "PAT"], "types")
    st.write(f"{territory}|{','.join(types)}")


def test_codes_in_the_url_select_the_view():
    app = AppTest.from_function(filters_app, default_timeout=30)
    app.query_params["territoire"] = "P2"
    app.query_params["types"] = ["GMR", "PAT"]
    app.run()
    assert app.markdown[0].value == "P2|GMR,PAT"


def test_choices_are_written_back_as_codes_and_defaults_leave_the_url_clean():
    app = AppTest.from_function(filters_app, default_timeout=30).run()
    assert "territoire" not in app.query_params
    app.selectbox[0].select("P1").run()
    app.multiselect[0].select("CTG").run()
    assert app.query_params["territoire"] in ("P1", ["P1"])
    assert app.query_params["types"] in ("CTG", ["CTG"])


def test_unknown_codes_in_the_url_fall_back_to_defaults():
    app = AppTest.from_function(filters_app, default_timeout=30)
    app.query_params["territoire"] = "P_INCONNU"
    app.query_params["types"] = ["XYZ"]
    app.run()
    assert app.markdown[0].value == "|"
