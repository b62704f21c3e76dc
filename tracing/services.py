"""Writes of tracing that span several models, and the work they queue. Keyword-only arguments and no
request: views, tasks, receivers, the demo data and the tests call the same functions. The rules stay
on the models (transitions, querysets); the searches themselves are tracing.finding, run by the tasks."""

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from face.quality import check_portrait
from lib.errors import Refusal
from lib.messages import Said
from lib.queue import after_commit
from shelter.models import Departure, Person, Stay, StayState

from . import clues, comparison, finance, finding
from .figures import month_end, month_start
from .models import (
    Candidate,
    Clue,
    DataComparison,
    DuplicateState,
    FamilyReport,
    FinanceComparison,
    FoundBy,
    Interview,
    MonthlyInspection,
    PossibleDuplicate,
    Problem,
    ProblemKind,
    ReportPhoto,
    TracingCase,
)
from .tasks import search_report


class PhotoRefused(Refusal):
    """The file is not a usable picture (not an image, damaged, too large): nothing is stored."""


def check_photo(data):
    """The quality verdict (face.quality) on a family's photo; PhotoRefused if it is no picture at all.
    A readable photo that fails the check is still kept and flagged poor."""
    quality = check_portrait(data)
    if not quality.readable:
        raise PhotoRefused(" ".join(quality.messages))
    return quality


def register_report(*, report, photos=(), by, origin=None):
    """Save a new family report taken by `by` for their station, with its checked photos ([(bytes,
    QualityReport)], see check_photo), and search once the transaction has committed. The form's
    one-time token (report.submit_token) is unique in the database: a second click at the same moment
    fails with IntegrityError, and the caller shows the report already registered."""
    with transaction.atomic():
        report.station_id, report.taken_by = by.station_id, by
        # The token's uniqueness is the database's to check: two clicks at once both pass a query.
        report.full_clean(exclude=["state", "station", "submit_token"])
        report.save()
        add_report_photos(report=report, photos=photos, by=by, origin=origin)
    return report


def add_report_photos(*, report, photos, by, origin=None):
    """Add checked photos to a report; the search runs again with them once committed."""
    with transaction.atomic():
        added = [ReportPhoto.add(report, data, quality, by) for data, quality in photos]
        request_search(report=report, by=by, origin=origin)
    return added


def request_search(*, report, by=None, origin=None):
    """Encode the photos and search, in the Celery task, once the transaction has committed. The request
    is recorded on the report first: with the queue down the catch-up (tracing.tasks.catch_up_searches)
    runs it, for the same person. `origin` (lib.http.origin): the request's address and page, for the
    audit record of the face searches."""
    report.search_requested_at, report.search_requested_by = timezone.now(), by
    FamilyReport.objects.filter(pk=report.pk).update(search_requested_at=report.search_requested_at,
                                                     search_requested_by=by)
    after_commit(search_report, report.pk, by.pk if by else None, origin)


def registered_apart(*, person, duplicates, by):
    """The intake went ahead after the warning: these pairs were judged different people (the desk's
    own judgement, made on the intake page), so they are not raised again."""
    for duplicate in duplicates:
        warning = PossibleDuplicate.record(person, duplicate.person, FoundBy.INTAKE)
        if warning.state == DuplicateState.OPEN:
            warning.dismiss(by=by, reason=Said("registered_apart"))
            warning.save()


def follow_transfer(*, stay):
    """A transfer accepted: the open case of the sending station's stay moves to `stay`, the receiving
    station's, with its notices and deadlines. Returns whether a case moved."""
    return bool(TracingCase.objects.filter(stay_id=stay.transferred_from_id, closed_at__isnull=True).update(
        stay=stay, station=stay.person.station_id))


def follow_merge(*, merged, survivor, by):
    """What tracing keeps per person follows the surviving file, inside the merge's transaction.

    Candidates: the surviving file takes the merged file's, except for a report that already has the
    surviving file as candidate (that row, reviewed or not, stays as it was). Confirmed reports point
    at the surviving file. Warnings about the two files: theirs is "merged", the others move unless the
    surviving file already has one with the same file.
    """
    # Files of two stations merged by an administrator: the moved stays' cases are the surviving station's.
    TracingCase.objects.filter(stay__person=survivor).exclude(station=survivor.station_id).update(
        station=survivor.station_id)
    taken = Candidate.objects.filter(person=survivor).values("report")
    Candidate.objects.filter(person=merged).exclude(report__in=taken).update(person=survivor)
    FamilyReport.objects.filter(matched_person=merged).update(matched_person=survivor)
    reason = Said("files_merged", reason=merged.merge_reason)
    for warning in PossibleDuplicate.objects.filter(models.Q(person=merged) | models.Q(other=merged)):
        far = warning.other_side(merged)
        if far.pk == survivor.pk:
            if warning.state != DuplicateState.MERGED:
                warning.mark_merged(by=by, reason=reason)
                warning.save()
            continue
        person, other = PossibleDuplicate.ordered(survivor, far)
        if not PossibleDuplicate.objects.filter(person=person, other=other).exists():
            PossibleDuplicate.objects.filter(pk=warning.pk).update(person=person, other=other)


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


# --- Interviews -------------------------------------------------------------------------------------


def record_interview(*, stay, by, words, interviewer, held_at=None, language="", interpreter="", conclusion="",
                     show_on_notice=False, audio=None):
    """Save an interview on the stay and the clues its words suggest (proposed, for staff to judge)."""
    interview = Interview(stay=stay, words=words, interviewer=interviewer, held_at=held_at or timezone.now(),
                          language=language, interpreter=interpreter, conclusion=conclusion,
                          show_on_notice=show_on_notice, entered_by=by, audio=audio)
    interview.full_clean()
    with transaction.atomic():
        interview.save()
        propose_clues(interview)
    return interview


def propose_clues(interview):
    """Store the clues of the interview's words (its language recorded by staff counts as an accent)."""
    found = clues.extract(interview.words)
    regions = clues.dialect_regions(interview.language)
    if regions:
        found.append(clues.Clue("accent", interview.language, interview.language, "", "", len(interview.words),
                                regions=regions))
    Clue.objects.bulk_create([
        Clue(interview=interview, kind=c.kind, value=c.value[:100], normalised=c.normalised[:100], code=c.code[:20],
             candidates=[list(x) for x in c.candidates], regions=c.regions, valid=c.valid, sentence=c.sentence,
             position=c.start)
        for c in found
    ])


def rerank_candidates(*, clue):
    """A clue accepted or dismissed: the proposed candidates of that person are ranked again by what
    their accepted clues now say (tracing.finding.rerank). Done at once, in the step's transaction: a
    person is a candidate for a few reports, and each is rescored without a search."""
    return finding.rerank(clue.interview.stay.person_id, changed=clue)


def compare_list(*, station, source, file_name, data, columns, by):
    """Read another department's list, match it against the station's files (tracing.comparison) and keep
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
    staff = dict(Stay.objects.filter(person__in=[h["person"] for h in hits], state__in=(StayState.RECEPTION, StayState.IN_CARE))
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

