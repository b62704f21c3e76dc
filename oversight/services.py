"""Writes of oversight: the finance comparison, comparisons with other departments' lists, the monthly
inspection. Keyword-only arguments and no request."""

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import workflow
from lib.errors import Refusal
from shelter.models import Decision, Departure, Person, Stay
from shelter.services import decide

from . import comparison, finance
from .figures import month_end, month_start
from .models import DataComparison, FinanceComparison, MonthlyInspection, Problem, ProblemKind, ProblemState


def payments(*, station, month):
    """The money the station's departures of the month record, one entry a receipt number (two departures
    on one receipt count together): [{"receipt_no", "amount", "departure"}]."""
    paid = models.Q(ticket_amount__gt=0) | models.Q(allowance__gt=0)
    departures = Departure.objects.filter(
        stay__person__station=station, departed_at__gte=month_start(month), departed_at__lt=month_end(month)
    ).filter(paid).order_by("departed_at", "pk")
    by_receipt = {}
    for d in departures:
        entry = by_receipt.setdefault(d.receipt_no, {"receipt_no": d.receipt_no, "amount": 0, "departure": d.pk})
        entry["amount"] += d.money_paid
    return [{**e, "amount": str(e["amount"])} for e in by_receipt.values()]


def compare_finance(*, station, month, file_name, data, by):
    """Read the finance office's sheet for a station's month, set it against the departures' money and
    keep the comparison. finance.SheetRefused (nothing kept) if the file cannot be read."""
    sheet = finance.read_sheet(data, file_name)
    result = finance.compare(payments(station=station, month=month), sheet)
    return FinanceComparison.objects.create(station=station, month=month, file_name=file_name[:200], uploaded_by=by,
                                            sheet=sheet, result=result)


def compare_list(*, station, source, file_name, data, columns, by):
    """Read another department's list, match it against the station's files (oversight.comparison) and keep
    the upload with its hits, each hit a problem to check. comparison's SheetRefused (nothing kept) if
    the file or its columns cannot be read."""
    rows = comparison.read_list(data, file_name, columns)
    people = [{"pk": pk, "id_number": number, "birth_date": born.isoformat() if born else "",
               "names": [name, *[a.strip() for a in aliases.replace("，", ",").split(",")]]}
              for pk, number, born, name, aliases in Person.objects.filter(station=station, merged_into__isnull=True)
              .values_list("pk", "id_number", "date_of_birth", "name", "aliases")]
    hits = comparison.match(rows, people)
    upload = DataComparison.objects.create(station=station, source=source[:120], file_name=file_name[:200],
                                           columns=columns, rows=rows, hits=hits, uploaded_by=by)
    staff = dict(Stay.objects.open().filter(person__in=[h["person"] for h in hits])
                 .values_list("person_id", "staff_in_charge_id"))
    now = timezone.now()
    Problem.objects.bulk_create([
        Problem.build(kind=ProblemKind.COMPARISON_HIT, key=f"comparison_hit:{upload.pk}:{h['line']}:{h['person']}",
                      station_id=station.pk, person_id=h["person"], owner_id=staff.get(h["person"]), now=now,
                      params={"comparison": upload.pk, "source": upload.source, "line": h["line"], "how": h["how"],
                              "score": h["score"]})
        for h in hits])
    return upload


class InspectionRefused(Refusal):
    """The month's inspection cannot be filed (already filed, or a month not yet begun)."""


def file_inspection(*, station, month, items, findings, by):
    """A supervisor files the month's inspection, signed off now, with the station's open problems attached."""
    if month > timezone.localdate().replace(day=1):
        raise InspectionRefused(_("This month has not begun: it cannot be inspected yet."))
    with transaction.atomic():
        if MonthlyInspection.objects.filter(station=station, month=month).exists():
            raise InspectionRefused(_("The inspection of %(month)s is already filed.") % {"month": f"{month:%Y-%m}"})
        inspection = MonthlyInspection.objects.create(station=station, month=month, items=items.strip(),
                                                      findings=findings.strip(), signed_by=by)
        inspection.problems.set(Problem.objects.open().filter(station=station))
    return inspection


@transaction.atomic
def accept_problem(*, problem, by, reason, awaiting=False):
    """A supervisor accepts a data-quality problem as it is (Problem.accept: the reason is kept). Not their
    own (the problem's owner): a second pair of eyes (shelter.services.decide), unless recorded as awaiting
    a second check (the night shift); a second check that disagrees opens it again (problem_checked)."""
    decide(decision=Decision.PROBLEM_ACCEPTED, target=problem, station=problem.station, entered_by=problem.owner,
           by=by, awaiting=awaiting, note=reason)
    return workflow.apply(problem, "accept", by, reason=reason)


def problem_checked(*, check, agreed, by):
    """The second check of a problem its own owner accepted: not agreed, it is open again (the accepting
    undone, the checker's reason in the transition log)."""
    problem = check.target
    if agreed or problem is None or problem.state != ProblemState.ACCEPTED:
        return problem
    problem.reopen(by=by, reason=check.check_reason)
    problem.save()
    return problem
