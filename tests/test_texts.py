"""Every code of every controlled vocabulary has a French label; formats are French."""

from maillage.formats import format_number, format_share
from maillage.schema import SHEETS
from maillage.texts import COLUMN_HELP, LABELS, SHEET_HELP
from maillage.vocabularies import SCHEME_SECTOR, VOCABULARIES


def test_every_code_has_a_label():
    missing = {
        (vocabulary, code)
        for vocabulary, codes in VOCABULARIES.items()
        for code in codes
        if not LABELS.get(vocabulary, {}).get(code)
    }
    assert missing == set()


def test_every_sheet_and_column_has_help():
    assert set(SHEETS) <= set(SHEET_HELP)
    columns = {c.name for sheet in SHEETS.values() for c in sheet.columns}
    assert columns - set(COLUMN_HELP) == set()


def test_every_vocabulary_named_by_the_schema_exists():
    named = {c.vocabulary for s in SHEETS.values() for c in s.columns if c.vocabulary}
    assert named <= set(VOCABULARIES)
    assert set(SCHEME_SECTOR) == set(VOCABULARIES["scheme_type"])


def test_french_number_formats():
    assert format_number(1234.5, 1) == "1\u202f234,5"
    assert format_share(0.123) == "12\u00a0%"
    assert format_share(None) == "—"
