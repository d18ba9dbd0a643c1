"""Two app instances on one PostgreSQL database, as behind a reverse proxy: a version
published from the command line is seen by both at their next page load, without restart."""

from __future__ import annotations

import subprocess
import sys

from bench.live import ROOT, publish_base, streamlit_server
from tests.e2e.test_journeys import assert_clean, open_screen, shown_version
from tests.workbooks import minimal_sheets, xlsx_bytes


def test_two_instances_see_a_publication_made_from_the_command_line(
    postgres_url, browser, artifacts, tmp_path
):
    space = publish_base(postgres_url)
    workbook = tmp_path / "nouvelle.xlsx"
    workbook.write_bytes(xlsx_bytes(minimal_sheets()))
    with (
        streamlit_server(postgres_url, artifacts / "instance-a.log") as first,
        streamlit_server(postgres_url, artifacts / "instance-b.log") as second,
    ):
        assert first != second
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        try:
            pages = [context.new_page(), context.new_page()]
            for page, url in zip(pages, (first, second), strict=True):
                page.set_default_timeout(60_000)
                open_screen(page, url)
                assert_clean(page, url)
                assert shown_version(page) == 1
            published = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "maillage.cli",
                    "import",
                    str(workbook),
                    "--space",
                    space,
                    "--db",
                    postgres_url,
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert published.returncode == 0, published.stderr
            assert f"Version 2 de l’espace « {space} » publiée." in published.stdout
            for page, url in zip(pages, (first, second), strict=True):
                open_screen(page, url)  # a new page load: a new run of the same process
                assert_clean(page, url)
                assert shown_version(page) == 2
            pages[0].screenshot(path=str(artifacts / "deux-instances.png"), full_page=True)
        finally:
            context.close()
