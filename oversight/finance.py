"""Reading the finance office's sheet of payments and setting it against the departures' money. No
database here: oversight.services.compare_finance reads the departures and keeps the result.

The sheet (XLSX or CSV, first sheet, first row the headers) has the column 金额 (amount) and names each
payment by 票据号 (receipt_no), 身份证号 (ID number) or 姓名 (name); it may have 账号 (account) and 日期
(date); other columns are ignored. See the README.
"""

import csv
import decimal
import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from lib.errors import Refusal

COLUMNS = {"receipt_no": ("票据号", "receipt_no", "receipt"), "amount": ("金额", "实发金额", "amount"),
           "name": ("姓名", "收款人", "name"), "id_number": ("身份证号", "身份证号码", "id_number"),
           "account": ("账号", "银行账号", "收款账号", "account"), "date": ("日期", "date")}
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


TOTALS = ("合计", "总计", "小计", "total")


def read_sheet(data, file_name):
    """[{"receipt_no", "amount" (text), "name", "id_number", "account", "date", "line"}] from the file;
    SheetRefused with the reason if it has no amount column nor a column naming the payment (receipt
    number, ID number or name), or a line names a payment without a readable amount. Lines naming no
    payment (blank lines, totals) are left out."""
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
    if "amount" not in where or not where.keys() & {"receipt_no", "id_number", "name"}:
        raise SheetRefused(_("The first row must name the column 金额 (amount) and at least one of 票据号 (receipt "
                             "number), 身份证号 (ID number) and 姓名 (name)."))
    rows = []
    for line, row in enumerate(cells[1:], start=2):
        def cell(key, row=row):
            i = where.get(key)
            return str(row[i] if i is not None and i < len(row) and row[i] is not None else "").strip()
        receipt, name, number = cell("receipt_no"), cell("name"), cell("id_number").upper()
        if not (receipt or name or number) or receipt.lower() in TOTALS or name.lower() in TOTALS:
            continue  # blank lines and totals
        value = amount(row[where["amount"]] if where["amount"] < len(row) else None)
        if value is None:
            raise SheetRefused(_("Line %(line)s: the amount of %(receipt)s cannot be read.") % {
                "line": line, "receipt": receipt or name or number})
        i = where.get("date")
        date = row[i] if i is not None and i < len(row) else None
        rows.append({"receipt_no": receipt, "amount": str(value), "name": name, "id_number": number,
                     "account": "".join(cell("account").split()),
                     "date": date.strftime("%Y-%m-%d") if hasattr(date, "strftime") else str(date or ""),
                     "line": line})
    return rows


# What a payment's payee is compared by, when both sides give it.
PAYEE = ("name", "id_number", "account")


def compare(system, sheet):
    """Set the system's payments [{"receipt_no", "amount", "departure", "name", "id_number", "account"}]
    against the sheet's rows, as the plan names the account paid (实发账户: name, ID number, account,
    amount), the receipt number where there is one. A payment and a line are paired by receipt number,
    else by ID number, else by name; then:
    - only in the system: missing from the sheet; only on the sheet: extra;
    - paired with another amount: different (a receipt twice on the sheet counts with its total);
    - paired with another name, ID number or account (each compared where both sides give it): other payee.
    """
    lines = {}  # a receipt's lines together; a line without a receipt on its own
    for row in sheet:
        key = ("receipt", row["receipt_no"]) if row["receipt_no"] else ("line", row["line"])
        entry = lines.setdefault(key, {**row, "amount": decimal.Decimal(0)})
        entry["amount"] += decimal.Decimal(row["amount"])
    unpaired = list(lines.values())
    result = {"missing": [], "extra": [], "different": [], "other_payee": [], "matched": 0}
    pairs = []
    for payment in system:
        entry = _pair(payment, unpaired)
        if entry is None:
            result["missing"].append({"receipt_no": payment["receipt_no"],
                                      "amount": str(decimal.Decimal(payment["amount"]).quantize(CENT)),
                                      "departure": payment["departure"]})
        else:
            unpaired.remove(entry)
            pairs.append((payment, entry))
    for payment, entry in pairs:
        paid = decimal.Decimal(payment["amount"]).quantize(CENT)
        agrees = True
        if entry["amount"] != paid:
            result["different"].append({"receipt_no": payment["receipt_no"] or entry["receipt_no"], "system": str(paid),
                                        "sheet": str(entry["amount"]), "departure": payment["departure"],
                                        "line": entry["line"]})
            agrees = False
        differ = [f for f in PAYEE if payment.get(f) and entry.get(f) and _same(f, payment[f]) != _same(f, entry[f])]
        if differ:
            result["other_payee"].append({"receipt_no": payment["receipt_no"] or entry["receipt_no"],
                                          "fields": differ, "departure": payment["departure"], "line": entry["line"],
                                          "system": {f: payment.get(f, "") for f in PAYEE},
                                          "sheet": {f: entry.get(f, "") for f in PAYEE}})
            agrees = False
        result["matched"] += agrees
    for entry in unpaired:
        result["extra"].append({"receipt_no": entry["receipt_no"], "amount": str(entry["amount"]),
                                "line": entry["line"], "name": entry.get("name", ""),
                                "id_number": entry.get("id_number", "")})
    return result


def _same(field, value):
    """A name, ID number or account as compared: without spaces, the ID number's x in capitals."""
    return "".join(str(value).split()).upper()


def _pair(payment, lines):
    """The sheet's line for a payment: the same receipt number, else the same ID number, else the same name
    (a line with a receipt number pairs only by it)."""
    if payment["receipt_no"]:
        for entry in lines:
            if entry["receipt_no"] == payment["receipt_no"]:
                return entry
    for field in ("id_number", "name"):
        if payment.get(field):
            for entry in lines:
                if not entry["receipt_no"] and entry.get(field) and _same(field, entry[field]) == _same(
                        field, payment[field]):
                    return entry
    return None
