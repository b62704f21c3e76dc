"""Doubtful data back to its source (issue 21, item 7): from a comparison hit or a problem, a query to the
source department: a letter (PDF, Chinese) and a sheet (XLSX) of the disputed items; the answer recorded;
open queries listed with their age."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from lib import idcard
from oversight.models import DataQuery, DataQueryState, Problem, ProblemKind
from oversight.services import answer_query, compare_list, query_items, raise_query

COLUMNS = {"name": "姓名", "id_number": "身份证号", "birth_date": "出生日期"}


def id_number(born):
    first17 = f"110105{born:%Y%m%d}001"
    return first17 + idcard.check_char(first17)


@pytest.fixture
def hits(station, reception, supervisor, arrive):
    """A police list compared with the station's files: two hits, each a problem."""
    born = datetime.date(1961, 5, 2)
    by_id = arrive(station, reception, name="王小明", id_number=id_number(born), date_of_birth=born, age_min=None,
                   age_max=None)
    arrive(station, reception, name="章伟", date_of_birth=datetime.date(1950, 3, 1), age_min=None, age_max=None)
    data = "\n".join(["姓名,身份证号,出生日期", f"王明,{id_number(born)},", "张伟,,1950/3/1"]).encode("utf-8-sig")
    upload = compare_list(station=station, source="广州市公安局户籍科", file_name="list.csv", data=data, columns=COLUMNS,
                          by=supervisor)
    return upload, by_id.person


def test_a_supervisor_raises_a_query_from_a_comparison_hit_with_its_letter_and_sheet(hits, supervisor, client_as):
    upload, person = hits
    problem = Problem.objects.get(kind=ProblemKind.COMPARISON_HIT, person=person)
    client = client_as(supervisor)
    form = client.get(f"/oversight/queries/new/?problem={problem.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["department"] == "police"
    assert form.context["form"].initial["department_name"] == "广州市公安局户籍科"
    response = client.post("/oversight/queries/new/", {
        "problem": problem.pk, "department": "police", "department_name": "广州市公安局户籍科",
        "question": "贵局名单第2行与我站档案身份证号相同而姓名不同，请核实。", "sent_on": timezone.localdate().isoformat()})
    query = DataQuery.objects.get()
    assert response.status_code == 302 and response.url == f"/oversight/queries/{query.pk}/"
    assert (query.problem, query.comparison, query.sent_by, query.state) == (problem, None, supervisor,
                                                                             DataQueryState.SENT)
    [item] = query.items
    assert item["file_no"] == person.file_no and item["line"] == 2
    assert (item["source_values"]["name"], item["source_values"]["id_number"]) == ("王明", person.id_number)
    letter = client.get(f"/oversight/queries/{query.pk}/letter.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF") and letter["Content-Type"] == (
        "application/pdf")
    sheet = load_workbook(io.BytesIO(client.get(f"/oversight/queries/{query.pk}/items.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "档案号", "姓名") and rows[1][1] == person.file_no
    assert rows[1][5] == 2 and rows[1][-1]  # the line of their list, and what is doubtful


def test_a_query_of_a_whole_comparison_lists_every_hit(hits, supervisor, client_as):
    upload, _person = hits
    response = client_as(supervisor).post("/oversight/queries/new/", {
        "comparison": upload.pk, "department": "police", "department_name": upload.source,
        "question": "以下人员信息与我站档案不符，请核实。", "sent_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    query = DataQuery.objects.get()
    assert query.comparison == upload and [i["line"] for i in query.items] == [2, 3]


def test_the_answer_is_recorded_and_open_queries_are_listed_with_their_age(hits, station, supervisor, client_as):
    upload, person = hits
    sent = timezone.now() - datetime.timedelta(days=10)
    old = raise_query(station=station, department="police", department_name="广州市公安局户籍科", question="请核实",
                      items=query_items(comparison=upload), by=supervisor, comparison=upload, sent_at=sent)
    client = client_as(supervisor)
    page = client.get("/oversight/queries/")
    assert [(q.pk, q.age) for q in page.context["waiting"]] == [(old.pk, 10)]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    refused = client.post(f"/oversight/queries/{old.pk}/answer/", {"answer": "已更正", "answered_on": tomorrow})
    assert refused.status_code == 400 and old.reference in refused.content.decode()
    done = client.post(f"/oversight/queries/{old.pk}/answer/", {
        "answer": "经核实，第2行系录入错误，已更正为王小明。", "answered_on": timezone.localdate().isoformat()})
    assert done.status_code == 302
    old.refresh_from_db()
    assert old.state == DataQueryState.ANSWERED and old.answer_recorded_by == supervisor
    assert old.answer == "经核实，第2行系录入错误，已更正为王小明。" and old.answer_entered_at is not None
    page = client.get("/oversight/queries/")
    assert page.context["waiting"] == [] and [q.pk for q in page.context["answered"]] == [old.pk]


def test_an_answer_needs_words_and_a_date_not_before_the_query(hits, station, supervisor):
    upload, _person = hits
    query = raise_query(station=station, department="police", department_name="公安局", question="请核实",
                        items=query_items(comparison=upload), by=supervisor)
    with pytest.raises(ValidationError) as e:
        answer_query(query=query, by=supervisor, answer=" ", answered_at=timezone.now() - datetime.timedelta(days=3))
    assert set(e.value.message_dict) == {"answer", "answered_at"}


def test_an_answer_dated_the_day_the_query_was_sent_is_taken_in_the_stations_days(hits, station, supervisor):
    """Sent at 09:00 Beijing time (01:00 UTC), answered the same day: taken. The day is the station's, not
    UTC's (an answer dated that day, stated at its midnight, was refused as before the query)."""
    upload, _person = hits
    day = timezone.localdate() - datetime.timedelta(days=2)
    query = raise_query(station=station, department="police", department_name="公安局", question="请核实",
                        items=query_items(comparison=upload), by=supervisor,
                        sent_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))))
    answer_query(query=DataQuery.objects.get(pk=query.pk), by=supervisor, answer="已核实，系同一人",
                 answered_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time())))
    assert DataQuery.objects.get(pk=query.pk).state == DataQueryState.ANSWERED


def test_reception_cannot_raise_a_query_and_another_station_sees_none(hits, station, other_station, reception,
                                                                      supervisor, make_user, client_as):
    upload, _person = hits
    query = raise_query(station=station, department="police", department_name="公安局", question="请核实",
                        items=query_items(comparison=upload), by=supervisor)
    assert client_as(reception).get(f"/oversight/queries/new/?comparison={upload.pk}").status_code == 403
    stranger = client_as(make_user("sz-supervisor", "supervisor", other_station))
    assert stranger.get(f"/oversight/queries/{query.pk}/").status_code == 404
    assert stranger.get(f"/oversight/queries/new/?comparison={upload.pk}").status_code == 404
    inspector = client_as(make_user("inspector", "inspector", None))
    assert inspector.get(f"/oversight/queries/{query.pk}/").status_code == 200
    assert inspector.post(f"/oversight/queries/{query.pk}/answer/", {"answer": "x"}).status_code == 403


def test_the_query_page_speaks_chinese(hits, station, supervisor, client_as):
    upload, _person = hits
    query = raise_query(station=station, department="police", department_name="公安局", question="请核实",
                        items=query_items(comparison=upload), by=supervisor)
    client = client_as(supervisor)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(f"/oversight/queries/{query.pk}/").content.decode()
    assert "核查函" in html and "存疑" in html
