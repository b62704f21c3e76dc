"""The people list, newest arrival first, is ordered by each file's last arrival, kept on the file
(Person.last_arrived_at) so that a province's list comes from an index (bench_pages)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shelter.models import Stay
from shelter.services import correct_stay, merge_files
from tests.factories import PersonFactory, StayFactory


def arrive(person, when):
    return StayFactory(person=person, arrived_at=when, found_place="火车站", brought_by="self")


def leave(stay, when):
    """The stay ended (how does not matter to the list); the person may arrive again."""
    Stay.objects.filter(pk=stay.pk).update(state="departed", ended_at=when)


def listed(client):
    return [p.name for p in client.get(reverse("shelter:people")).context["page"]]


def test_a_returning_person_comes_to_the_top_of_the_list(client_as, station, reception):
    now = timezone.now()
    returning = PersonFactory(station=station, name="老王")
    first = arrive(returning, now - datetime.timedelta(days=30))
    leave(first, now - datetime.timedelta(days=29))
    newcomer = PersonFactory(station=station, name="小李")
    arrive(newcomer, now - datetime.timedelta(days=2))
    client = client_as(reception)
    assert listed(client) == ["小李", "老王"]

    arrive(returning, now - datetime.timedelta(hours=1))
    returning.refresh_from_db()
    assert returning.last_arrived_at == now - datetime.timedelta(hours=1)
    assert listed(client) == ["老王", "小李"]


def test_a_corrected_arrival_time_moves_the_file(client_as, station, reception):
    now = timezone.now()
    a, b = (PersonFactory(station=station, name=n) for n in ("甲", "乙"))
    stay_a = arrive(a, now - datetime.timedelta(days=3))
    arrive(b, now - datetime.timedelta(days=2))
    assert listed(client_as(reception)) == ["乙", "甲"]
    stay_a.arrived_at = now - datetime.timedelta(days=1)
    correct_stay(stay=stay_a)
    assert listed(client_as(reception)) == ["甲", "乙"]


def test_a_merge_gives_the_survivor_the_latest_arrival_of_both(station, reception, admin_user):
    now = timezone.now()
    duplicate, survivor = (PersonFactory(station=station, name=n) for n in ("张三", "张三丰"))
    later = arrive(duplicate, now - datetime.timedelta(days=1))
    leave(later, now - datetime.timedelta(hours=20))
    earlier = arrive(survivor, now - datetime.timedelta(days=10))
    leave(earlier, now - datetime.timedelta(days=9))
    merge_files(merged=duplicate, survivor=survivor, by=admin_user, reason="同一人")
    survivor.refresh_from_db()
    assert survivor.last_arrived_at == later.arrived_at


def test_the_arrival_period_counts_the_stations_days_midnight_to_midnight(client_as, station, reception, settings):
    late_evening = timezone.make_aware(datetime.datetime(2026, 3, 1, 23, 30))  # 15:30 UTC
    arrive(PersonFactory(station=station, name="夜归人"), late_evening)
    client = client_as(reception)

    def names(**period):
        return [p.name for p in client.get(reverse("shelter:people"), period).context["page"]]

    assert names(arrived_from="2026-03-01", arrived_to="2026-03-01") == ["夜归人"]
    assert names(arrived_to="2026-02-28") == [] and names(arrived_from="2026-03-02") == []


def test_the_state_filter_counts_the_files_it_lists_by_their_latest_stay(client_as, station, reception):
    now = timezone.now()
    back, gone = (PersonFactory(station=station, name=n) for n in ("回来的人", "走了的人"))
    leave(arrive(back, now - datetime.timedelta(days=9)), now - datetime.timedelta(days=8))
    Stay.objects.filter(pk=arrive(back, now - datetime.timedelta(days=1)).pk).update(state="in_care")
    leave(arrive(gone, now - datetime.timedelta(days=3)), now - datetime.timedelta(days=2))
    client = client_as(reception)
    for state, name in (("in_care", "回来的人"), ("departed", "走了的人")):
        page = client.get(reverse("shelter:people"), {"state": state}).context["page"]
        assert [p.name for p in page] == [name] and page.paginator.count == 1


def test_a_step_on_a_stay_leaves_the_file_alone(stay):
    # Only an arrival, or a corrected arrival time, updates (and so locks) the person's row.
    stay = Stay.objects.get(pk=stay.pk)
    stay.found_place = "天桥下"
    with CaptureQueriesContext(connection) as queries:
        stay.save()
    assert not [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "shelter_person"')]
