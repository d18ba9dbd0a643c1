"""Session-state and query-string keys, defined once. Filters bound to the URL use these as
their widget keys, so a copied address reproduces the view."""

SPACE = "espace"
PERIMETER = "territoire"
SCHEME_TYPES = "types"
THEMES = "thematiques"
MAP_MODE = "carte"  # the atlas as a drawing (default) or a map to explore
CHECKED = "import_verifie"
ACCOUNT_SCOPE = "territoire_du_compte"
