"""The sweep and its reminders: once each, whether the sweep runs twice or two workers run it at once;
who gets what, by e-mail and SMS; the `check_deadlines` command."""

import datetime
import io
import json
import threading
from contextlib import nullcontext

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from config.celery import app
from shelter.models import Notification
from tracing import sweep
from tracing.models import TracingCase
from tracing.tasks import sweep_deadlines


@pytest.fixture(autouse=True)
def only_the_first_clocks(settings):
    """These tests follow the notice, DNA and refresh clocks; the interview clock (two days after the
    arrival) is tests/tracing/test_last_clocks.py's."""
    settings.TRACING_FIRST_INTERVIEW_DAYS = 400


HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def late_cases(arrive, case_of, publish):
    """late_cases(station, staff): three cases: notice overdue; notice at risk; notice met but DNA overdue."""
    def late_cases(station, staff):
        now = timezone.now()
        overdue = case_of(arrive(station, staff, arrived_at=now - 30 * HOUR))
        at_risk = case_of(arrive(station, staff, arrived_at=now - 20 * HOUR))
        dna = case_of(arrive(station, staff, arrived_at=now - 8 * DAY))
        publish(dna, staff, when=now - 7 * DAY - 20 * HOUR)
        return overdue, at_risk, dna

    return late_cases


EXPECTED = {
    ("tracing_notice_overdue", "supervisor"), ("tracing_notice_at_risk", "reception"),
    ("tracing_dna_overdue", "supervisor"),
}


def test_a_second_sweep_sends_nothing_new(station, reception, supervisor, django_capture_on_commit_callbacks, settings,
                                          late_cases, reminders):
    late_cases(station, reception)
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep.run()
    with django_capture_on_commit_callbacks(execute=True):
        second = sweep.run()
    assert len(first) == 3 and second == []
    assert sorted(reminders()) == sorted(EXPECTED)
    # Delivered once each: e-mail to every recipient, SMS to those with a phone.
    assert sorted(m.to[0] for m in mail.outbox) == ["reception@example.org", "supervisor@example.org", "supervisor@example.org"]
    with open(settings.SMS_FILE_PATH, encoding="utf-8") as f:
        sms = [json.loads(line) for line in f]
    assert sorted(m["phone"] for m in sms) == ["13800000001", "13800000002", "13800000002"]
    # An SMS names the file and links to the case, nothing more (the e-mail carries the text).
    files = {r.case.stay.person.file_no for r in first}
    assert all(any(f in m["text"] for f in files) and "/tracing/cases/" in m["text"] for m in sms)
    assert not any("tracing notice" in m["text"] for m in sms)


def test_reminders_name_the_person_the_deadline_and_the_time(station, reception, supervisor, late_cases):
    overdue, _at_risk, _dna = late_cases(station, reception)
    sweep.run()
    n = Notification.objects.get(kind="tracing_notice_overdue")
    person = overdue.stay.person
    assert person.file_no in n.subject and "Overdue" in n.subject
    assert "6\xa0hours" in n.body and "Staff in charge: reception" in n.body
    assert n.url == f"/tracing/cases/{overdue.pk}/" and n.station == station
    warn = Notification.objects.get(kind="tracing_notice_at_risk")
    assert warn.subject.startswith("Due in 3\xa0hours")


def test_escalations_go_to_the_supervisors_of_the_station_only(station, other_station, reception, supervisor, make_user,
                                                               late_cases, reminders):
    make_user("sz-supervisor", "supervisor", other_station)
    make_user("old-supervisor", "supervisor", station, is_active=False)
    second = make_user("supervisor2", "supervisor", station)
    late_cases(station, reception)
    sweep.run()
    assert {u for k, u in reminders() if k.endswith("overdue")} == {"supervisor", second.username}


def test_an_at_risk_case_without_staff_in_charge_warns_the_supervisors(station, reception, supervisor, arrive,
                                                                       reminders):
    stay = arrive(station, reception, arrived_at=timezone.now() - 20 * HOUR)
    stay.staff_in_charge = None
    stay.save()
    sweep.run()
    assert reminders() == [("tracing_notice_at_risk", "supervisor")]


def test_a_deadline_met_after_the_query_and_before_the_claim_sends_nothing(station, reception, supervisor, arrive,
                                                                           publish, case_of):
    stay = arrive(station, reception, arrived_at=timezone.now() - 30 * HOUR)
    now = timezone.now()
    [candidate] = TracingCase.objects.needing_reminder("notice", "overdue", now)
    publish(case_of(stay), reception)
    assert candidate.claim_reminder("notice", "overdue", now) is False


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_send_each_reminder_once(station, reception, supervisor, monkeypatch, late_cases,
                                                              reminders):
    """Two threads, each with its own database connection, both read the same due cases before either
    claims one (a barrier holds them there); each reminder must still go out once. PostgreSQL runs
    the claims truly at once. The in-memory SQLite test database cannot take two writers at once
    (a file database would make the second wait for the lock; shared-cache memory fails instead), so
    there the second worker waits for the first to finish, still holding its stale list."""
    late_cases(station, reception)
    barrier = threading.Barrier(2)
    serial = threading.Lock() if connection.vendor == "sqlite" else nullcontext()
    real_send = sweep.send
    state = threading.local()

    def send(case, kind, stage, now):
        if not getattr(state, "started", False):
            state.started = True
            barrier.wait(timeout=30)  # both workers hold the same candidates now
            serial.__enter__()
        return real_send(case, kind, stage, now)

    monkeypatch.setattr(sweep, "send", send)
    results, errors = [], []

    def worker():
        try:
            results.append(sweep.run())
        except Exception as e:  # reported below, so a failure in a thread fails the test
            errors.append(e)
        finally:
            if getattr(state, "started", False):
                serial.__exit__(None, None, None)
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sum(len(r) for r in results) == 3
    assert sorted(reminders()) == sorted(EXPECTED)


def test_check_deadlines_runs_one_sweep_and_says_what_it_did(station, reception, supervisor, late_cases):
    overdue, at_risk, dna = late_cases(station, reception)
    out = io.StringIO()
    call_command("check_deadlines", stdout=out)
    text = out.getvalue()
    assert f"overdue: tracing notice · unknown person ({overdue.stay.person.file_no}) -> supervisor" in text
    assert f"at risk: tracing notice · unknown person ({at_risk.stay.person.file_no}) -> reception" in text
    assert f"overdue: DNA referral · unknown person ({dna.stay.person.file_no}) -> supervisor" in text
    assert "3 reminder(s) sent" in text
    out = io.StringIO()
    call_command("check_deadlines", stdout=out)
    assert "0 reminder(s) sent" in out.getvalue()


def test_the_celery_task_runs_the_sweep(station, reception, supervisor, late_cases):
    late_cases(station, reception)
    assert sweep_deadlines.delay().get() == 3
    assert sweep_deadlines.delay().get() == 0


def test_what_beat_schedules_is_the_sweep(station, reception, supervisor, late_cases, reminders):
    """The task beat names exists in the worker and sweeps (a renamed task would leave beat sending nothing)."""
    app.loader.import_default_modules()  # as a worker starts: the apps' tasks modules are found
    late_cases(station, reception)
    task = app.tasks[app.conf.beat_schedule["sweep-deadlines"]["task"]]
    assert task.delay().get() == 3
    assert len(reminders()) == 3


def test_reminders_read_in_the_readers_language_whoever_runs_the_sweep(station, reception, supervisor, late_cases):
    late_cases(station, reception)
    with translation.override("zh-hans"):  # e.g. `check_deadlines` run from a shell in Chinese
        sweep.run()
    notes = list(Notification.objects.all())
    with translation.override("en"):
        assert len(notes) == 3 and all(n.subject.startswith(("Due in", "Overdue: ")) for n in notes)
    with translation.override("zh-hans"):
        assert all("后到期：" in n.subject or n.subject.startswith("已超期：") for n in notes)
