"""Workbooks at bench scale, written as an analyst would upload them.

`region_workbook(path)` writes a region-scale .xlsx (~4,000 communes of Auvergne-Rhône-Alpes,
10,000 actors, 2,000 schemes, 20,000 participations, 1,000 blockages) from the synthetic tables
of bench/indicators_scale.py, with dates as JJ/MM/AAAA text and lists `;`-joined: the load test
publishes it while sessions browse, and the bench runner may time read → validate → publish.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter

from bench.indicators_scale import synthetic_tables


def region_workbook(path: Path, seed: int = 0) -> Path:
    return scale_workbook(path, "region", seed)


def scale_workbook(path: Path, scale: str, seed: int = 0) -> Path:
    """Write the synthetic tables of `scale` as one .xlsx sheet each; return the path."""
    tables = synthetic_tables(scale, seed)
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(str(path), options) as workbook:
        for name, table in tables.items():
            sheet = workbook.add_worksheet(name)
            sheet.write_row(0, 0, list(table.columns))
            for number, row in enumerate(table.itertuples(index=False), start=1):
                for column, value in enumerate(row):
                    if value is None or (not isinstance(value, str) and pd.isna(value)):
                        continue
                    if isinstance(value, pd.Timestamp):
                        sheet.write_string(number, column, value.strftime("%d/%m/%Y"))
                    elif isinstance(value, int | float):
                        sheet.write_number(number, column, value)
                    else:
                        sheet.write_string(number, column, str(value))
    return path
