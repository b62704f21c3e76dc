"""History stays where it happened (issue 21): each stay keeps the station it was at, and a tracing case the
arrival that opened it; the month's figures, ledgers and money count by them, so a transfer accepted after
a month is reported leaves the sender's month as it was, and the receiver's history begins with the stay
the acceptance opened."""

import datetime
import importlib
import types
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from oversight import figures as stats
from oversight import ledgers
from oversight.services import payments
from shelter.models import Departure, Stay, Transfer
from shelter.services import accept_transfer, depart_stay
from tests.records import depart, local
from tracing.models import TracingCase

DECEMBER, MARCH, APRIL = datetime.date(2025, 12, 1), datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
# The register's columns that say where and when a stay was (its departure after the period aside).
REGISTER_WHERE = ("站点", "档案号", "入站时间", "再次入站", "期末在站", "期末在站天数")


@pytest.fixture
def paid_before(month_station, station, reception, arrive):
    """A man who went home on a ticket in March (receipt R-2) and came back now: an open stay whose file
    has money in a reported month."""
    first = arrive(station, reception, arrived_at=local(2026, 3, 2, 9), age_min=40, age_max=50)
    depart(first, reception, kind="ticket", departed_at=local(2026, 3, 4, 9), destination="湖南省衡阳市",
           ticket_no="G88", ticket_amount=Decimal("80.00"), receipt_no="R-2", paid_out_by="财务 王会计")
    return Stay.objects.create(
        person=first.person, arrived_at=timezone.now() - datetime.timedelta(hours=5), found_place="广州站",
        brought_by="self", entered_by=reception)


def reported(station):
    """What the station reported for December 2025 to April 2026: every figure, ledger and payment."""
    figures = stats.compute([station.pk], DECEMBER, APRIL).values
    books = {kind: ledgers.build(kind, [station.pk], DECEMBER, APRIL).dicts() for kind in ledgers.KINDS}
    books["register"] = [{k: row[k] for k in REGISTER_WHERE} for row in books["register"]]
    money = {month: payments(station=station, month=month) for month in (MARCH, APRIL)}
    return figures, books, money


def transfer(stay, by, to, receiver):
    """`stay` transferred to `to` and accepted there by `receiver` now. Returns the receiver's stay."""
    depart_stay(stay=Stay.objects.get(pk=stay.pk), by=by, departure=Departure(
        kind="transfer", destination=to.name, receiver_name="接收站接待员", to_station=to,
        departed_at=timezone.now() - datetime.timedelta(hours=2)))
    sent = Transfer.objects.get(stay=stay)
    return accept_transfer(transfer=sent, by=receiver, stay=Stay(
        arrived_at=timezone.now() - datetime.timedelta(minutes=30), brought_by_name="广州站 护送员"))


def test_a_transfer_after_a_month_is_reported_leaves_the_senders_month_unchanged(
        month_station, paid_before, station, other_station, reception, make_user):
    receiver = make_user("sz-reception", "reception", other_station)
    before = reported(station)
    assert before[0][("arrivals", MARCH)] == 5 and before[0][("notice_missing", DECEMBER)] == 1
    assert [p for p in before[2][MARCH] if p["receipt_no"] == "R-2"]
    # E (there since December 2025, unidentified: a tracing case), D (a first stay in January) and the man
    # paid in March go to the other station, which accepts them now.
    moved = [transfer(s, reception, other_station, receiver) for s in (month_station["E"], month_station["D"],
                                                                     paid_before)]
    assert reported(station) == before
    case = TracingCase.objects.get(stay=moved[0])
    assert (case.station, case.arrival) == (other_station, month_station["E"])  # the case moved, its arrival not
    # The receiver's history begins with the stays the acceptances opened: nothing in its past months.
    there = stats.compute([other_station.pk], DECEMBER, stats.this_month())
    assert sum(there.value("arrivals", m) for m in there.months[:-1]) == 0
    assert there.value("arrivals", stats.this_month()) == 3
    assert there.value("in_station", stats.this_month()) == 3
    assert {s.station for s in moved} == {other_station}
    # Every station together counts each stay once.
    everyone = stats.compute(None, DECEMBER, stats.this_month())
    assert everyone.value("in_station", stats.this_month()) == (
        stats.compute([station.pk], DECEMBER, stats.this_month()).value("in_station", stats.this_month()) + 3)


def test_existing_stays_get_their_station_from_the_transfer_records(month_station, station, other_station, reception,
                                                                    make_user):
    receiver = make_user("sz-reception", "reception", other_station)
    first_d = Stay.objects.filter(person=month_station["D"].person).order_by("arrived_at").first()
    new = transfer(month_station["D"], reception, other_station, receiver)
    refused = month_station["E"]
    depart_stay(stay=Stay.objects.get(pk=refused.pk), by=reception, departure=Departure(
        kind="transfer", destination=other_station.name, receiver_name="接收站", to_station=other_station,
        departed_at=timezone.now() - datetime.timedelta(hours=1)))
    Stay.objects.update(station=other_station)  # as if every stay followed its file's station
    importlib.import_module("shelter.migrations.0019_stay_keeps_its_station").fill(
        apps, types.SimpleNamespace(connection=connection))
    stations = dict(Stay.objects.values_list("pk", "station__code"))
    # Before the accepted transfer: the sender's; opened by it: the receiver's; a transfer waiting: the sender's.
    assert (stations[first_d.pk], stations[month_station["D"].pk], stations[new.pk]) == ("GZ", "GZ", "SZ")
    assert stations[refused.pk] == "GZ" and stations[month_station["A"].pk] == "GZ"


def test_existing_cases_get_the_arrival_that_opened_them(month_station, station, other_station, reception, make_user):
    receiver = make_user("sz-reception", "reception", other_station)
    new = transfer(month_station["E"], reception, other_station, receiver)
    case = TracingCase.objects.get(stay=new)
    TracingCase.objects.filter(pk=case.pk).update(arrival=new)  # as if it had none but its stay
    importlib.import_module("tracing.migrations.0015_case_keeps_its_arrival").fill(
        apps, types.SimpleNamespace(connection=connection))
    case.refresh_from_db()
    assert case.arrival == month_station["E"]
    assert TracingCase.objects.get(stay=month_station["B"]).arrival == month_station["B"]
