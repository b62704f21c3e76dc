"""A ledger as a file: XLSX (openpyxl: bold frozen header, column widths, dates as dates, amounts as
numbers) or CSV (UTF-8 with a byte-order mark, so that Excel opens the Chinese headers without mojibake).
Text that could be a formula is written as text (lib.spreadsheets). No database here: it formats the rows
oversight.ledgers made and the problem ledger."""

import csv
import datetime
import decimal
import io

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lib.spreadsheets import csv_cell, csv_row, xlsx_text

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"


def _width(value):
    """Characters a cell needs, a Chinese character counting two."""
    if isinstance(value, datetime.datetime):
        return 16
    text = "" if value is None else str(value)
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def to_xlsx(title, headers, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    header_font, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        xlsx_text(cell)
        cell.font, cell.fill = header_font, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([float(v) if isinstance(v, decimal.Decimal) else v for v in row])
    widths = [_width(h) for h in headers]
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row):
            widths[j] = max(widths[j], min(_width(value), 50))
            xlsx_text(sheet.cell(row=i, column=j + 1))
            if isinstance(value, datetime.datetime):
                sheet.cell(row=i, column=j + 1).number_format = DATETIME_FORMAT
            elif isinstance(value, decimal.Decimal):
                sheet.cell(row=i, column=j + 1).number_format = MONEY_FORMAT
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value):
    """A CSV cell: dates and numbers written out (a negative amount stays a number), text as it would be
    in the sheet."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (str, Promise)):
        return csv_cell(str(value))
    return str(value)


def to_csv(headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_row(headers))
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def export(fmt, title, headers, rows):
    """The file's bytes in format "xlsx" or "csv"."""
    return to_xlsx(title, headers, rows) if fmt == "xlsx" else to_csv(headers, rows)
