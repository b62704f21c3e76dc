"""Reading the finance office's sheet of payments and setting it against the departures' money. No
database here: oversight.services.compare_finance reads the departures and keeps the result.

The sheet (XLSX or CSV, first sheet, first row the headers) has the columns 票据号 (receipt_no) and 金额
(amount), and may have 姓名 (name) and 日期 (date); other columns are ignored. See the README.
"""

import csv
import decimal
import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from lib.errors import Refusal

COLUMNS = {"receipt_no": ("票据号", "receipt_no", "receipt"), "amount": ("金额", "amount"),
           "name": ("姓名", "name"), "date": ("日期", "date")}
CENT = decimal.Decimal("0.01")


class SheetRefused(Refusal):
    """The file cannot be read as a sheet of payments: nothing is compared or kept."""


def read_cells(data, file_name):
    """The first sheet's rows (lists of cells) of an XLSX or CSV file; SheetRefused if it cannot be read."""
    if file_name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise SheetRefused(_("This file is not a readable XLSX workbook.")) from None
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if file_name.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise SheetRefused(_("This CSV file is neither UTF-8 nor GB18030 text.")) from None
        return list(csv.reader(io.StringIO(text)))
    raise SheetRefused(_("Upload the sheet as XLSX or CSV."))


def amount(value):
    """Decimal with two places from a cell ("1,234.50", 1234.5, "¥30"), or None if it is no amount."""
    if value is None or value == "":
        return None
    text = str(value).replace(",", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
    try:
        return decimal.Decimal(text).quantize(CENT)
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
