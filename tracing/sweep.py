"""The deadline sweep: run every minute by Celery beat, or once by `manage.py check_deadlines`.

For each kind of deadline and each stage (at risk, overdue) one indexed query finds the cases in that
stage whose reminder was not yet sent; each reminder is then claimed by a conditional UPDATE and sent
in the same transaction (healthchecks' sendalerts design). Two workers sweeping at once, or a sweep
after a crash, cannot send a reminder twice; a sweep after a day without workers still finds every
case, because it looks at the due times, not at messages scheduled in advance.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shelter.models import Notification

from .models import Deadline, Stage, TracingCase, due_field, warn_field


@dataclass
class Reminder:
    case: TracingCase
    kind: str
    stage: str
    recipients: list


def run(now=None):
    """One sweep; returns the reminders this call sent."""
    now = now or timezone.now()
    sent = []
    for kind in Deadline.values:
        for stage in (Stage.OVERDUE, Stage.AT_RISK):  # overdue first: it supersedes a missed at-risk
            for case in candidates(kind, stage, now):
                reminder = send(case, kind, stage, now)
                if reminder:
                    sent.append(reminder)
    return sent


def candidates(kind, stage, now):
    """The one query per kind and stage: due cases whose reminder is not claimed yet, in the order of
    the column its index is on (ordering by another would let SQLite walk a whole index to avoid a sort)."""
    return (
        TracingCase.objects.needing_reminder(kind, stage, now)
        .select_related("stay__person", "stay__staff_in_charge", "station")
        .order_by(warn_field(kind) if stage == Stage.AT_RISK else due_field(kind))
    )


def send(case, kind, stage, now):
    with transaction.atomic():
        if not case.claim_reminder(kind, stage, now):
            return None  # another worker had it, or the deadline was met meanwhile
        recipients = case.reminder_recipients(stage)
        Notification.send(recipients, kind=f"tracing_{kind}_{stage}", params=params(case, kind, now),
                          url=case.get_absolute_url(), station=case.station, reference=case.stay.person.file_no)
    return Reminder(case, kind, stage, recipients)


def params(case, kind, now):
    """What the reminder says (tracing.messages words it): the due time, and when it was sent."""
    person = case.stay.person
    due = getattr(case, due_field(kind))
    return {
        "deadline": kind, "name": person.name, "file": person.file_no,
        "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"), "due_at": due.isoformat(),
        "sent_at": now.isoformat(), "staff": str(case.stay.staff_in_charge or "-"),
    }
