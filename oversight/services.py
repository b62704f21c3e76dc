"""Writes of oversight: the finance comparison, comparisons with other departments' lists, the monthly
inspection. Keyword-only arguments and no request."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import workflow
from lib.errors import Refusal
from shelter.models import Decision, Departure, Notification, Person, Stay
from shelter.services import decide, reopen_unless_agreed

from . import comparison, finance
from .figures import month_end, month_start
from .models import DataComparison, DataQuery, FinanceComparison, MonthlyInspection, Problem, ProblemKind, ProblemState


def payments(*, station, month):
    """The money the station's departures of the month record, one entry a receipt number (two departures
    on one receipt count together), with its payee, the person: [{"receipt_no", "amount", "departure",
    "name", "id_number", "account"}]. The departures of the month as the figures count them: at the
    station of the stay, in the month the stay ended."""
    paid = models.Q(ticket_amount__gt=0) | models.Q(allowance__gt=0)
    departures = Departure.objects.filter(
        stay__station=station, counted_at__gte=month_start(month), counted_at__lt=month_end(month)
    ).filter(paid).select_related("stay__person").order_by("counted_at", "pk")
    by_receipt = {}
    for d in departures:
        entry = by_receipt.setdefault(d.receipt_no, {"receipt_no": d.receipt_no, "amount": 0, "departure": d.pk,
                                                     "name": d.stay.person.name, "id_number": d.stay.person.id_number,
                                                     "account": "".join(d.payee_account.split())})
        entry["amount"] += d.money_paid
    return [{**e, "amount": str(e["amount"])} for e in by_receipt.values()]


def compare_finance(*, station, month, file_name, data, by):
    """Read the finance office's sheet for a station's month, set it against the departures' money and
    keep the comparison. finance.SheetRefused (nothing kept) if the file cannot be read."""
    sheet = finance.read_sheet(data, file_name)
    result = finance.compare(payments(station=station, month=month), sheet)
    with transaction.atomic():
        comparison = FinanceComparison.objects.create(station=station, month=month, file_name=file_name[:200],
                                                      uploaded_by=by, sheet=sheet, result=result)
        payment_problems(comparison)
    return comparison


PAYMENT_KINDS = {"missing": ProblemKind.PAYMENT_MISSING, "extra": ProblemKind.PAYMENT_EXTRA,
                 "different": ProblemKind.PAYMENT_AMOUNT, "other_payee": ProblemKind.PAYMENT_PAYEE}


def payment_problems(comparison):
    """Each difference of a finance comparison is a problem of its kind (missing from the sheet, extra on
    it, another amount, another payee), one open problem per station, month and payment (a sheet uploaded
    again keeps the open problem); an earlier open problem of the month the new sheet no longer shows is
    closed as fixed."""
    now, month = timezone.now(), f"{comparison.month:%Y-%m}"
    departures = {d.pk: d for d in Departure.objects.filter(pk__in=[
        row["departure"] for part in PAYMENT_KINDS for row in comparison.result.get(part, []) if row.get("departure")])
        .select_related("stay")}
    found = []
    for part, kind in PAYMENT_KINDS.items():
        for row in comparison.result.get(part, []):
            departure = departures.get(row.get("departure"))
            which = row["receipt_no"] or (f"d{departure.pk}" if departure else
                                          row.get("id_number") or row.get("name") or f"l{row['line']}")
            params = {"comparison": comparison.pk, "month": month,
                      **{k: v for k, v in row.items() if k not in ("departure", "system", "sheet")}}
            if part in ("different", "other_payee"):
                params["system"], params["sheet"] = row["system"], row["sheet"]
            found.append(Problem.build(
                kind=kind, key=f"{kind}:{comparison.station_id}:{month}:{which}"[:80], station_id=comparison.station_id,
                person_id=departure.stay.person_id if departure else None, stay_id=departure.stay_id if departure else None,
                now=now, params=params))
    Problem.objects.bulk_create(found, ignore_conflicts=True)
    earlier = (Problem.objects.open().filter(station=comparison.station, kind__in=list(PAYMENT_KINDS.values()),
                                             params__month=month)
               .exclude(key__in=[p.key for p in found]))
    earlier.update(state=ProblemState.FIXED, closed_at=now)


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
        # The reminder that it was missing is answered.
        Problem.objects.close_fixed([f"inspection_missing:station:{station.pk}:{month:%Y-%m}"], timezone.now())
    return inspection


class FindingRefused(Refusal):
    """An inspection finding cannot be recorded as given (`field`: the form field it concerns)."""

    def __init__(self, message, field):
        super().__init__(message)
        self.field = field


def record_finding(*, station, text, owner, fix_by, by):
    """The bureau's inspector records a finding on a station: a problem in that station's list
    (Problem.finding) with its owner, one of the station's active staff, and a fix-by date to come;
    the owner is told at once (the sweep's reminder is claimed for it)."""
    now = timezone.now()
    if not text.strip():
        raise FindingRefused(_("Say what was found."), "text")
    if owner.station_id != station.pk or not owner.is_active:
        raise FindingRefused(_("The owner must be an active member of the station's staff."), "owner")
    if fix_by <= now:
        raise FindingRefused(_("The fix-by date must be later than now."), "fix_by")
    with transaction.atomic():
        problem = Problem.finding(station=station, text=text.strip(), owner=owner, fix_by=fix_by, by=by, now=now)
        problem.reminded_at = now
        problem.save()
        Notification.send(station.who_is_told(owner), kind="finding_new",
                          params={"fix_by": f"{timezone.localtime(fix_by):%Y-%m-%d}"},
                          url=reverse("oversight:findings"), station=station)
    return problem


def fix_finding(*, problem, by, note):
    """The station marks an inspection's finding fixed, saying what was done (Problem.fix); the inspector
    who recorded it is told."""
    with transaction.atomic():
        workflow.apply(problem, "fix", by, note=note)
        if problem.raised_by and problem.raised_by.is_active:
            Notification.send([problem.raised_by], kind="finding_fixed", params={"station": problem.station.name},
                              url=reverse("oversight:findings"), station=problem.station)
    return problem


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
    return reopen_unless_agreed(check=check, agreed=agreed, by=by,
                                still_decided=lambda problem: problem.state == ProblemState.ACCEPTED)


def query_items(*, problem=None, comparison=None):
    """The disputed items of a query, facts only: the problem's file, or every hit of a comparison, each
    with the line of the department's list it matched and what that line says."""
    if problem is not None:
        problems = [problem]
    else:
        problems = list(Problem.objects.filter(kind=ProblemKind.COMPARISON_HIT, station=comparison.station,
                                               params__comparison=comparison.pk).select_related("person")
                        .order_by("pk"))
    uploads = {u.pk: u for u in DataComparison.objects.filter(pk__in={
        p.params.get("comparison") for p in problems if p.kind == ProblemKind.COMPARISON_HIT})}
    items = []
    for p in problems:
        person = p.person
        item = {"problem": p.pk, "person": person.pk if person else None, "file_no": person.file_no if person else "",
                "name": person.name if person else "", "id_number": person.id_number if person else "",
                "birth_date": person.date_of_birth.isoformat() if person and person.date_of_birth else "",
                "line": "", "source_values": {}}
        upload = uploads.get(p.params.get("comparison")) if p.kind == ProblemKind.COMPARISON_HIT else None
        if upload is not None:
            row = next((r for r in upload.rows if r.get("line") == p.params.get("line")), {})
            item["line"] = p.params.get("line", "")
            item["source_values"] = {k: row.get(k, "") for k in ("name", "id_number", "birth_date")}
        items.append(item)
    return items


def raise_query(*, station, department, department_name, question, items, by, problem=None, comparison=None,
                sent_at=None):
    """Send doubtful data back to the department it came from: the query is kept (its letter and sheet
    are printed from it) and listed open, with its age, until the answer is recorded."""
    if not items:
        raise ValidationError({"question": _("There is nothing to query: no disputed item.")})
    now = timezone.now()
    query = DataQuery(station=station, department=department, department_name=department_name.strip(),
                      question=question.strip(), items=items, problem=problem, comparison=comparison, sent_by=by,
                      sent_at=sent_at or now, entered_at=now)
    query.full_clean(exclude=["state"])
    query.save()
    return query


def answer_query(*, query, by, answer, answered_at):
    """Record the department's answer to a query (DataQuery.record_answer)."""
    return workflow.apply(query, "record_answer", by, answer=answer, answered_at=answered_at)
