"""The supervisor's board: who lands there, what it lists and in which order, station isolation, the
administrator's station filter, the one-click actions, and a query count that does not grow with rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from face.models import Portrait

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def board(client):
    response = client.get("/oversight/")
    assert response.status_code == 200
    return response.content.decode()


def section(page, anchor):
    """The HTML of one board section, e.g. "notice-overdue"."""
    match = re.search(rf'<section class="card" id="{anchor}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def late(station, reception, case_of, arrive):
    now = timezone.now()
    return {
        "older": case_of(arrive(station, reception, arrived_at=now - 50 * HOUR, name="甲")),
        "newer": case_of(arrive(station, reception, arrived_at=now - 30 * HOUR, name="乙")),
        "at_risk": case_of(arrive(station, reception, arrived_at=now - 20 * HOUR, name="丙")),
        "fresh": case_of(arrive(station, reception, arrived_at=now - 2 * HOUR, name="丁")),
    }


@pytest.mark.parametrize("role, lands", [("supervisor", "/oversight/"), ("station_head", "/oversight/"),
                                          ("reception", "/people/"), ("administrator", "/oversight/")])
def test_supervisors_land_on_the_board(client_as, station, role, lands, make_user):
    user = make_user(f"u-{role}", role, None if role == "administrator" else station)
    assert client_as(user).get("/").url == lands


def test_reception_may_not_see_the_board(client_as, reception):
    assert client_as(reception).get("/oversight/").status_code == 403


def test_overdue_and_at_risk_by_kind_oldest_first_with_time_and_action(client_as, supervisor, late):
    page = board(client_as(supervisor))
    overdue = section(page, "notice-overdue")
    assert overdue.index("甲") < overdue.index("乙")  # the older deadline first
    assert "丙" not in overdue and "丁" not in page
    assert "overdue by 1\xa0day, 2\xa0hours" in overdue
    assert f'/tracing/cases/{late["older"].pk}/do/publish/' in overdue
    at_risk = section(page, "notice-at_risk")
    assert "丙" in at_risk and re.search(r"(3\xa0hours, 59\xa0minutes|4\xa0hours) left", at_risk)
    assert re.search(r'href="#notice-overdue">2</a>', page) and re.search(r'href="#notice-at_risk">1</a>', page)


def test_publishing_a_notice_takes_the_case_off_the_list_at_once(client_as, supervisor, late):
    client = client_as(supervisor)
    client.post(f'/tracing/cases/{late["older"].pk}/do/no-portrait/', {"reason": "面部受伤，照片待补"})
    response = client.post(f'/tracing/cases/{late["older"].pk}/do/publish/', {
        "channel": "national", "published_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "reference": "N-1"})
    assert response.status_code == 302
    overdue = section(board(client), "notice-overdue")
    assert "甲" not in overdue and "乙" in overdue


def test_recording_a_dna_request_takes_the_case_off_the_list_at_once(client_as, station, reception, supervisor, case_of,
                                                                     arrive):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - 8 * DAY, name="戊"))
    client = client_as(supervisor)
    assert "戊" in section(board(client), "dna-overdue")
    assert f"/tracing/cases/{case.pk}/do/dna/" in section(board(client), "dna-overdue")
    response = client.post(f"/tracing/cases/{case.pk}/do/dna/", {
        "police_unit": "广州市公安局天河区分局", "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "no_query_reason": "本人无法说出任何身份信息"})
    assert response.status_code == 302
    assert "戊" not in section(board(client), "dna-overdue")


def test_each_station_sees_its_own_cases_and_the_administrator_filters(client_as, station, other_station, reception,
                                                                       supervisor, admin_user, late, make_user, case_of,
                                                                       arrive):
    sz_reception = make_user("sz-reception", "reception", other_station)
    case_of(arrive(other_station, sz_reception, arrived_at=timezone.now() - 40 * HOUR, name="深圳某"))
    assert "深圳某" not in board(client_as(supervisor))
    client = client_as(admin_user)
    everything = board(client)
    assert "深圳某" in everything and "甲" in everything
    only_sz = client.get(f"/oversight/?station={other_station.pk}").content.decode()
    assert "深圳某" in only_sz and "甲" not in only_sz


def test_the_thumbnail_is_the_main_portrait(client_as, supervisor, late):
    portrait = Portrait.objects.create(person=late["older"].stay.person, is_main=True, image="portraits/x.jpg")
    page = board(client_as(supervisor))
    assert f"/face/portraits/{portrait.pk}/image/?size=128" in section(page, "notice-overdue")


def test_the_board_makes_the_same_number_of_queries_for_3_or_30_cases(client_as, station, reception, supervisor,
                                                                      arrive, settings):
    settings.TRACING_FIRST_INTERVIEW_DAYS = 10  # every case in the same sections, whatever its age
    client = client_as(supervisor)

    def queries_for(n):
        for i in range(n):
            stay = arrive(station, reception, arrived_at=timezone.now() - (30 + i) * HOUR)
            Portrait.objects.create(person=stay.person, is_main=True, image=f"portraits/{stay.pk}.jpg")
        with CaptureQueriesContext(connection) as ctx:
            board(client)
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(27)


def test_the_board_shows_at_most_20_rows_per_list_and_links_to_all(client_as, station, reception, supervisor, arrive):
    for i in range(23):
        arrive(station, reception, arrived_at=timezone.now() - (30 + i) * HOUR)
    client = client_as(supervisor)
    overdue = section(board(client), "notice-overdue")
    assert overdue.count('class="thumb"') == 20 and "/oversight/list/notice/overdue/" in overdue
    page = client.get("/oversight/list/notice/overdue/?page=1").content.decode()
    assert page.count('class="thumb"') == 23 and "page 1 of 1" in page


def test_refresh_and_dna_lists(client_as, station, reception, supervisor, case_of, publish, arrive):
    now = timezone.now()
    case = case_of(arrive(station, reception, arrived_at=now - 40 * DAY, name="己"))
    publish(case, reception, when=now - 39 * DAY)
    page = board(client_as(supervisor))
    assert "己" in section(page, "refresh-overdue") and "己" in section(page, "dna-overdue")
    assert f"/tracing/cases/{case.pk}/#publications" in section(page, "refresh-overdue")


def test_the_board_is_chinese_by_default(client_as, supervisor, late, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = board(client_as(supervisor))
    assert "寻亲时限督办" in page and "已超期" in page and "发布公告" in page


def test_an_empty_board_says_so(client_as, supervisor):
    assert "Nothing is overdue or at risk." in board(client_as(supervisor))


def test_the_station_head_watches_without_action_buttons(client_as, head, late):
    page = board(client_as(head))
    assert "甲" in section(page, "notice-overdue")
    assert "/do/publish/" not in page and f'/tracing/cases/{late["older"].pk}/' in page
