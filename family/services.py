"""Writes of family finding that span several models, and the work they queue. Keyword-only arguments
and no request: views, tasks, receivers, the demo data and the tests call the same functions. The rules
stay on the models (transitions, querysets); the searches themselves are family.finding, run by the
tasks."""

from django.db import models, transaction
from django.utils import timezone

from face.quality import check_portrait
from lib import workflow
from lib.errors import Refusal
from lib.messages import Said
from lib.queue import after_commit
from shelter.models import CheckState, Decision, DepartureKind, Person, checks_of
from shelter.services import confirm_identity, correct_file, decide, reopen_unless_agreed, request_check
from tracing import services as tracing_services
from tracing.models import QueryKind, QueryResult, QuickQuery, TracingCase

from . import finding
from .models import (
    Candidate,
    CandidateState,
    DuplicateState,
    FamilyReport,
    FoundBy,
    PossibleDuplicate,
    ReportPhoto,
    ReportState,
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


def register_report(*, report, photos=(), by, origin=None, station=None, taken_year=None, age_in_photo=None):
    """Save a new family report taken by `by` for their station, with its checked photos ([(bytes,
    QualityReport)], see check_photo), and search once the transaction has committed. The form's
    one-time token (report.submit_token) is unique in the database: a second click at the same moment
    fails with IntegrityError, and the caller shows the report already registered. A report filed by a
    partner system (exchange.services.file_report) has no `by`, and names its `station`."""
    with transaction.atomic():
        report.station_id = station.pk if station is not None else by.station_id
        report.taken_by = by
        # The token's uniqueness is the database's to check: two clicks at once both pass a query.
        report.full_clean(exclude=["state", "station", "submit_token"])
        report.save()
        add_report_photos(report=report, photos=photos, by=by, origin=origin, taken_year=taken_year,
                          age_in_photo=age_in_photo)
    return report


def add_report_photos(*, report, photos, by, origin=None, taken_year=None, age_in_photo=None):
    """Add checked photos to a report, with the year they were taken or the person's age in them when
    the family says (old photos weigh less, family.finding.face_weight); the search runs again with them
    once committed."""
    with transaction.atomic():
        added = [ReportPhoto.add(report, data, quality, by, taken_year=taken_year, age_in_photo=age_in_photo)
                 for data, quality in photos]
        request_search(report=report, by=by, origin=origin)
    return added


def request_search(*, report, by=None, origin=None):
    """Encode the photos and search, in the Celery task, once the transaction has committed. The request
    is recorded on the report first: with the queue down the catch-up (family.tasks.catch_up_searches)
    runs it, for the same person. `origin` (lib.http.origin): the request's address and page, for the
    audit record of the face searches."""
    report.search_requested_at, report.search_requested_by = timezone.now(), by
    FamilyReport.objects.filter(pk=report.pk).update(search_requested_at=report.search_requested_at,
                                                     search_requested_by=by)
    after_commit(search_report, report.pk, by.pk if by else None, origin)


def registered_apart(*, person, duplicates, by):
    """The intake went ahead after the warning: these pairs were judged different people (the desk's
    own judgement, made on the intake page), so they are not raised again; each judgement awaits a
    second pair of eyes (shelter.services.request_check; duplicate_checked opens it again if not agreed)."""
    for duplicate in duplicates:
        warning = PossibleDuplicate.record(person, duplicate.person, FoundBy.INTAKE)
        if warning.state == DuplicateState.OPEN:
            warning.dismiss(by=by, reason=Said("registered_apart"))
            warning.save()
            request_check(decision=Decision.DUPLICATE_DISMISSED, target=warning, station=person.station,
                          entered_by=by, params={"at": "intake"})


def follow_merge(*, merged, survivor, by):
    """What family finding keeps per person follows the surviving file, inside the merge's transaction.

    Candidates: the surviving file takes the merged file's, except for a report that already has the
    surviving file as candidate (that row, reviewed or not, stays as it was). Confirmed reports point
    at the surviving file. Warnings about the two files: theirs is "merged", the others move unless the
    surviving file already has one with the same file.
    """
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


def rerank_candidates(*, clue):
    """A clue accepted or dismissed: the proposed candidates of that person are ranked again by what
    their accepted clues now say (family.finding.rerank). Done at once, in the step's transaction: a
    person is a candidate for a few reports, and each is rescored without a search."""
    return finding.rerank(clue.interview.stay.person_id, changed=clue)


# --- Judging a match ------------------------------------------------------------------------------


@transaction.atomic
def confirm_candidate(*, candidate, by, reason, channel="", facts=(), awaiting=False):
    """The family's missing relative is this resident (Candidate.confirm: the review). The report is
    confirmed and linked to the person and stay (FamilyReport.confirm_match), the stay's open tracing case
    moves to "family found" (tracing's service, with the reviewer's permission on the case; the channel as
    chosen, else a face match when the face brought the candidate, a family report otherwise) and the
    staff in charge are told. One transaction: refused anywhere, nothing changes. Returns the candidate.

    A second pair of eyes: not by the one who took the report (shelter.services.decide; `awaiting` records
    it as awaiting a second check). Found means named: the report's `facts` chosen (Candidate.FACTS) are
    copied onto the file, and the family's confirmation is recorded as the basis of the identity (a
    quick query of the case), confirmed at once when someone other than the report's taker confirmed the
    match, else once someone else has checked it."""
    report = candidate.report
    pending = decide(decision=Decision.MATCH_CONFIRMED, target=candidate, station=candidate.person.station,
                     entered_by=report.taken_by, by=by, awaiting=awaiting, note=reason)
    workflow.apply(candidate, "confirm", by, reason=reason)
    report = FamilyReport.objects.select_for_update().get(pk=candidate.report_id)
    report.confirm_match(candidate, by=by, reason=reason)
    report.save()
    candidate.report = report
    before = name_the_file(candidate=candidate, facts=facts)
    case = getattr(candidate.stay, "tracing_case", None) if candidate.stay else None
    query = None
    if case is not None and case.is_open:
        query = QuickQuery(kind=QueryKind.FAMILY, result=QueryResult.CONFIRMED, made_at=timezone.now(),
                           reference=report.reference,
                           details=f"{report.reporter_relation} {report.reporter_name}".strip()[:300])
        tracing_services.record_query(case=case, query=query, by=by, checked=pending is None)
        tracing_services.find_family(case=TracingCase.objects.get(pk=case.pk), by=by,
                                     channel=channel or candidate.default_channel(),
                                     reason=Said("candidate_confirmed", ref=report.reference, reason=str(reason)))
    elif candidate.stay is not None and pending is None:
        confirm_identity(stay=candidate.stay)
    if pending is not None:
        # What a second check that disagrees undoes (match_checked): the file's facts as they were and as
        # the match wrote them, the case it closed as "family found", the family's confirmation recorded.
        pending.params = {**pending.params, "file": stored_facts(candidate.person, before),
                          "case": case.pk if query is not None else None,
                          "query": query.pk if query is not None else None}
        pending.save(update_fields=["params"])
    candidate.notify_confirmed(by)
    return candidate


def stored_facts(person, before):
    """{field: [value before, value written]} of the facts a match copied onto the file, as JSON."""
    def stored(value):
        return value.isoformat() if hasattr(value, "isoformat") else value

    return {field: [stored(old), stored(getattr(person, field))] for field, old in before.items()}


@transaction.atomic
def match_checked(*, check, agreed, by):
    """The second check of a match confirmed by the report's own taker (shelter.hooks.SECOND_CHECK_FOLLOWS).

    Agreed: the match stands, and the family's confirmation it recorded counts as the identity's basis
    checked by the same second person (its own identity check, still awaited, is agreed with it).
    Not agreed, while the match still holds: what the match did is undone, each step a transition with the
    checker's reason in its log: the report is no longer confirmed nor linked (FamilyReport.undo_match),
    the candidate proposed again for someone else to judge (Candidate.undo_confirmation), the case it
    closed as "family found" open again (tracing.services.reopen_case), the family's confirmation no
    longer the identity's basis (tracing.services.basis_checked), the facts copied onto the file put back
    unless corrected since (restore_file), and the staff in charge told. What was put back and what was
    left is kept on the check (params["undone"]) for the file's history. Returns the candidate."""
    candidate = check.target
    if candidate is None:
        return None
    params = check.params or {}
    query = QuickQuery.objects.filter(pk=params["query"]).first() if params.get("query") else None
    if agreed:
        if query is not None:
            tracing_services.basis_checked(query=query, agreed=True, by=by, reason=check.check_reason)
        return candidate
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    report = FamilyReport.objects.select_for_update().get(pk=candidate.report_id)
    if (candidate.state != CandidateState.CONFIRMED or report.state != ReportState.CONFIRMED
            or report.matched_person_id != candidate.person_id):
        return candidate  # judged again, reunited or closed since: nothing left to undo
    reason = check.check_reason
    workflow.apply(report, "undo_match", by, reason=reason)
    candidate.report = report
    workflow.apply(candidate, "undo_confirmation", by, reason=reason)
    if params.get("case"):
        tracing_services.reopen_case(case=TracingCase.objects.get(pk=params["case"]), by=by, reason=reason)
    identity_kept = False
    if query is not None:
        tracing_services.basis_checked(query=query, agreed=False, by=by, reason=reason)
        # Checked already by someone else on this basis: the identity stays confirmed, and the staff are told.
        identity_kept = checks_of(query, Decision.IDENTITY_CONFIRMED).filter(state=CheckState.CHECKED).exists()
    restored, kept = restore_file(candidate=candidate, stored=params.get("file") or {})
    check.params = {**params, "undone": {"restored": restored, "kept": kept, "identity_kept": identity_kept}}
    check.save(update_fields=["params"])
    candidate.notify_undone(check, restored, kept, identity_kept)
    return candidate


def restore_file(*, candidate, stored):
    """The facts a match copied onto the file (`stored`, see stored_facts) put back to what they were,
    each unless the file was corrected since (it no longer holds what the match wrote): that one is left.
    Saved as a correction is (shelter.services.correct_file). Returns ([fields put back], [fields left])."""
    person = Person.objects.get(pk=candidate.person_id)
    restored, kept = [], []
    # In the order of Candidate.FACTS: a JSON object read back from PostgreSQL (jsonb) has lost its order.
    for field in [f for f, _source in Candidate.FACTS if f in stored]:
        old, written = stored[field]
        model_field = Person._meta.get_field(field)
        if getattr(person, field) != model_field.to_python(written):
            kept.append(field)
            continue
        setattr(person, field, model_field.to_python(old))
        restored.append(field)
    if restored:
        correct_file(person=person)
    candidate.person = person
    return restored, kept


def name_the_file(*, candidate, facts):
    """The report's facts chosen (`facts`: file field names of Candidate.FACTS) copied onto the resident's
    file, checked as a correction is (shelter.services.correct_file). Returns {field: old value}."""
    person = Person.objects.get(pk=candidate.person_id)
    candidate.person = person
    before = candidate.copy_facts(set(facts))
    if before:
        correct_file(person=person)
    return before


@transaction.atomic
def reject_candidate(*, candidate, by, reason):
    """Not the person (Candidate.reject): the pair is never proposed again. When no candidate is left to
    review, the report is open again (FamilyReport.reopen: the search goes on). Returns the candidate."""
    workflow.apply(candidate, "reject", by, reason=reason)
    report = FamilyReport.objects.select_for_update().get(pk=candidate.report_id)
    others = report.candidates.proposed().exclude(pk=candidate.pk)
    if report.state == ReportState.CANDIDATE_FOUND and not others.exists():
        report.reopen(by=by, reason=reason)
        report.save()
    candidate.report = report
    return candidate


def dismiss_duplicate(*, warning, by, reason, awaiting=False):
    """Two files are different people (PossibleDuplicate.dismiss, with the reason). A second pair of eyes:
    not by the one who registered the newer file (shelter.services.decide), unless recorded as awaiting
    a second check."""
    decide(decision=Decision.DUPLICATE_DISMISSED, target=warning, station=warning.person.station,
           entered_by=warning.person.created_by, by=by, awaiting=awaiting, note=reason)
    return workflow.apply(warning, "dismiss", by, reason=reason)


def duplicate_checked(*, check, agreed, by):
    """The second check of a warning dismissed by the one who registered the file (at the intake, going
    ahead after the warning): not agreed, the warning is open again, to be judged or the files merged."""
    return reopen_unless_agreed(check=check, agreed=agreed, by=by,
                                still_decided=lambda warning: warning.state == DuplicateState.DISMISSED)


def close_report(*, report, step, by, reason=""):
    """The family report's own end: the reunion recorded ("reunite") or the report closed ("close",
    with a reason): FamilyReport's transitions hold the rule."""
    if step not in ("reunite", "close"):
        raise ValueError(step)
    return workflow.apply(report, step, by, reason=reason)


def reunite_on_departure(*, stay, departure, by=None):
    """A departure with the family: the family reports confirmed for that stay are reunited (a system
    step on each report). `departure` is the step's record, checked (saved just after by
    shelter.services.depart_stay)."""
    if departure.kind != DepartureKind.FAMILY:
        return []
    reports = list(FamilyReport.objects.filter(matched_stay=stay, state=ReportState.CONFIRMED))
    for report in reports:
        report.reunite(by=by, reason=Said("departed_with_family"), at=departure.departed_at)
        report.save()
    return reports


def reencode_photos():
    """Encode every report photo that was encoded before with the encoder the searches now use
    (face.reencoding.swap sends encoder_switched). Returns how many."""
    done = 0
    for photo in ReportPhoto.objects.filter(encoded_at__isnull=False).iterator(chunk_size=100):
        finding.encode_photo(photo)
        done += 1
    return done
