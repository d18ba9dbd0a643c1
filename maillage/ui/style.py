"""One palette for the two fields, readable by the colour-blind (Okabe–Ito), on every page."""

from pathlib import Path

from maillage.workbook import MAX_FILE_BYTES

FIELD_COLOURS = {
    "social": "#0072B2",  # blue
    "developpement_local": "#E69F00",  # orange
    "les_deux": "#009E73",  # bluish green: the jobs "entre les deux"
}
NEUTRAL = "#999999"
# Chart text readable at 3 m on a projector (the committee's view): labels, ticks, legends.
CHART_FONT = {"size": 16, "color": "#1a1a1a"}
ALERT = "#D55E00"  # vermilion, for what needs attention (blank communes, split perimeters)
SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
# The tab's icon, served by this server: a `:material/…:` page icon is fetched from a font host.
FAVICON = str(Path(__file__).resolve().parents[2] / "static" / "maillage.png")


def hex_to_rgb(colour: str, alpha: int = 255) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


# Larger type for projectors, pages that print without the sidebar, and no English left on
# screen where Streamlit 1.67 and Plotly have no setting for their own words (checked against
# their bundles): the element toolbars (« Fullscreen », « Download as CSV », « Search »,
# « Show/hide columns ») and Plotly's modebar are hidden — every table the product exports has
# its own French download buttons —, the file uploader's « Upload » and « 25MB per file »
# are replaced by French text drawn by CSS, the uploaded file's « 34.0KB » is hidden (the page
# lists the files with their size in French), and so are the heading anchors (« Link to
# heading ») and the « Skip to main content » link. Hidden with `display: none`, so that
# screen readers skip them too; generated text (`content:`) is read by screen readers.
# The « No results » of a selectbox's or multiselect's list filtered down to nothing has no
# setting either, nor a test id: its element is found by the class Streamlit's bundle gives
# it (tests/test_pickers.py checks that these are still the classes of the installed version).
NO_MATCH_CLASSES = ("equpb2c9", "eo2qvtu11")  # Selectbox, Multiselect (Streamlit 1.67)
NO_MATCH = "Aucun résultat"
UPLOAD_BUTTON = "Choisir les fichiers"
UPLOAD_LIMITS = f"{MAX_FILE_BYTES // 1024**2} Mo au plus par fichier · .xlsx, .ods ou .csv"
CSS = f"""
<style>
[data-testid="stMetricValue"] {{ font-size: 2.4rem; }}
[data-testid="stElementToolbar"], .js-plotly-plot .modebar-container,
[data-testid="stHeaderActionElements"], [data-testid="stSkipToContent"],
[data-testid="stDataFrameColumnMenuTarget"] {{ display: none !important; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"],
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileChipName"] + * {{ display: none !important; }}
[data-testid="stFileUploaderDropzone"] button [data-has-shortcut]::after {{
  content: "{UPLOAD_BUTTON}"; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "{UPLOAD_LIMITS}"; }}
{", ".join("." + c for c in NO_MATCH_CLASSES)} {{ font-size: 0 !important; }}
{", ".join("." + c + "::after" for c in NO_MATCH_CLASSES)} {{
  content: "{NO_MATCH}"; font-size: 0.875rem; }}
/* A phone: the network graph is unusable there, the list of relays replaces it. */
@media (max-width: 640px) {{ .st-key-reseau {{ display: none !important; }} }}
@media (min-width: 641px) {{ .st-key-relais_liste {{ display: none !important; }} }}
@media print {{
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"] {{
    display: none; }}
  .block-container {{ padding-top: 0 !important; }}
}}
</style>
"""
