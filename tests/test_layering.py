"""The domain package never imports a UI library; pages and app stay thin."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_LIBRARIES = {"streamlit", "plotly", "pydeck"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_domain_imports_no_ui_library():
    domain = [
        p
        for p in (ROOT / "maillage").rglob("*.py")
        if "ui" not in p.relative_to(ROOT / "maillage").parts
    ]
    assert domain, "the domain package has modules"
    offenders = {
        str(p.relative_to(ROOT)): sorted(imported_modules(p) & UI_LIBRARIES)
        for p in domain
        if imported_modules(p) & UI_LIBRARIES
    }
    assert offenders == {}


def test_pages_are_thin():
    pages = sorted((ROOT / "pages").glob("*.py"))
    assert pages
    too_long = {
        p.name: n for p in pages if (n := len(p.read_text(encoding="utf-8").splitlines())) > 120
    }
    assert too_long == {}
