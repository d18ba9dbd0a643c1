"""Write synthetic tables as a real .xlsx, the way an analyst's export looks (text codes,
date cells), so that the bench reads, validates and publishes what users upload."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(path, options) as workbook:
        date = workbook.add_format({"num_format": "dd/mm/yyyy"})
        for name, table in tables.items():
            sheet = workbook.add_worksheet(name)
            sheet.write_row(0, 0, list(table.columns))
            dates = [pd.api.types.is_datetime64_any_dtype(table[c]) for c in table.columns]
            for row, values in enumerate(table.itertuples(index=False), start=1):
                for position, value in enumerate(values):
                    if value is None or value is pd.NaT or value is pd.NA or value != value:
                        continue
                    if dates[position]:
                        sheet.write_datetime(row, position, value.to_pydatetime(), date)
                    elif isinstance(value, int | float):
                        sheet.write_number(row, position, value)
                    else:
                        sheet.write_string(row, position, str(value))
    return path
