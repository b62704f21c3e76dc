"""Reads of oversight that views share: the board's lists, the inspections missing."""

import datetime

from django.utils import timezone

from face.selectors import thumbnails
from shelter.models import CheckState, SecondCheck, Station
from tracing.models import due_field

from .filters import ProblemFilter
from .models import MonthlyInspection, Problem, ProblemState


def cases_in_stage(cases, kind, stage, now):
    """A board list: the cases in this stage of this deadline, the oldest due first."""
    return (
        cases.in_stage(kind, stage, now)
        .select_related("stay__person", "stay__staff_in_charge", "station")
        .order_by(due_field(kind), "pk")
    )


def with_rows(cases, kind):
    """Cases as rows for the lists, with their due time and thumbnails fetched in one query, and where a
    deadline missed before the case came with a transfer was missed (`missed_at`: that station)."""
    cases = list(cases)
    thumbs = thumbnails(c.stay.person_id for c in cases)
    elsewhere = {c.pk: c.missed_at(kind) for c in cases}
    stations = Station.objects.in_bulk({s for s in elsewhere.values() if s is not None})
    for case in cases:
        case.due = getattr(case, due_field(kind))
        case.thumbnail = thumbs.get(case.stay.person_id)
        case.missed_at_station = stations.get(elsewhere[case.pk])
    return cases


def missing_inspections(station, months=12):
    """The first days of the last `months` months (this one included) with no inspection filed."""
    first = timezone.localdate().replace(day=1)
    wanted = []
    for _i in range(months):
        wanted.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    filed = set(MonthlyInspection.objects.filter(station=station, month__in=wanted).values_list("month", flat=True))
    return [m for m in wanted if m not in filed]


def filtered_problems(user, data):
    """The data-quality problems: (form, rows), those the user's station may see (every station's for
    administrators and inspectors) filtered by the query (`ProblemFilter`); the open ones when nothing
    is asked."""
    rows = Problem.objects.for_user(user).select_related("station", "person", "owner", "accepted_by")
    shown = ProblemFilter(data or {"state": ProblemState.OPEN}, rows)
    return shown.form, shown.qs


def second_checks_in(station_ids, start, end):
    """The month's decisions of the second pair of eyes recorded as awaiting a second check (these stations,
    taken in [start, end)): how many, and how many still await it."""
    checks = SecondCheck.objects.filter(entered_at__gte=start, entered_at__lt=end)
    if station_ids is not None:
        checks = checks.filter(station__in=list(station_ids))
    return {"recorded": checks.count(), "awaiting": checks.filter(state=CheckState.PENDING).count()}
