"""OWASP's rule for cells of the files the product writes: text that a spreadsheet could take as a formula
is written as text; numbers, dates and other text stay as they are."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from lib.spreadsheets import csv_cell, csv_row, is_formula_like, xlsx_text
from oversight import exports

FORMULAS = ['=HYPERLINK("http://x.example/","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]
PLAIN = ["张德明", "R-1", "", "1=1", " =1", "'=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_could_be_a_formula_is_quoted_in_csv(text):
    assert is_formula_like(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [*PLAIN, -5, Decimal("-12.50"), 3.5, None, datetime.date(2026, 3, 1)])
def test_other_values_stay_as_they_are(value):
    assert not is_formula_like(value)
    assert csv_cell(value) == value
    assert csv_row([value, "=1"]) == [value, "'=1"]


def test_an_xlsx_cell_with_a_formula_like_text_is_a_string_with_the_quote_prefix():
    sheet = Workbook().active
    sheet.append([FORMULAS[0], "张德明", -5])
    cells = [xlsx_text(c) for c in sheet[1]]
    assert [(c.data_type, c.quotePrefix) for c in cells] == [("s", True), ("s", False), ("n", False)]
    assert cells[0].value == FORMULAS[0]  # as typed: the quote is a style, not a character


def test_the_ledger_files_write_formula_like_text_as_text_and_numbers_as_numbers():
    headers = ["name", "amount", "when"]
    rows = [[text, Decimal("-20.00"), datetime.datetime(2026, 3, 3, 10)] for text in FORMULAS + PLAIN]
    sheet = load_workbook(io.BytesIO(exports.to_xlsx("t", headers, rows))).active
    for i, text in enumerate(FORMULAS + PLAIN, start=2):
        name, amount = sheet.cell(row=i, column=1), sheet.cell(row=i, column=2)
        # An XML reader gives \r back as \n, or as \r with lxml (openpyxl uses it where it is installed).
        assert (name.value or "").replace("\r", "\n") == text.replace("\r", "\n")
        assert name.data_type == ("s" if text else "inlineStr")
        assert name.quotePrefix == (text in FORMULAS)
        assert amount.data_type == "n" and amount.value == -20
    read = list(csv.reader(io.StringIO(exports.to_csv(headers, rows).decode("utf-8-sig"), newline="")))
    assert read[1:] == [["'" + t if t in FORMULAS else t, "-20.00", "2026-03-03 10:00"] for t in FORMULAS + PLAIN]
