"""Spreadsheets uploaded to be read (the finance sheet, another department's list) within limits: a zip
bomb refused from its directory before openpyxl opens it, too many rows, too long a cell, too large a
CSV; each refused with its reason and nothing kept. The files are built in memory, the limits lowered."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from oversight import finance
from oversight.finance import SheetRefused
from oversight.models import DataComparison, FinanceComparison
from oversight.services import compare_finance, compare_list

COLUMNS = {"name": "姓名", "id_number": "", "birth_date": ""}
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.SHEET_MAX_BYTES = 64 * 1024
    settings.SHEET_MAX_UNCOMPRESSED_BYTES = 256 * 1024
    settings.SHEET_MAX_ROWS = 100
    settings.SHEET_MAX_CELL_CHARS = 200
    return settings


def xlsx(rows, header=("票据号", "金额", "姓名")):
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def bomb(size):
    """A real workbook whose sheet carries `size` zeros in an XML comment: a few KB packed."""
    packed, out = io.BytesIO(xlsx([["R-1", 10, "甲"]])), io.BytesIO()
    with zipfile.ZipFile(packed) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = data.partition(b"?>")
                data = head + b"?><!--" + b"0" * size + b"-->" + rest
            target.writestr(member.filename, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_before_it_is_opened(station, supervisor, monkeypatch):
    data = bomb(4 * 1024 * 1024)
    assert len(data) < 64 * 1024  # small enough to pass the file-size limit

    def never(*args, **kwargs):
        raise AssertionError("openpyxl opened a zip bomb")
    monkeypatch.setattr(finance, "load_workbook", never)
    with pytest.raises(SheetRefused, match="unpacks to more than"):
        compare_finance(station=station, month=MARCH, file_name="march.xlsx", data=data, by=supervisor)
    with pytest.raises(SheetRefused, match="unpacks to more than"):
        compare_list(station=station, source="x", file_name="list.xlsx", data=data, columns=COLUMNS, by=supervisor)
    assert not FinanceComparison.objects.exists() and not DataComparison.objects.exists()


def test_a_workbook_of_too_many_rows_is_refused(station, supervisor):
    data = xlsx([[f"R-{i}", 10, "甲"] for i in range(150)])
    with pytest.raises(SheetRefused, match="more than 100 rows"):
        compare_finance(station=station, month=MARCH, file_name="march.xlsx", data=data, by=supervisor)
    with pytest.raises(SheetRefused, match="more than 100 rows"):
        compare_list(station=station, source="x", file_name="list.xlsx", data=data, columns=COLUMNS, by=supervisor)
    assert not FinanceComparison.objects.exists() and not DataComparison.objects.exists()


@pytest.mark.parametrize("file_name, data", [
    ("march.xlsx", xlsx([["R-1", 10, "甲" * 500]])),
    ("march.csv", f"票据号,金额,姓名\nR-1,10,{'甲' * 500}\n".encode()),
], ids=["xlsx", "csv"])
def test_a_cell_too_long_is_refused_with_its_line(station, supervisor, file_name, data):
    with pytest.raises(SheetRefused, match="Line 2 has a cell longer than 200"):
        compare_finance(station=station, month=MARCH, file_name=file_name, data=data, by=supervisor)
    assert not FinanceComparison.objects.exists()


def test_a_csv_too_large_is_refused(station, supervisor):
    data = ("姓名,金额\n" + "".join(f"R-{i},10\n" for i in range(20_000))).encode()
    with pytest.raises(SheetRefused, match="larger than"):
        compare_list(station=station, source="x", file_name="list.csv", data=data, columns=COLUMNS, by=supervisor)
    assert not DataComparison.objects.exists()


def test_a_csv_field_beyond_the_csv_modules_limit_is_refused_not_a_500(limits):
    limits.SHEET_MAX_BYTES = 1024 * 1024
    with pytest.raises(SheetRefused, match="cannot be read"):  # csv's own limit: 128 KB in a field
        finance.read_cells(b'a,"' + b"x" * 200_000, "list.csv")


def test_the_upload_page_says_why_a_sheet_is_refused(station, supervisor, client_as):
    upload = SimpleUploadedFile("march.xlsx", bomb(4 * 1024 * 1024))
    response = client_as(supervisor).post("/oversight/month/finance/upload/",
                                          {"station": station.pk, "month": "2026-03", "sheet": upload})
    assert response.status_code == 400 and "unpacks to more than" in response.content.decode()
    assert not FinanceComparison.objects.exists()


def test_the_finance_result_page_shows_its_rows_a_page_at_a_time(station, supervisor, client_as):
    extra = [{"receipt_no": f"R-{i}", "amount": "1.00", "line": i + 2} for i in range(450)]
    comparison = FinanceComparison.objects.create(station=station, month=MARCH, file_name="march.csv",
                                                  uploaded_by=supervisor, sheet=[],
                                                  result={"missing": [], "extra": extra, "different": [], "matched": 0})
    client = client_as(supervisor)
    first = client.get(f"/oversight/month/finance/{comparison.pk}/").content.decode()
    last = client.get(f"/oversight/month/finance/{comparison.pk}/?page=3").content.decode()
    assert first.count('class="extra"') == 200 and ">R-0<" in first and ">R-200<" not in first
    assert last.count('class="extra"') == 50 and ">R-449<" in last and "3 / 3" in last
