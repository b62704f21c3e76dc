"""The data-quality sweep: run daily by Celery beat, or by `manage.py check_data_quality`.

1. oversight.checks finds every record that breaks a rule now (one grouped query per kind).
2. A broken record without an open problem gets a new one (a record broken again after its problem was
   fixed gets a new problem: the old one stays in the ledger). One open problem per key is a partial
   unique constraint, so two sweeps at once cannot raise it twice (the second insert is ignored).
3. An open problem whose record no longer breaks its rule is closed as fixed (one UPDATE per batch).
   A problem a supervisor accepted is not raised again while its record stays as it was accepted.
4. Reminders: each owner (the staff in charge, else the station's supervisors) hears once of the new
   problems, and the supervisors once of those past their fix-by date; each claimed by a conditional
   UPDATE (as tracing.sweep does), so two sweeps at once send each one once.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shelter.models import Notification, Station, User

from . import checks
from .models import Problem, ProblemState

BATCH = 900  # keys per IN (): under SQLite's old limit of 999 variables


@dataclass
class Result:
    raised: int = 0
    fixed: int = 0
    reminders: list = field(default_factory=list)  # (station, recipients, count, "reminder" | "escalation")


def run(now=None, found=None):
    """One sweep at `now`; `found` ({key: checks.Found}) when the caller already ran the checks."""
    now = now or timezone.now()
    result = Result()
    found = checks.find_all(now) if found is None else found
    # Only the kinds the checks find are closed by the sweep (a comparison hit waits for a supervisor).
    open_keys = set(Problem.objects.open().filter(kind__in=list(checks.CHECKS)).values_list("key", flat=True))
    accepted = set(Problem.objects.filter(state=ProblemState.ACCEPTED).values_list("key", flat=True))
    new = [Problem.build(kind=f.kind, key=f.key, station_id=f.station_id, person_id=f.person_id, stay_id=f.stay_id,
                         owner_id=f.owner_id, params=f.params, now=now)
           for key, f in found.items() if key not in open_keys and key not in accepted]
    before = Problem.objects.count()
    Problem.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    result.raised = Problem.objects.count() - before
    gone = sorted(key for key in open_keys - found.keys() if checks.closes(key, now))
    for start in range(0, len(gone), BATCH):
        result.fixed += Problem.objects.close_fixed(gone[start:start + BATCH], now)
    result.reminders = remind(now) + escalate(now)
    return result


def remind(now):
    """One message per owner of the open problems not yet reminded of, claimed by one conditional UPDATE."""
    sent = []
    groups = (Problem.objects.needing_reminder(now).values_list("station_id", "owner_id").distinct()
              .order_by("station_id", "owner_id"))
    for station_id, owner_id in list(groups):
        with transaction.atomic():
            claimed = Problem.objects.needing_reminder(now).filter(station_id=station_id, owner_id=owner_id).update(
                reminded_at=now)
            if not claimed:
                continue  # another sweep had them
            station = Station.objects.get(pk=station_id)
            owner = User.objects.filter(pk=owner_id).first() if owner_id else None
            recipients = station.who_is_told(owner)
            Notification.send(recipients, kind="problem_new", params={"count": claimed},
                              url=reverse("oversight:problems"), station=station)
            sent.append((station, recipients, claimed, "reminder"))
    return sent


def escalate(now):
    """One message per station to its supervisors of the problems past their fix-by date."""
    sent = []
    for station_id in list(Problem.objects.needing_escalation(now).values_list("station_id", flat=True).distinct()
                           .order_by("station_id")):
        with transaction.atomic():
            claimed = Problem.objects.needing_escalation(now).filter(station_id=station_id).update(escalated_at=now)
            if not claimed:
                continue
            station = Station.objects.get(pk=station_id)
            recipients = list(station.staff("supervisor"))
            Notification.send(recipients, kind="problem_overdue", params={"count": claimed},
                              url=reverse("oversight:problems"), station=station)
            sent.append((station, recipients, claimed, "escalation"))
    return sent
