"""The empty Excel template: the schema of SPEC §2 as a workbook that prevents mistakes.

Analysts fill spreadsheets, not forms: drop-down lists on every coded column, the help of
each column as a header comment and a French "lisez_moi" sheet catch most errors before
validation sees them. Everything here is derived from `schema.SHEETS`, so a column added to
the schema appears in the template at once.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from maillage.schema import LIST_SEPARATOR, SHEETS, Column, Sheet
from maillage.texts import LABELS, SHEET_HELP, SHEET_LABELS, column_help
from maillage.vocabularies import VOCABULARIES

README_SHEET = "lisez_moi"
LISTS_SHEET = "listes"
LAST_ROW = 5000  # drop-downs and text formats cover rows 2..LAST_ROW
COMMENT_AUTHOR = "maillage"

_REQUIRED_FILL = PatternFill("solid", start_color="FFE2B6")
_OPTIONAL_FILL = PatternFill("solid", start_color="E8EEF4")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_WRAP = Alignment(wrap_text=True, vertical="top")
_INSEE_KINDS = ("commune", "communes")
_INSEE_COLUMNS = {("communes", "code"), ("communes", "epci"), ("communes", "departement")}
_WIDE_COLUMNS = {
    "nom": 40,
    "description": 60,
    "communes": 40,
    "sous_categorie": 28,
    "thematiques": 30,
    "composition": 30,
    "nature": 28,
    "instances": 22,
}


# Where the shared help of a column name is wrong for one sheet.
def write_template(path: str | Path) -> Path:
    """Write the empty template workbook to `path` and return the path."""
    path = Path(path)
    workbook = Workbook()
    readme = workbook.active
    readme.title = README_SHEET
    lists = _write_lists(workbook.create_sheet(LISTS_SHEET))
    for position, sheet in enumerate(SHEETS.values(), start=1):
        _write_data_sheet(workbook.create_sheet(sheet.name, position), sheet, lists)
    _write_readme(readme)
    workbook[LISTS_SHEET].sheet_state = "hidden"
    workbook.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _write_lists(sheet: Worksheet) -> dict[str, str]:
    """One code column and one label column per vocabulary; returns vocabulary → the range of
    its French labels, which the drop-downs offer (the reader maps labels back to codes)."""
    ranges = {}
    for index, (vocabulary, codes) in enumerate(VOCABULARIES.items()):
        code_column = get_column_letter(2 * index + 1)
        label_column = get_column_letter(2 * index + 2)
        sheet[f"{code_column}1"] = vocabulary
        sheet[f"{label_column}1"] = "libellé"
        sheet[f"{code_column}1"].font = sheet[f"{label_column}1"].font = _BOLD
        for row, code in enumerate(codes, start=2):
            sheet[f"{code_column}{row}"] = code
            sheet[f"{label_column}{row}"] = LABELS[vocabulary][code]
        sheet.column_dimensions[code_column].width = 26
        sheet.column_dimensions[label_column].width = 40
        last = len(codes) + 1
        cells = f"${label_column}$2:${label_column}${last}"
        ranges[vocabulary] = f"{quote_sheetname(LISTS_SHEET)}!{cells}"
    return ranges


def _write_data_sheet(worksheet: Worksheet, sheet: Sheet, lists: dict[str, str]) -> None:
    for position, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(position)
        cell = worksheet.cell(row=1, column=position, value=column.name)
        cell.font = _BOLD
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        cell.comment = _header_comment(sheet.name, column)
        worksheet.column_dimensions[letter].width = _WIDE_COLUMNS.get(
            column.name, max(14, len(column.name) + 4)
        )
        if column.kind in _INSEE_KINDS or (sheet.name, column.name) in _INSEE_COLUMNS:
            worksheet.column_dimensions[letter].number_format = "@"
        if column.kind == "code":
            help_text = column_help(sheet.name, column.name)
            worksheet.add_data_validation(
                _drop_down(column, letter, lists[column.code_vocabulary], help_text)
            )
    worksheet.freeze_panes = "A2"


def _header_comment(sheet: str, column: Column) -> Comment:
    lines = ["Obligatoire." if column.required else "Facultatif."]
    if help_text := column_help(sheet, column.name):
        lines.append(help_text)
    if column.kind == "codes":
        codes = VOCABULARIES[column.code_vocabulary]
        labels = " ; ".join(LABELS[column.code_vocabulary][code] for code in codes)
        lines.append(
            f"Valeurs séparées par « {LIST_SEPARATOR} », parmi : {labels} "
            f"(ou leurs codes : {', '.join(codes)})."
        )
    if column.default:
        lines.append(f"Vide = {column.default}.")
    comment = Comment("\n".join(lines), COMMENT_AUTHOR)
    comment.width, comment.height = 320, 40 + 18 * (len(lines) + len(lines[-1]) // 45)
    return comment


def _drop_down(column: Column, letter: str, source: str, help_text: str) -> DataValidation:
    """A drop-down of French labels whose refusal is only a warning: the code itself
    (« developpement_local ») is accepted too, and validation at import is the real check."""
    example = VOCABULARIES[column.code_vocabulary][0]
    validation = DataValidation(
        type="list",
        formula1=f"={source}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Valeur hors liste",
        error=f"Cette valeur ne figure pas dans la liste de « {column.name} ». Les libellés "
        f"de la liste et leurs codes (ex. {example}) sont acceptés ; toute autre valeur sera "
        "signalée à l’import. La garder quand même ?",
        showInputMessage=True,
        promptTitle=column.name[:32],
        prompt=help_text[:255],  # Excel's limit
    )
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    return validation


def _readme_lines() -> list[tuple[str, str | None]]:
    """(text, style) lines of the instructions; style is "title", "heading" or None."""
    lines: list[tuple[str, str | None]] = [
        ("Modèle de classeur maillage — mode d’emploi", "title"),
        (
            "Remplissez une ligne par élément, sous les en-têtes de la ligne 1 de chaque feuille. "
            "Ne renommez pas les en-têtes ; vous pouvez ajouter des colonnes à vous (elles sont "
            "conservées et affichées).",
            None,
        ),
        (
            "Les en-têtes sur fond orangé sont obligatoires ; les autres sont facultatifs. "
            "Survolez un en-tête pour lire son aide.",
            None,
        ),
        ("Les feuilles « lisez_moi » et « listes » (masquée) sont ignorées à l’import.", None),
        ("", None),
        ("Règles de saisie", "heading"),
        (
            f"Listes dans une cellule : valeurs séparées par « {LIST_SEPARATOR} » "
            "(ex. Alimentation;Santé ou COPIL;COTECH).",
            None,
        ),
        (
            "Codes INSEE des communes : en texte, sur 5 caractères, avec le zéro initial "
            "(03190, pas 3190 ; 2A004 pour la Corse). Les colonnes de codes sont déjà au "
            "format texte.",
            None,
        ),
        (
            "Dans la colonne « communes » des périmètres, on peut aussi nommer un EPCI entier "
            "(epci:200071496) ou un département entier (dep:03).",
            None,
        ),
        ("Dates au format JJ/MM/AAAA (ex. 21/11/2026) ou cellules de type date.", None),
        (
            "Valeurs contrôlées : choisissez leur libellé français dans la liste déroulante "
            "(« Développement local »). Le code est accepté aussi (developpement_local) ; la "
            "liste des valeurs admises figure plus bas.",
            None,
        ),
        ("", None),
        ("Les feuilles", "heading"),
    ]
    for sheet in SHEETS.values():
        status = "obligatoire" if sheet.required else "facultative"
        required = ", ".join(c.name for c in sheet.columns if c.required)
        lines.append((f"{sheet.name} — {SHEET_LABELS[sheet.name]} (feuille {status})", "bold"))
        lines.append((SHEET_HELP[sheet.name], None))
        lines.append((f"Colonnes obligatoires : {required}.", None))
    lines += [("", None), ("Valeurs admises (libellé — code)", "heading")]
    for vocabulary, codes in VOCABULARIES.items():
        used = [
            f"{s.name}.{c.name}"
            for s in SHEETS.values()
            for c in s.columns
            if c.vocabulary == vocabulary
        ]
        if not used:
            continue
        lines.append((f"Pour {', '.join(used)} :", "bold"))
        lines += [(f"{LABELS[vocabulary][code]} — {code}", None) for code in codes]
    return lines


def _write_readme(sheet: Worksheet) -> None:
    fonts = {"title": _TITLE, "heading": Font(bold=True, size=12), "bold": _BOLD}
    for row, (text, style) in enumerate(_readme_lines(), start=1):
        cell = sheet.cell(row=row, column=1, value=text or None)
        cell.alignment = _WRAP
        if style:
            cell.font = fonts[style]
    sheet.column_dimensions["A"].width = 110
