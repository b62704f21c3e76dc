"""Deadlines against a frozen clock: a case walked through 23 h, 25 h, 6 days and 8 days with the sweep
run at each step; a week of holidays with the working-day setting; a sweep after a day without workers."""

import datetime
import logging
import zoneinfo

import chinese_calendar
import pytest
import time_machine

from tracing import sweep, workdays
from tracing.models import TracingCase
from tracing.services import refresh_notice


@pytest.fixture(autouse=True)
def only_the_first_clocks(settings):
    """These tests follow the notice, DNA and refresh clocks; the interview clock (two days after the
    arrival) is tests/tracing/test_last_clocks.py's."""
    settings.TRACING_FIRST_INTERVIEW_DAYS = 400


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def at(*args):
    """A Beijing time."""
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def status(case, kind):
    return TracingCase.objects.get(pk=case.pk).deadline_status(kind)


def test_a_case_walked_through_its_deadlines(station, reception, supervisor, django_capture_on_commit_callbacks,
                                             case_of, publish, refer, reminders, arrive):
    arrival = at(2025, 9, 1, 10, 0)  # a Monday
    with time_machine.travel(arrival, tick=False) as clock:
        case = case_of(arrive(station, reception, arrived_at=arrival))
        assert (case.notice_due_at, case.dna_due_at) == (at(2025, 9, 2, 10, 0), at(2025, 9, 8, 10, 0))

        clock.move_to(arrival + 17 * HOUR)
        assert sweep.run() == [] and status(case, "notice") == "running"

        clock.move_to(arrival + 23 * HOUR)  # last quarter of the 24 hours: at risk, reminder to the staff in charge
        assert status(case, "notice") == "at_risk"
        assert [(r.kind, r.stage) for r in sweep.run()] == [("notice", "at_risk")]
        assert reminders() == [("tracing_notice_at_risk", "reception")]

        clock.move_to(arrival + 25 * HOUR)  # overdue: escalated to the supervisors
        assert status(case, "notice") == "overdue"
        with django_capture_on_commit_callbacks(execute=True):
            assert [(r.kind, r.stage) for r in sweep.run()] == [("notice", "overdue")]
        assert reminders()[-1] == ("tracing_notice_overdue", "supervisor")
        publish(case_of(case.stay), reception)
        assert status(case, "notice") == "met"
        assert status(case, "refresh") == "running"  # a month from now

        clock.move_to(arrival + 6 * DAY)  # after 5.25 days the 7-day DNA deadline is at risk
        assert status(case, "dna") == "at_risk"
        assert [(r.kind, r.stage) for r in sweep.run()] == [("dna", "at_risk")]

        clock.move_to(arrival + 8 * DAY)
        assert status(case, "dna") == "overdue"
        assert [(r.kind, r.stage) for r in sweep.run()] == [("dna", "overdue")]
        assert sweep.run() == []
        refer(case_of(case.stay), reception)
        assert status(case, "dna") == "met"

    assert reminders() == [
        ("tracing_notice_at_risk", "reception"), ("tracing_notice_overdue", "supervisor"),
        ("tracing_dna_at_risk", "reception"), ("tracing_dna_overdue", "supervisor"),
    ]


def test_the_monthly_refresh_recurs_while_the_person_stays(station, reception, supervisor, case_of, publish, arrive):
    arrival = at(2025, 3, 3, 9, 0)
    with time_machine.travel(arrival, tick=False) as clock:
        case = case_of(arrive(station, reception, arrived_at=arrival))
        clock.move_to(arrival + 2 * HOUR)
        publish(case, reception)
        clock.move_to(arrival + 2 * HOUR + 31 * DAY)
        assert status(case, "refresh") == "overdue"
        assert [(r.kind, r.stage) for r in sweep.run() if r.kind == "refresh"] == [("refresh", "overdue")]
        publication = case.publications.get()
        refresh_notice(publication=publication, by=reception, at=arrival + 2 * HOUR + 31 * DAY)
        assert status(case, "refresh") == "running"
        clock.move_to(arrival + 2 * HOUR + 55 * DAY)  # the next month's last quarter: reminded again
        assert [(r.kind, r.stage) for r in sweep.run() if r.kind == "refresh"] == [("refresh", "at_risk")]


def test_the_sweep_after_a_day_without_workers_finds_everything_and_sends_no_stale_warnings(
        station, reception, supervisor, case_of, arrive, reminders):
    arrival = at(2025, 9, 1, 10, 0)
    with time_machine.travel(arrival, tick=False) as clock:
        case = case_of(arrive(station, reception, arrived_at=arrival))
        clock.move_to(arrival + 9 * DAY)  # nobody swept since the arrival
        sent = sweep.run()
        assert sorted((r.kind, r.stage) for r in sent) == [("dna", "overdue"), ("notice", "overdue")]
        assert reminders() == [("tracing_notice_overdue", "supervisor"), ("tracing_dna_overdue", "supervisor")]
        assert sweep.run() == []
        case = TracingCase.objects.get(pk=case.pk)
        assert case.notice_at_risk_sent_at is not None  # superseded by the escalation, never sent later


def test_working_days_skip_the_national_day_holidays(station, reception, supervisor, settings, case_of, publish,
                                                     arrive):
    """2025: 1-8 October off, Saturday 11 October a make-up working day (chinese-calendar knows both)."""
    settings.TRACING_DNA_WORKING_DAYS = True
    arrival = at(2025, 9, 30, 10, 0)
    with time_machine.travel(arrival, tick=False) as clock:
        case = case_of(arrive(station, reception, arrived_at=arrival))
        # Working days: 9, 10, 11 (Sat, make-up), 13, 14, 15, 16 October.
        assert case.dna_due_at == at(2025, 10, 16, 10, 0)
        assert case.notice_due_at == at(2025, 10, 1, 10, 0)  # the 24 hours stay clock hours
        clock.move_to(arrival + 3 * HOUR)
        publish(case, reception)

        clock.move_to(at(2025, 10, 8, 10, 0))  # 8 calendar days, no working day yet
        assert status(case, "dna") == "running"
        assert sweep.run() == []
        clock.move_to(at(2025, 10, 13, 10, 0))  # last quarter of the 16 calendar days
        assert status(case, "dna") == "at_risk"
        assert [(r.kind, r.stage) for r in sweep.run()] == [("dna", "at_risk")]
        clock.move_to(at(2025, 10, 16, 9, 59))
        assert status(case, "dna") == "at_risk" and sweep.run() == []
        clock.move_to(at(2025, 10, 16, 10, 1))
        assert [(r.kind, r.stage) for r in sweep.run()] == [("dna", "overdue")]


def test_calendar_days_are_the_default(station, reception, case_of, arrive):
    arrival = at(2025, 9, 30, 10, 0)
    with time_machine.travel(arrival, tick=False):
        assert case_of(arrive(station, reception, arrived_at=arrival)).dna_due_at == at(2025, 10, 7, 10, 0)


def test_a_year_without_holiday_data_falls_back_to_monday_to_friday_with_a_warning(caplog):
    with pytest.raises(NotImplementedError):  # the premise: the package has no data for 2040
        chinese_calendar.is_workday(datetime.date(2040, 1, 2))
    with caplog.at_level(logging.WARNING, logger="tracing.workdays"):
        due = workdays.add_working_days(at(2040, 1, 2, 10, 0), 7)  # Monday 2 January 2040
    assert due == at(2040, 1, 11, 10, 0)  # 3, 4, 5, 6, (weekend), 9, 10, 11
    assert "2040" in caplog.text and "Monday to Friday" in caplog.text


def test_known_years_log_no_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="tracing.workdays"):
        assert workdays.add_working_days(at(2025, 9, 1, 10, 0), 7) == at(2025, 9, 10, 10, 0)
    assert caplog.text == ""
