"""One palette for the two fields, readable by the colour-blind (Okabe–Ito), on every page."""

from pathlib import Path

FIELD_COLOURS = {
    "social": "#0072B2",  # blue
    "developpement_local": "#E69F00",  # orange
    "les_deux": "#009E73",  # bluish green: the jobs "entre les deux"
}
NEUTRAL = "#999999"
ALERT = "#D55E00"  # vermilion, for what needs attention (blank communes, split perimeters)
SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
# Every pydeck map: a blank style served by this server (`static/`, `server.enableStaticServing`),
# relative so that it follows `server.baseUrlPath`. With `map_style=None` Streamlit 1.67 would
# fetch CARTO's style for any map view: no request may leave for a third party.
BLANK_MAP_STYLE = "app/static/fond-vide.json"
# The tab's icon, served by this server: a `:material/…:` page icon is fetched from a font host.
FAVICON = str(Path(__file__).resolve().parents[2] / "static" / "maillage.png")


def hex_to_rgb(colour: str, alpha: int = 255) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


# Larger type for projectors, and pages that print without the sidebar.
CSS = """
<style>
[data-testid="stMetricValue"] { font-size: 2.4rem; }
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"] { display: none; }
  .block-container { padding-top: 0 !important; }
}
</style>
"""
