"""Comparison with another department's data (数据比对): reading the list (CSV or XLSX, first row the headers,
the columns the user names for the name, ID number and date of birth) and matching its rows against a
station's files: the ID number exactly, else the name (pinyin-aware, family.matching.name_score) with
the same date of birth. No database here: oversight.services.compare_list reads the files and keeps the
result."""

import datetime
import re

from django.utils.translation import gettext as _

from family.matching import name_score
from lib import idcard
from lib.text import listed

from .finance import SheetRefused, read_cells

FIELDS = ("name", "id_number", "birth_date")
NAME_THRESHOLD = 0.8  # same name, same pinyin, or alike in a southern accent


def _header(value):
    return re.sub(r"\s+", "", str(value or "")).lower()


def birth_date(value):
    """A date from a cell (a date, "1950-03-01", "1950/3/1", "19500301", "1950年3月1日"), or None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    digits = re.findall(r"\d+", str(value or ""))
    if len(digits) == 1 and len(digits[0]) == 8:
        digits = [digits[0][:4], digits[0][4:6], digits[0][6:]]
    if len(digits) < 3:
        return None
    try:
        return datetime.date(int(digits[0]), int(digits[1]), int(digits[2]))
    except ValueError:
        return None


def read_list(data, file_name, columns):
    """[{"line", "name", "id_number", "birth_date" (ISO or "")}] from the file; `columns` maps each of
    FIELDS to the header the user named ("" for none). SheetRefused if a named column is not in the first
    row, or neither a name nor an ID number column is named."""
    cells = read_cells(data, file_name)
    if not cells:
        raise SheetRefused(_("The file is empty."))
    headers = [_header(h) for h in cells[0]]
    where = {}
    for field in FIELDS:
        wanted = _header(columns.get(field))
        if not wanted:
            continue
        if wanted not in headers:
            raise SheetRefused(_("There is no column “%(column)s” in the first row; the columns are: %(all)s.") % {
                "column": columns.get(field), "all": listed(h for h in cells[0] if h)})
        where[field] = headers.index(wanted)
    if "name" not in where and "id_number" not in where:
        raise SheetRefused(_("Name the column of the names or of the ID numbers."))
    rows = []
    for line, row in enumerate(cells[1:], start=2):
        def cell(field, row=row):
            i = where.get(field)
            return row[i] if i is not None and i < len(row) else None
        name = str(cell("name") or "").strip()
        number = idcard.normalize(str(cell("id_number") or ""))
        born = birth_date(cell("birth_date"))
        if not born and len(number) == 18:
            born = idcard.birth_date(number)
        if name or number:
            rows.append({"line": line, "name": name, "id_number": number,
                         "birth_date": born.isoformat() if born else ""})
    return rows


def match(rows, people):
    """Hits [{"line", "person", "how": "id" | "name_birth", "score"}] of the list's rows among `people`
    ([{"pk", "id_number", "names": [...], "birth_date": ISO or ""}]): the ID number exactly; else, with no
    ID hit, a name alike (NAME_THRESHOLD) on a file with the same date of birth."""
    by_id, by_birth = {}, {}
    for p in people:
        if p["id_number"]:
            by_id.setdefault(p["id_number"], []).append(p)
        if p["birth_date"]:
            by_birth.setdefault(p["birth_date"], []).append(p)
    hits = []
    for row in rows:
        found = [{"line": row["line"], "person": p["pk"], "how": "id", "score": 1.0}
                 for p in by_id.get(row["id_number"], [])] if row["id_number"] else []
        if not found and row["name"] and row["birth_date"]:
            for p in by_birth.get(row["birth_date"], []):
                score = max((name_score(row["name"], n)[0] for n in p["names"] if n), default=0.0)
                if score >= NAME_THRESHOLD:
                    found.append({"line": row["line"], "person": p["pk"], "how": "name_birth",
                                  "score": round(score, 2)})
        hits.extend(found)
    return hits
