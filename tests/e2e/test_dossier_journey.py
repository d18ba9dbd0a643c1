"""Before a committee, in a real browser: open « Évolutions », compare the two latest
versions, and download the committee's dossier as a PDF that opens and says what changed."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.test_journeys import PAGE_TIMEOUT, assert_clean, open_screen, shot


def test_download_the_dossier_since_the_previous_version(live, page, artifacts):
    latest = live.store.latest(live.space).version
    info = live.store.restore(live.space, latest, author="e2e")  # a second version to compare
    open_screen(page, f"{live.url}/evolutions")
    assert_clean(page, "Évolutions")
    expect(
        page.get_by_text(f"Rien n’a changé entre la version {latest} et la version {info.version}.")
    ).to_be_visible(timeout=PAGE_TIMEOUT)
    button = page.get_by_role("button", name=re.compile("Télécharger le dossier"))
    with page.expect_download(timeout=PAGE_TIMEOUT) as download:
        button.click()
    path = artifacts / "dossier.pdf"
    download.value.save_as(path)
    assert download.value.suggested_filename == (
        f"dossier-{live.space}-v{info.version}-depuis-v{latest}.pdf"
    )
    reader = PdfReader(path)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 2
    assert f"Ce qui a changé depuis la version {latest}" in text
    assert f"version {info.version}" in text and "Carte du territoire" in text
    shot(page, artifacts, "evolutions")
