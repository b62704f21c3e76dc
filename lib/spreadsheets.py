"""Cells of the files the product writes (ledgers, the problem ledger, the audit CSV): text a person typed
is never a formula in the reader's spreadsheet (OWASP, "CSV injection").

The rule, in one place: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
written as text. A name like `=HYPERLINK("http://x.example/","y")` typed at intake, or the user name of a
failed log-in (it reaches the audit CSV without logging in), would otherwise be live in the file.
Numbers, dates and times stay what they are: a negative amount is a number, not text.

- CSV has no types: the cell is prefixed with a single quote, as OWASP says; a spreadsheet then shows
  the text, and a reader sees that the quote was added.
- XLSX has types: the cell is written as a string (openpyxl would make a formula of a text beginning
  with `=`) and given Excel's quote prefix (the style Excel gives a cell typed with a leading quote).
  The value stays exactly as typed, a name reads and sorts as itself, and Excel keeps it text even
  when the cell is edited. A quote inside the value would be a visible character of the name."""

from django.utils.functional import Promise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value):
    """Whether a cell's value is text a spreadsheet could take as a formula."""
    if isinstance(value, Promise):
        value = str(value)
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """A CSV cell's value: text that could be a formula behind a single quote, anything else as given."""
    if is_formula_like(value):
        return "'" + str(value)
    return value


def csv_row(values):
    """A row for csv.writer.writerow, every cell through csv_cell."""
    return [csv_cell(v) for v in values]


def xlsx_text(cell):
    """Make an openpyxl cell that holds text which could be a formula a string with the quote prefix;
    leave any other cell alone. Call after the value is set."""
    if is_formula_like(cell.value):
        cell.value = str(cell.value)
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
