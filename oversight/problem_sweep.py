"""The data-quality sweep: run daily by Celery beat, or by `manage.py check_data_quality`.

1. oversight.checks finds every record that breaks a rule now (one grouped query per kind).
2. A broken record without an open problem gets a new one (a record broken again after its problem was
   fixed gets a new problem: the old one stays in the ledger). One open problem per key is a partial
   unique constraint, so two sweeps at once cannot raise it twice (the second insert is ignored).
3. An open problem whose record no longer breaks its rule is closed: as fixed when the record was
   corrected, as closed for another reason (named) when the rule stopped applying to it: the person
   left or died, the file was merged, the tracing case closed (one UPDATE per batch and outcome).
   A problem a supervisor accepted is not raised again until its acceptance lapses
   (PROBLEM_ACCEPTANCE_DAYS); then it is looked at again: raised anew if the record still breaks the
   rule, and a problem no check finds (comparison hits, inspection findings) is reopened. Each lapse is
   claimed by a conditional UPDATE, so two sweeps reopen it once.
4. Reminders: each owner (the staff in charge, else the station's supervisors) hears once of the new
   problems, and the supervisors once of those past their fix-by date; each claimed by a conditional
   UPDATE (as tracing.sweep does), so two sweeps at once send each one once.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shelter.models import Notification, Station, StayState, User
from tracing.models import Publication

from . import checks
from .models import CloseReason, Problem, ProblemKind, ProblemState

BATCH = 900  # keys per IN (): under SQLite's old limit of 999 variables


@dataclass
class Result:
    raised: int = 0
    fixed: int = 0
    closed: int = 0  # for another reason: the person left or died, the file merged, the case closed
    lapsed: int = 0  # acceptances looked at again
    reminders: list = field(default_factory=list)  # (station, recipients, count, "reminder" | "escalation")


def run(now=None, found=None):
    """One sweep at `now`; `found` ({key: checks.Found}) when the caller already ran the checks."""
    now = now or timezone.now()
    result = Result()
    found = checks.find_all(now) if found is None else found
    # Only the kinds the checks find are closed by the sweep (a comparison hit waits for a supervisor).
    lapsed, reopened = lapse(now)
    result.lapsed = len(lapsed) + len(reopened)
    open_keys = set(Problem.objects.open().filter(kind__in=list(checks.CHECKS)).values_list("key", flat=True))
    accepted = set(Problem.objects.accepted_until(now).values_list("key", flat=True))
    new = [Problem.build(kind=f.kind, key=f.key, station_id=f.station_id, person_id=f.person_id, stay_id=f.stay_id,
                         owner_id=f.owner_id, now=now,
                         params={**f.params, "again_after": lapsed[key]} if key in lapsed else f.params)
           for key, f in found.items() if key not in open_keys and key not in accepted]
    before = Problem.objects.count()
    Problem.objects.bulk_create(new + reopened, batch_size=BATCH, ignore_conflicts=True)
    result.raised = Problem.objects.count() - before
    gone = sorted(key for key in open_keys - found.keys() if checks.closes(key, now))
    for start in range(0, len(gone), BATCH):
        batch = gone[start:start + BATCH]
        for reason, keys in why_gone(batch).items():
            result.closed += Problem.objects.close_because(keys, reason, now)
        result.fixed += Problem.objects.close_fixed(batch, now)  # the rest: the record was corrected
    result.reminders = remind(now) + escalate(now)
    return result


def lapse(now):
    """The acceptances whose time is over, each claimed by a conditional UPDATE (two sweeps: once):
    ({key: lapsed problem's pk} of the kinds the checks look at again, [new open problems] of the others)."""
    lapsed, reopened = {}, []
    for problem in Problem.objects.lapsing(now).order_by("pk"):
        claimed = Problem.objects.filter(pk=problem.pk, state=ProblemState.ACCEPTED).update(state=ProblemState.LAPSED)
        if not claimed:
            continue
        if problem.kind in checks.CHECKS:
            lapsed[problem.key] = problem.pk
        else:
            reopened.append(problem.again(now))
    return lapsed, reopened


# The rules that hold only while the person is at the station (an open stay): when the stay ends, the
# problem ends because the person left, not because anything was corrected.
WHILE_STAYING = (ProblemKind.ID_TWICE, ProblemKind.NO_PORTRAIT, ProblemKind.REVIEW_OVERDUE,
                 ProblemKind.NOTICE_NO_PORTRAIT)


def why_gone(keys):
    """{CloseReason: [keys]} of the open problems whose rule stopped applying rather than being met: the
    file merged into another, the person left or died (a rule of an open stay), the tracing case closed
    (a notice's rule). Keys not named were fixed."""
    reasons = {}
    rows = (Problem.objects.open().filter(key__in=list(keys))
            .values_list("key", "kind", "person__merged_into_id", "stay__state"))
    notices = {}
    for key, kind, merged, stay_state in rows:
        if merged:
            reasons.setdefault(CloseReason.MERGED, []).append(key)
        elif kind in WHILE_STAYING and stay_state == StayState.DECEASED:
            reasons.setdefault(CloseReason.PERSON_DIED, []).append(key)
        elif kind in WHILE_STAYING and stay_state == StayState.DEPARTED:
            reasons.setdefault(CloseReason.PERSON_LEFT, []).append(key)
        elif kind == ProblemKind.NOTICE_NO_PORTRAIT:
            notices[int(key.rsplit(":", 1)[1])] = key
    closed = Publication.objects.filter(pk__in=list(notices), case__closed_at__isnull=False).values_list("pk",
                                                                                                          flat=True)
    for pk in closed:
        reasons.setdefault(CloseReason.CASE_CLOSED, []).append(notices[pk])
    return reasons


def inspections(now=None):
    """The monthly inspections due and not filed (checks.inspection_missing): each a problem in the
    station's list (the bureau's inspectors see them), and the station head told once, claimed by a
    conditional UPDATE of the problem's reminder (two sweeps at once: one message). Filing the inspection
    closes the problem as fixed. [(station, recipients, month)] told."""
    now = now or timezone.now()
    found = list(checks.inspection_missing(now))
    Problem.objects.bulk_create([
        Problem.build(kind=f.kind, key=f.key, station_id=f.station_id, owner_id=f.owner_id, params=f.params, now=now)
        for f in found], ignore_conflicts=True)
    told = []
    for problem in (Problem.objects.open().filter(kind=ProblemKind.INSPECTION_MISSING, reminded_at__isnull=True)
                    .select_related("station", "owner").order_by("pk")):
        with transaction.atomic():
            if not problem.claim("reminded_at", now):
                continue  # another sweep told them
            recipients = problem.station.who_is_told(problem.owner)
            Notification.send(recipients, kind="inspection_missing", params={"month": problem.params["month"]},
                              url=reverse("oversight:inspections"), station=problem.station)
            told.append((problem.station, recipients, problem.params["month"]))
    return told


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
