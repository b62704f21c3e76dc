"""The long-stay review sweep, run every minute by Celery beat (shelter.tasks.sweep_reviews) and by
`manage.py check_deadlines`: the pattern of tracing.sweep. One indexed query finds the stays whose
review fell due and whose reminder is not claimed; each reminder is claimed by a conditional UPDATE
(Stay.claim_review_reminder) and sent in the same transaction, so it goes out once with two workers.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import CheckState, Notification, SecondCheck, Stay


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
