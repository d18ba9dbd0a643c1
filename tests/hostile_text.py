"""A workbook whose names and descriptions try to be markdown, HTML, a link, a script, an
override of the reading direction and a name too long for any screen (finding 9 of issue 18).

Used by the AppTest walk (tests/test_text_is_text.py) and the browser walk
(tests/e2e/test_text_is_text.py)."""

from __future__ import annotations

from tests.workbooks import minimal_sheets

TRAP = "127.0.0.1:9"  # nothing listens there: a request to it means data became markup
IMAGE = f"![x](http://{TRAP}/x.png)"
LINK = f'<a href="http://{TRAP}/lien">lien piégé</a>'
SCRIPT = "<img src=x onerror=alert(1)>"
RTL = "\u202e"
OVERRIDDEN = f"Centre social {RTL}elcyc-éR"
LONG = "Association au nom interminable " * 320  # ≈ 10,000 characters
MARKUP = (
    "**gras** :material/warning: :red[rouge] $x^2$ [ici](http://127.0.0.1:9/ici) "
    "www.piege.example http://127.0.0.1:9/nu contact@piege.example"
)


def hostile_sheets() -> dict[str, list[dict]]:
    sheets = minimal_sheets()
    actors = sheets["acteurs"]
    actors[0]["nom"] = SCRIPT
    actors[1]["nom"] = LINK
    actors[2]["nom"] = OVERRIDDEN
    actors[3]["nom"] = LONG
    actors[3]["type"] = IMAGE
    sheets["perimetres"][0]["nom"] = f"Montluçon {IMAGE}"
    sheets["perimetres"][1]["nom"] = f"{LINK} {RTL}tsE"
    sheets["perimetres"][2]["nom"] = LONG
    sheets["dispositifs"][0]["nom"] = f"CTG {IMAGE}"
    sheets["dispositifs"][1]["nom"] = f"{SCRIPT} {LINK}"
    sheets["dispositifs"][0]["instances"] = MARKUP
    blockages = sheets["blocages"]
    blockages[0]["description"] = f"{IMAGE} {LINK} {SCRIPT}"
    blockages[0]["sous_categorie"] = MARKUP
    blockages[1]["description"] = f"{OVERRIDDEN} {LONG}"
    return sheets
