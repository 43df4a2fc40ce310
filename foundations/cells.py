"""Spreadsheet cells, written once for every export: the open-data downloads, the basket's
CSV and XLSX and the comparison's CSV all use this one formula guard and this one CSV
writer, so a rule about what a spreadsheet may evaluate is changed in one place.

A cell a spreadsheet would evaluate (CSV or formula injection: "=HYPERLINK(...)",
"+cmd", "-1+1", "@SUM(...)", or text after a tab or line break) is made text with a
leading apostrophe in CSV, and is written as a quote-prefixed string in XLSX. A plain
number (a negative outcome, -12.5) stays a number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

# Excel, LibreOffice and Google Sheets start a formula with these; the full-width forms
# are read as formulas by some East Asian locales of Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# Excel reads a CSV as UTF-8 only if it starts with a byte-order mark; without it "£"
# shows as "Â£".
BOM = "\ufeff"


def cell_text(value) -> str:
    """A value as the text of a cell, before any guard: None is empty, booleans are
    true/false, dates are ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would evaluate rather than show. Leading spaces are
    ignored, since some spreadsheets strip them before reading a cell."""
    stripped = text.lstrip(" ")
    return stripped.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(stripped)


def csv_cell(value) -> str:
    """A cell as CSV text, with an apostrophe in front of anything a spreadsheet would
    evaluate as a formula."""
    text = cell_text(value)
    if looks_like_formula(text):
        return "'" + text
    return text


class _Echo:
    """A write-only file for csv.writer: hands each line back instead of storing it."""

    def write(self, value):
        return value


def csv_line(cells: Iterable) -> str:
    """One CSV line (with its line ending), every cell through csv_cell."""
    return csv.writer(_Echo()).writerow([csv_cell(cell) for cell in cells])


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    for row in rows:
        yield csv_line(row)


def csv_document(rows: Iterable[Iterable], *, bom: bool = True) -> str:
    """A whole CSV file as text; with a byte-order mark unless bom is False."""
    return (BOM if bom else "") + "".join(csv_lines(rows))
