"""The month's figures on a hand-counted station (tests/records.py `month_station`), the
ledgers that agree with them to the row, and the pages and files that show them."""

import datetime
import importlib
import types
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.utils import translation

from oversight import figures as stats
from oversight import ledgers
from shelter.models import BroughtBy, DepartureKind, FoundChannel, Identity, Sex, Stay
from shelter.services import correct_file, merge_files, stay_arrived

MARCH, FEB, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 2, 1), datetime.date(2026, 4, 1)

# Counted by hand from the fixture's table; every other figure of March is 0.
MARCH_FIGURES = {
    "arrivals": 4, "arrivals_male": 2, "arrivals_female": 1, "arrivals_sex_unknown": 1,
    "age_under_18": 1, "age_18_59": 1, "age_60_plus": 1, "age_unknown": 1,
    "brought_police": 1, "brought_urban": 1, "brought_public": 1, "brought_self": 1,
    "identity_unknown": 3, "repeat_arrivals": 1, "fingerprints_taken": 1, "fingerprints_not_taken": 1,
    "in_station": 3, "stayed_over_10": 3, "stayed_over_30": 1, "stayed_over_90": 1,
    "departures": 2, "departed_ticket": 1, "departed_family": 1, "deaths": 1,
    "notice_on_time": 1, "notice_late": 1, "notice_missing": 1, "dna_on_time": 1, "dna_late": 1, "dna_missing": 1,
    "families_found": 1, "found_toutiao": 1, "interviews": 2,
    # C's first interview the day after the arrival; B (home with the family on the 31st) and F (died on the
    # 20th) never interviewed.
    "interview_on_time": 1, "interview_missing": 2,
    "payments": 1, "money_tickets": Decimal("100"), "money_allowances": Decimal("20"),
}


def test_every_figure_of_march_as_counted_by_hand(month_station, station):
    figures = stats.compute([station.pk], MARCH, MARCH)
    computed = {key: figures.value(key) for key in stats.BY_KEY}
    assert computed == {key: MARCH_FIGURES.get(key, 0) for key in stats.BY_KEY}
    assert figures.value(stats.MONEY_TOTAL) == Decimal("120")


def test_a_departure_at_2359_is_in_its_month_and_one_at_0001_in_the_next(month_station, station):
    figures = stats.compute([station.pk], FEB, APRIL)
    # B left on 31 March at 23:59 local time (15:59 UTC): March. C left on 1 April at 00:01 (31 March UTC): April.
    assert figures.value("departed_family", MARCH) == 1 and figures.value("departed_family", APRIL) == 0
    assert figures.value("departed_left", MARCH) == 0 and figures.value("departed_left", APRIL) == 1
    # So C was still in the station at the end of March, and B was not.
    rows = stats.rows_of("in_station", [station.pk], MARCH, MARCH)
    assert set(rows.values_list("pk", flat=True)) == {month_station[k].pk for k in "CDE"}


def test_a_stay_across_month_ends_counts_in_each_month_it_was_there(month_station, station):
    figures = stats.compute([station.pk], FEB, APRIL)
    # A arrived in February and left in March: there at the end of February, not at the end of March.
    assert figures.value("in_station", FEB) == 2  # A and E
    assert figures.value("arrivals", FEB) == 1 and figures.value("departures", MARCH) == 2
    # Over the range: arrivals add up, people in the station are those at the end of the last month.
    assert figures.value("arrivals") == 5
    assert figures.value("in_station") == figures.value("in_station", APRIL) == 2  # D and E


def test_a_repeat_arrival_is_counted_once_and_its_first_stay_not(month_station, station):
    jan = datetime.date(2026, 1, 1)
    figures = stats.compute([station.pk], jan, MARCH)
    assert figures.value("repeat_arrivals", jan) == 0 and figures.value("repeat_arrivals", MARCH) == 1
    assert list(stats.rows_of("repeat_arrivals", [station.pk], MARCH, MARCH)) == [month_station["D"]]


def test_stations_count_apart_and_every_station_counts_them_all(month_station, station, other_station, reception,
                                                                 arrive):
    arrive(other_station, reception, arrived_at=stats.month_start(MARCH) + datetime.timedelta(hours=1))
    mine, theirs = (stats.compute([s.pk], MARCH, MARCH) for s in (station, other_station))
    every = stats.compute(None, MARCH, MARCH)
    assert (mine.value("arrivals"), theirs.value("arrivals"), every.value("arrivals")) == (4, 1, 5)
    assert {k: every.value(k) for k in stats.BY_KEY} == {k: mine.value(k) + theirs.value(k) for k in stats.BY_KEY}



def test_each_station_on_its_own_counts_as_it_does_alone(month_station, station, other_station, reception, arrive,
                                                         django_assert_max_num_queries):
    arrive(other_station, reception, arrived_at=stats.month_start(MARCH) + datetime.timedelta(hours=1))
    with django_assert_max_num_queries(7):  # one query per table, however many stations
        apart = stats.compute_per_station(FEB, APRIL)
    assert set(apart) == {station.pk, other_station.pk}
    for s in (station, other_station):
        alone = stats.compute([s.pk], FEB, APRIL)
        for month in (FEB, MARCH, APRIL):
            assert {k: apart[s.pk].value(k, month) for k in stats.BY_KEY} == {
                k: alone.value(k, month) for k in stats.BY_KEY}

def chinese(choice):
    with translation.override("zh-hans"):
        return str(choice.label)


def ledger_counts(station, month):
    """Every figure counted from the ledgers' rows (what is exported), not from the database."""
    start, end = stats.month_start(month).replace(tzinfo=None), stats.month_end(month).replace(tzinfo=None)

    def within(at):
        return at is not None and start <= at < end

    register = ledgers.build("register", [station.pk], month, month).dicts()
    tracing = ledgers.build("tracing", [station.pk], month, month).dicts()
    arrived = [r for r in register if within(r["入站时间"])]
    present = [r for r in register if r["期末在站"] == "是"]
    departed = [r for r in register if within(r["离站时间"])]
    paid = [r for r in departed if (r["车票金额（元）"] or 0) > 0 or (r["生活补助（元）"] or 0) > 0]
    cases = [r for r in tracing if within(r["入站时间"])]
    found = [r for r in tracing if within(r["结案时间"]) and r["找到家人"] == "是"]
    counts = {
        "arrivals": len(arrived),
        "arrivals_male": sum(r["性别"] == chinese(Sex.MALE) for r in arrived),
        "arrivals_female": sum(r["性别"] == chinese(Sex.FEMALE) for r in arrived),
        "arrivals_sex_unknown": sum(r["性别"] == chinese(Sex.UNKNOWN) for r in arrived),
        "age_under_18": sum(r["年龄段"] == "未满18岁" for r in arrived),
        "age_18_59": sum(r["年龄段"] == "18至59岁" for r in arrived),
        "age_60_plus": sum(r["年龄段"] == "60岁及以上" for r in arrived),
        "age_unknown": sum(r["年龄段"] == "不详" for r in arrived),
        "identity_unknown": sum(r["身份"] == chinese(Identity.UNKNOWN) for r in arrived),
        "repeat_arrivals": sum(r["再次入站"] == "是" for r in arrived),
        "in_station": len(present),
        "departures": len(departed),
        "deaths": sum(within(r["死亡时间"]) for r in register),
        "payments": len(paid),
        "money_tickets": sum((r["车票金额（元）"] or 0) for r in paid),
        "money_allowances": sum((r["生活补助（元）"] or 0) for r in paid),
        "families_found": len(found),
        "fingerprints_taken": sum(r["指纹采集"] == "已采集" for r in arrived),
        "fingerprints_not_taken": sum(r["指纹采集"].startswith("未采集") for r in arrived),
        "interviews": sum(r["本期问询次数"] for r in register),
        "after_the_fact": sum(bool(r["事后补录"]) for r in cases),
    }
    counts.update({f"brought_{c}": sum(r["送站方式"] == chinese(c) for r in arrived) for c in BroughtBy})
    counts.update({f"stayed_over_{d}": sum(r["期末在站天数"] > d for r in present) for d in stats.STAY_DAYS})
    counts.update({f"departed_{k}": sum(r["离站方式"] == chinese(k) for r in departed) for k in DepartureKind})
    counts.update({f"found_{c}": sum(r["寻亲渠道"] == chinese(c) for r in found) for c in FoundChannel})
    for kind, column in (("notice", "公告情况"), ("dna", "DNA送检情况"), ("interview", "首次问询情况")):
        for key, value in (("on_time", "按时"), ("late", "逾期"), ("missing", "未办")):
            counts[f"{kind}_{key}"] = sum(r[column] == value for r in cases)
    return counts


@pytest.mark.parametrize("month", [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), FEB, MARCH, APRIL])
def test_the_ledgers_agree_with_the_statistics_for_every_figure(month_station, station, month):
    figures = stats.compute([station.pk], month, month)
    counts = ledger_counts(station, month)
    assert set(counts) == set(stats.BY_KEY)  # no figure left unchecked
    assert counts == {key: figures.value(key) for key in stats.BY_KEY}


def test_each_figure_links_to_its_rows(month_station, station, head, client_as):
    client = client_as(head)
    page = client.get("/oversight/month/?start=2026-03")
    assert page.status_code == 200 and b"<svg" in page.content
    assert b"/oversight/month/figures/departed_family/?start=2026-03&amp;end=2026-03" in page.content
    rows = client.get("/oversight/month/figures/departed_family/?start=2026-03&end=2026-03")
    assert rows.status_code == 200 and month_station["B"].person.file_no in rows.content.decode()
    assert month_station["C"].person.file_no not in rows.content.decode()


def test_the_kept_age_and_repeat_follow_corrections_merges_and_late_entries(station, reception, supervisor, arrive):
    stay = arrive(station, reception, arrived_at=stats.month_start(MARCH) + datetime.timedelta(days=3),
                  age_min=15, age_max=19)
    assert (stay.age_at_arrival, stay.repeat_arrival) == (17, False)
    person = stay.person
    person.date_of_birth, person.age_min, person.age_max = datetime.date(1960, 1, 1), None, None
    correct_file(person=person)  # a correction of the file
    stay.refresh_from_db()
    assert stay.age_at_arrival == 66
    # An earlier stay of the same file, entered late: the later stay becomes a repeat arrival.
    stay_arrived(Stay.objects.create(person=person, arrived_at=stats.month_start(FEB), found_place="广州站",
                                     brought_by="self", state="departed", entered_by=reception))
    stay.refresh_from_db()
    assert stay.repeat_arrival
    # Two files merged: the surviving file's stays are counted again.
    other = arrive(station, reception, arrived_at=stats.month_start(APRIL), sex="M").person
    Stay.objects.filter(person=other).update(state="departed")
    merge_files(merged=other, survivor=person, by=supervisor, reason="同一人：身份证号相同")
    assert Stay.objects.get(person=person, arrived_at=stats.month_start(APRIL)).repeat_arrival


def test_stays_registered_before_get_their_kept_figures_by_migration(month_station):
    Stay.objects.update(age_at_arrival=None, repeat_arrival=False, ended_at=None)
    importlib.import_module("shelter.migrations.0012_stay_figures").fill(
        apps, types.SimpleNamespace(connection=connection))
    got = {k: Stay.objects.values_list("age_at_arrival", "repeat_arrival", "ended_at").get(pk=s.pk)
           for k, s in month_station.items()}
    assert got == {k: (s.age_at_arrival, s.repeat_arrival, s.ended_at) for k, s in month_station.items()}
    assert got["B"][0] == 15 and got["D"][1] and got["A"][2] == month_station["A"].departure.departed_at


def test_the_interviews_figure_links_to_the_interviews_held(month_station, station, head, client_as):
    rows = client_as(head).get("/oversight/month/figures/interviews/?start=2026-03&end=2026-03")
    page = rows.content.decode()
    assert rows.status_code == 200 and page.count(month_station["C"].person.file_no) == 2
    assert month_station["E"].person.file_no not in page  # February's
