import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from foundations.cells import BOM, csv_cell, csv_document, csv_line, looks_like_formula

MALICIOUS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "＝1+1",
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe(text):
    """Every formula start (= + - @ tab CR LF, after spaces, full-width) is made text."""
    assert looks_like_formula(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-12.5", "-3", "12", "Leeds", "a=b", "", "£3.10"])
def test_plain_numbers_and_ordinary_text_are_left_alone(value):
    """A negative number is data, and text with = inside it is not a formula."""
    assert csv_cell(value) == value


def test_values_become_cell_text():
    """None is empty, booleans true/false, dates ISO, decimals exact."""
    assert [csv_cell(v) for v in (None, True, False, date(2026, 12, 1), Decimal("3.10"))] == [
        "",
        "true",
        "false",
        "2026-12-01",
        "3.10",
    ]


def test_a_document_has_a_bom_and_reads_back_cell_for_cell():
    """The BOM is first, quoting survives commas, quotes and line breaks, and the guard
    applies to every cell of every row."""
    rows = [["Name", "Note"], ["=cmd", 'a, "quoted"\nline']]
    text = csv_document(rows)
    assert text.startswith(BOM)
    assert list(csv.reader(io.StringIO(text.removeprefix(BOM)))) == [
        ["Name", "Note"],
        ["'=cmd", 'a, "quoted"\nline'],
    ]
    assert not csv_document(rows, bom=False).startswith(BOM)
    assert csv_line(["-1", "+1"]) == "-1,'+1\r\n"
