"""The register's deadline sweeps, run every minute by Celery beat (shelter.tasks.sweep_reviews) and by
`manage.py check_deadlines`: the pattern of tracing.sweep. For each deadline one indexed query finds the
records due (or about to be) whose reminder is not claimed; each reminder is claimed by a conditional
UPDATE and sent in the same transaction, so it goes out once with two workers:
- `run`: long-stay reviews fallen due (Stay.claim_review_reminder);
- `death_reports`: a death's report up the chain not yet made, DEATH_REPORT_WARN_HOURS before its
  deadline or after (Death.claim_report_reminder);
- `body_claims`: an unclaimed body BODY_CLAIM_WARN_DAYS before its claim deadline or after
  (Body.claim_reminder_claimed).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import Body, BodyState, CheckState, Death, Notification, SecondCheck, Stay


def run(now=None):
    """One sweep; returns the stays whose review reminder this call sent."""
    now = now or timezone.now()
    sent = []
    due = (Stay.objects.filter(review_due_at__lte=now, review_reminded_at__isnull=True)
           .select_related("person__station", "staff_in_charge").order_by("review_due_at"))
    for stay in due:
        with transaction.atomic():
            if not stay.claim_review_reminder(now):
                continue
            station = stay.person.station
            params = {"file": stay.person.file_no, "name": stay.person.name, "point": stay.review_point,
                      "due": timezone.localtime(stay.review_due_at).strftime("%Y-%m-%d %H:%M")}
            Notification.send(station.who_is_told(), kind="stay_review", params=params,
                              url=stay.get_absolute_url(), station=station, reference=stay.person.file_no)
        sent.append(stay)
    return sent


def death_reports(now=None):
    """One sweep of the death reports; returns the deaths whose reminder this call sent."""
    now = now or timezone.now()
    soon = now + datetime.timedelta(hours=settings.DEATH_REPORT_WARN_HOURS)
    sent = []
    due = (Death.objects.filter(report_due_at__lte=soon, report_met_at__isnull=True, report_reminded_at__isnull=True)
           .select_related("stay__person__station").order_by("report_due_at"))
    for death in due:
        with transaction.atomic():
            if not death.claim_report_reminder(now):
                continue
            person, station = death.stay.person, death.stay.person.station
            params = {"file": person.file_no, "name": person.name, "missing": death.report_missing(),
                      "due": timezone.localtime(death.report_due_at).strftime("%Y-%m-%d %H:%M")}
            Notification.send(station.staff("supervisor", "station_head"), kind="death_report_due", params=params,
                              url=death.get_absolute_url(), station=station, reference=person.file_no)
        sent.append(death)
    return sent


def body_claims(now=None):
    """One sweep of the unclaimed bodies; returns the bodies whose reminder this call sent."""
    now = now or timezone.now()
    soon = now + datetime.timedelta(days=settings.BODY_CLAIM_WARN_DAYS)
    sent = []
    due = (Body.objects.filter(state=BodyState.KEPT, claim_due_at__lte=soon, claim_reminded_at__isnull=True)
           .select_related("death__stay__person__station").order_by("claim_due_at"))
    for body in due:
        with transaction.atomic():
            if not body.claim_reminder_claimed(now):
                continue
            person, station = body.death.stay.person, body.death.stay.person.station
            params = {"file": person.file_no, "name": person.name, "place": body.kept_at,
                      "due": timezone.localtime(body.claim_due_at).strftime("%Y-%m-%d %H:%M")}
            Notification.send(station.staff("supervisor", "station_head"), kind="body_claim_due", params=params,
                              url=body.death.get_absolute_url(), station=station, reference=person.file_no)
        sent.append(body)
    return sent


def remind_checks(now=None):
    """Decisions awaiting a second check for SECOND_CHECK_REMIND_HOURS: the station's supervisors (but the
    one who decided) are reminded once, each reminder claimed by a conditional UPDATE
    (SecondCheck.claim_reminder). Returns the checks this call reminded of."""
    now = now or timezone.now()
    since = now - datetime.timedelta(hours=settings.SECOND_CHECK_REMIND_HOURS)
    sent = []
    due = (SecondCheck.objects.filter(state=CheckState.PENDING, reminded_at__isnull=True, entered_at__lte=since)
           .select_related("station").order_by("entered_at"))
    for check in due:
        with transaction.atomic():
            if not check.claim_reminder(now):
                continue
            told = [u for u in check.station.who_is_told() if u.pk != check.entered_by_id]
            Notification.send(told, kind="second_check_waiting", params={
                "decision": check.decision, "since": timezone.localtime(check.entered_at).strftime("%Y-%m-%d %H:%M")},
                url=reverse("shelter:checks"), station=check.station, reference=f"check-{check.pk}")
        sent.append(check)
    return sent
