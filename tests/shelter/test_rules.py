"""Rules written once and used everywhere: who is told, ages from birthdays, the clock drift allowed."""

import datetime

from django.utils import timezone

from lib.dates import years_before, years_between
from shelter.models import LedgerEntry, Service


def test_the_staff_given_are_told_if_active_else_the_supervisors(station, reception, supervisor, head):
    assert station.who_is_told(reception) == [reception]
    assert station.who_is_told(reception, reception, None) == [reception]  # once each, nobody for None
    reception.is_active = False
    assert station.who_is_told(reception) == [supervisor]
    assert station.who_is_told() == [supervisor]  # heads are not supervisors


def test_an_age_counts_whole_years_and_29_february_is_reached_on_1_march():
    born = datetime.date(2000, 2, 29)
    assert years_between(born, datetime.date(2001, 2, 28)) == 0
    assert years_between(born, datetime.date(2001, 3, 1)) == 1
    assert years_between(datetime.date(1950, 6, 15), datetime.date(2026, 6, 14)) == 75
    assert years_between(datetime.date(1950, 6, 15), datetime.date(2026, 6, 15)) == 76
    assert years_before(datetime.date(2024, 2, 29), 1) == datetime.date(2023, 2, 28)


def test_ten_minutes_of_clock_drift_are_not_the_future():
    now = timezone.now()
    assert not LedgerEntry.is_future(now + datetime.timedelta(minutes=9), now=now)
    assert LedgerEntry.is_future(now + datetime.timedelta(minutes=11), now=now)
    assert not LedgerEntry.is_future(None)
    service = Service(given_at=now + datetime.timedelta(minutes=11), entered_at=now)
    assert service.is_future(service.given_at, now=now)  # every ledger entry uses the one rule
