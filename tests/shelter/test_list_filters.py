"""The lists' filters (django-filter FilterSets run by the selectors): the same URL parameters as before,
and a value that is wrong is said beside its field in the user's language, never an error page; the
list then shows its rows unfiltered."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shelter.models import AuditEvent
from tests.factories import PersonFactory, StayFactory


def arrive(person, when, state="reception"):
    return StayFactory(person=person, arrived_at=when, found_place="火车站", brought_by="self", state=state)


@pytest.fixture
def two_files(station):
    now = timezone.now()
    old, young = (PersonFactory(station=station, name=n, sex=s, age_min=a, age_max=a)
                  for n, s, a in (("老张", "M", 70), ("小红", "F", 20)))
    arrive(old, now - datetime.timedelta(days=40))
    arrive(young, now - datetime.timedelta(days=1), state="in_care")
    return old, young


def names(client, **query):
    response = client.get(reverse("shelter:people"), query)
    assert response.status_code == 200
    return sorted(p.name for p in response.context["page"]), response


def test_the_people_list_filters_by_each_parameter(client_as, reception, two_files):
    client = client_as(reception)
    assert names(client)[0] == ["小红", "老张"]
    assert names(client, q="老")[0] == ["老张"]
    assert names(client, sex="F")[0] == ["小红"]
    assert names(client, age="70")[0] == ["老张"]
    assert names(client, state="in_care")[0] == ["小红"]
    today = timezone.localdate()
    assert names(client, arrived_from=f"{today - datetime.timedelta(days=2):%Y-%m-%d}")[0] == ["小红"]
    assert names(client, arrived_to=f"{today - datetime.timedelta(days=30):%Y-%m-%d}")[0] == ["老张"]
    page = names(client, state="in_care", sex="F")[1].context["page"]
    assert page.paginator.count == 1


@pytest.mark.parametrize("query, message", [
    ({"age": "老"}, "输入整数"),
    ({"age": "400"}, "130"),
    ({"state": "gone"}, "选择一个有效的选项"),
    ({"arrived_from": "2026-13-45"}, "输入一个有效的日期"),
    ({"arrived_from": "0001-01-01"}, "1900"),
    ({"q": "张\x00"}, None),
])
def test_a_wrong_value_is_said_in_chinese_and_the_list_stays_unfiltered(client_as, reception, two_files, query,
                                                                         message):
    client = client_as(reception)
    client.cookies["django_language"] = "zh-hans"
    listed, response = names(client, sex="F", **query)
    assert listed == ["小红", "老张"]
    assert len(response.context["form"].errors) == 1
    html = response.content.decode()
    assert html.count('<span class="error">') == 1
    assert message is None or message in html


def test_the_last_day_a_date_can_hold_is_no_error(client_as, reception, two_files):
    assert names(client_as(reception), arrived_to="9999-12-31")[0] == ["小红", "老张"]


def test_the_audit_log_filters_by_user_action_file_and_days(client_as, supervisor, reception, person):
    client = client_as(supervisor)
    client_as(reception).get(reverse("shelter:person", args=[person.pk]))
    client = client_as(supervisor)
    url = reverse("shelter:audit")

    def events(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return {(e.user.username if e.user else None, e.action) for e in response.context["page"]}

    assert ("reception", AuditEvent.VIEW) in events()
    assert {a for _u, a in events(user=" RECEPTION ")} >= {AuditEvent.VIEW}
    assert {u for u, _a in events(user=" RECEPTION ")} == {"reception"}
    assert events(file_no=person.file_no) == {("reception", AuditEvent.VIEW)}
    assert {a for _u, a in events(action=AuditEvent.VIEW)} == {AuditEvent.VIEW}
    today = timezone.localdate()
    assert events(since=f"{today + datetime.timedelta(days=1):%Y-%m-%d}") == set()
    assert ("reception", AuditEvent.VIEW) in events(since=f"{today:%Y-%m-%d}", until=f"{today:%Y-%m-%d}")
    client.cookies["django_language"] = "zh-hans"
    bad = client.get(url, {"since": "昨天", "user": "reception"})
    assert bad.status_code == 200 and "输入一个有效的日期" in bad.content.decode()
    csv = client.get(url, {"format": "csv", "user": "reception"})
    assert csv.status_code == 200 and "reception" in csv.content.decode("utf-8-sig")
