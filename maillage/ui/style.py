"""One palette for the two fields, readable by the colour-blind (Okabe–Ito), on every page."""

FIELD_COLOURS = {
    "social": "#0072B2",  # blue
    "developpement_local": "#E69F00",  # orange
    "les_deux": "#009E73",  # bluish green: the jobs "entre les deux"
}
NEUTRAL = "#999999"
ALERT = "#D55E00"  # vermilion, for what needs attention (blank communes, split perimeters)
SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]


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
