"""Comparison with other departments' data (数据比对): an uploaded list is matched against the station's files
(ID number exactly; name by sound with the same date of birth), each hit kept as a problem to check."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from lib import idcard
from oversight import problem_sweep
from oversight.finance import SheetRefused
from oversight.models import DataComparison, Problem, ProblemKind, ProblemState
from oversight.services import compare_list

COLUMNS = {"name": "姓名", "id_number": "身份证号", "birth_date": "出生日期"}


def id_number(born, male=True):
    first17 = f"110105{born:%Y%m%d}00{1 if male else 2}"
    return first17 + idcard.check_char(first17)


@pytest.fixture
def residents(station, other_station, reception, arrive):
    by_id = arrive(station, reception, name="王小明", id_number=id_number(datetime.date(1961, 5, 2)),
                   date_of_birth=datetime.date(1961, 5, 2), age_min=None, age_max=None)
    by_name = arrive(station, reception, name="章伟", date_of_birth=datetime.date(1950, 3, 1), age_min=None,
                     age_max=None)
    arrive(other_station, None, name="张伟", date_of_birth=datetime.date(1950, 3, 1), age_min=None, age_max=None)
    return by_id.person, by_name.person


def csv_list():
    lines = ["姓名,身份证号,出生日期,备注",
             f"王明,{id_number(datetime.date(1961, 5, 2))},,户籍核查",   # the ID number: an exact hit
             "张伟,,1950/3/1,火化登记",                                 # 章伟 sounds the same, same birthday
             "李四,,1960-01-01,无"]                                     # nobody
    return "\n".join(lines).encode("utf-8-sig")


def test_an_exact_id_hit_a_fuzzy_name_and_birth_date_hit_and_a_miss(station, supervisor, residents):
    by_id, by_name = residents
    upload = compare_list(station=station, source="公安局户籍科", file_name="list.csv", data=csv_list(),
                          columns=COLUMNS, by=supervisor)
    assert [(h["line"], h["person"], h["how"]) for h in upload.hits] == [(2, by_id.pk, "id"),
                                                                         (3, by_name.pk, "name_birth")]
    assert len(upload.rows) == 3  # the miss is kept with the upload
    problems = Problem.objects.filter(kind=ProblemKind.COMPARISON_HIT).order_by("pk")
    assert [(p.person_id, p.params["line"], p.station_id) for p in problems] == [
        (by_id.pk, 2, station.pk), (by_name.pk, 3, station.pk)]
    problem_sweep.run()
    assert set(problems.values_list("state", flat=True)) == {ProblemState.OPEN}  # checked by a person, not the sweep


def test_an_xlsx_list_with_other_column_names_and_date_cells(station, supervisor, residents):
    _by_id, by_name = residents
    book = Workbook()
    book.active.append(["死者姓名", "出生年月日"])
    book.active.append(["张  伟".replace(" ", ""), datetime.datetime(1950, 3, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = compare_list(station=station, source="殡仪馆", file_name="火化.xlsx", data=buffer.getvalue(),
                          columns={"name": "死者姓名", "id_number": "", "birth_date": "出生年月日"}, by=supervisor)
    assert [h["person"] for h in upload.hits] == [by_name.pk]


def test_a_column_that_is_not_there_is_refused_and_nothing_is_kept(station, supervisor, residents):
    with pytest.raises(SheetRefused, match="户口号"):
        compare_list(station=station, source="x", file_name="list.csv", data=csv_list(),
                     columns={"name": "姓名", "id_number": "户口号", "birth_date": ""}, by=supervisor)
    assert not DataComparison.objects.exists()


def test_the_upload_page_keeps_each_upload_in_the_ledger(station, supervisor, head, residents, client_as):
    client = client_as(supervisor)
    response = client.post("/oversight/comparisons/upload/", {
        "station": station.pk, "source": "公安局户籍科", "name_column": "姓名", "id_column": "身份证号",
        "birth_column": "出生日期", "sheet": SimpleUploadedFile("list.csv", csv_list(), "text/csv")})
    upload = DataComparison.objects.get()
    assert response.status_code == 302 and response.url == f"/oversight/comparisons/{upload.pk}/"
    page = client_as(head).get(response.url)
    assert page.status_code == 200 and len(page.context["problems"]) == 2
    bad = client_as(supervisor).post("/oversight/comparisons/upload/", {
        "station": station.pk, "source": "x", "name_column": "名字", "sheet": SimpleUploadedFile("l.csv", csv_list())})
    assert bad.status_code == 400 and "名字" in bad.content.decode()
    assert client_as(head).post("/oversight/comparisons/upload/", {}).status_code == 403
