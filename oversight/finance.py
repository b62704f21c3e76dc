"""Reading the finance office's sheet of payments and setting it against the departures' money. No
database here: oversight.services.compare_finance reads the departures and keeps the result.

The sheet (XLSX or CSV, first sheet, first row the headers) has the columns 票据号 (receipt_no) and 金额
(amount), and may have 姓名 (name) and 日期 (date); other columns are ignored. See the README.
"""

import csv
import decimal
import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from lib.errors import Refusal

COLUMNS = {"receipt_no": ("票据号", "receipt_no", "receipt"), "amount": ("金额", "amount"),
           "name": ("姓名", "name"), "date": ("日期", "date")}
CENT = decimal.Decimal("0.01")


class SheetRefused(Refusal):
    """The file cannot be read as a sheet of payments: nothing is compared or kept."""


MAX_COLUMNS = 100  # columns read of each row: the ones named are the first few, the rest is ignored


def read_cells(data, file_name):
    """The first sheet's rows (lists of cells) of an XLSX or CSV file; SheetRefused if it cannot be read
    or is beyond the limits (settings.SHEET_MAX_BYTES, SHEET_MAX_UNCOMPRESSED_BYTES, SHEET_MAX_ROWS,
    SHEET_MAX_CELL_CHARS): a zip bomb is refused from its directory, before anything is inflated."""
    if len(data) > settings.SHEET_MAX_BYTES:
        raise SheetRefused(_("The file is larger than %(limit)s MB: split it or leave out what is not needed.")
                           % {"limit": _megabytes(settings.SHEET_MAX_BYTES)})
    if file_name.lower().endswith(".xlsx"):
        return _limited(_xlsx_rows(data))
    if file_name.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise SheetRefused(_("This CSV file is neither UTF-8 nor GB18030 text.")) from None
        try:
            return _limited(row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text)))
        except csv.Error:
            raise SheetRefused(_("This CSV file cannot be read: a cell is too long or a quote is not closed.")) from None
    raise SheetRefused(_("Upload the sheet as XLSX or CSV."))


def _megabytes(size):
    return f"{size / 1024 / 1024:g}"


def _xlsx_rows(data):
    """The rows of the first sheet, read as they come (openpyxl's read-only mode). The members' sizes are
    added up from the zip's directory first: zipfile inflates no member beyond the size its directory
    gives (a member that says less fails its check), so this sum bounds what openpyxl can unpack."""
    refused = SheetRefused(_("This file is not a readable XLSX workbook."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refused from None
    if unpacked > settings.SHEET_MAX_UNCOMPRESSED_BYTES:
        raise SheetRefused(_("This workbook unpacks to more than %(limit)s MB: it is refused unread.")
                           % {"limit": _megabytes(settings.SHEET_MAX_UNCOMPRESSED_BYTES)})
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError):
        raise refused from None
    try:
        yield from sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise refused from None
    finally:
        workbook.close()


def _limited(rows):
    """The rows as lists, refused past settings.SHEET_MAX_ROWS rows or at a cell longer than
    settings.SHEET_MAX_CELL_CHARS characters."""
    cells = []
    for line, row in enumerate(rows, start=1):
        if line > settings.SHEET_MAX_ROWS:
            raise SheetRefused(_("The sheet has more than %(limit)s rows: split it by month or by station.")
                               % {"limit": settings.SHEET_MAX_ROWS})
        row = list(row)
        if any(isinstance(value, str) and len(value) > settings.SHEET_MAX_CELL_CHARS for value in row):
            raise SheetRefused(_("Line %(line)s has a cell longer than %(limit)s characters.")
                               % {"line": line, "limit": settings.SHEET_MAX_CELL_CHARS})
        cells.append(row)
    return cells


def amount(value):
    """Decimal with two places from a cell ("1,234.50", 1234.5, "¥30"), or None if it is no amount."""
    if value is None or value == "":
        return None
    text = str(value).replace(",", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
    try:
        number = decimal.Decimal(text)
        return number.quantize(CENT) if number.is_finite() else None  # "NaN" and "Infinity" are no amounts
    except decimal.InvalidOperation:
        return None


def read_sheet(data, file_name):
    """[{"receipt_no", "amount" (text), "name", "date", "line"}] from the file; SheetRefused with the reason
    if it has no receipt or amount column or a line has a receipt number without a readable amount."""
    cells = read_cells(data, file_name)
    if not cells:
        raise SheetRefused(_("The sheet is empty."))
    header = [str(h or "").strip().lower() for h in cells[0]]
    where = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                where[key] = i
                break
    if "receipt_no" not in where or "amount" not in where:
        raise SheetRefused(_("The first row must name the columns 票据号 (receipt number) and 金额 (amount)."))
    rows = []
    for line, row in enumerate(cells[1:], start=2):
        def cell(key, row=row):
            i = where.get(key)
            return row[i] if i is not None and i < len(row) else None
        receipt = str(cell("receipt_no") or "").strip()
        if not receipt:
            continue  # blank lines and totals
        value = amount(cell("amount"))
        if value is None:
            raise SheetRefused(_("Line %(line)s: the amount of receipt %(receipt)s cannot be read.") % {
                "line": line, "receipt": receipt})
        date = cell("date")
        rows.append({"receipt_no": receipt, "amount": str(value), "name": str(cell("name") or "").strip(),
                     "date": date.strftime("%Y-%m-%d") if hasattr(date, "strftime") else str(date or ""),
                     "line": line})
    return rows


def compare(system, sheet):
    """Set the system's payments [{"receipt_no", "amount", "departure"}] against the sheet's rows: what is
    only in the system (missing from the sheet), only on the sheet (extra), or in both with another amount
    (different). A receipt twice on the sheet counts with its total."""
    on_sheet = {}
    for row in sheet:
        entry = on_sheet.setdefault(row["receipt_no"], {"amount": decimal.Decimal(0), "line": row["line"]})
        entry["amount"] += decimal.Decimal(row["amount"])
    result = {"missing": [], "extra": [], "different": [], "matched": 0}
    seen = set()
    for payment in system:
        receipt, paid = payment["receipt_no"], decimal.Decimal(payment["amount"]).quantize(CENT)
        seen.add(receipt)
        entry = on_sheet.get(receipt)
        if entry is None:
            result["missing"].append({"receipt_no": receipt, "amount": str(paid), "departure": payment["departure"]})
        elif entry["amount"] != paid:
            result["different"].append({"receipt_no": receipt, "system": str(paid), "sheet": str(entry["amount"]),
                                        "departure": payment["departure"], "line": entry["line"]})
        else:
            result["matched"] += 1
    for receipt, entry in on_sheet.items():
        if receipt not in seen:
            result["extra"].append({"receipt_no": receipt, "amount": str(entry["amount"]), "line": entry["line"]})
    return result
