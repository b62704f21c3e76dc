"""Steps and records of a tracing case. Each step's service wraps lib.workflow.apply (the transition
checks the case's state, the record it is given, and sets the case's fields) and makes the writes that
follow for other rows: the step's record saved (the query, the publication, the DNA referral), the
stay's identity confirmed, the notices taken down when the case closes, the case's deadlines when a
notice is refreshed or withdrawn."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import idcard, workflow
from lib.messages import Said
from shelter.models import Decision, Sex
from shelter.services import (
    awaited,
    confirm_identity,
    correct_file,
    decide,
    record_check,
    reopen_unless_agreed,
    request_check,
)

from ..models import CaseState, CloseCause, Deadline, PublicationState, QueryKind, QueryResult, QuickQuery, TracingCase


def take_down_notices(*, case, at, by=None, reason=""):
    """A closing case's notices are withdrawn everywhere they are still out (each publication's own
    step, logged with the reason; the case's deadlines are not recounted: it is closed)."""
    reason = reason or Said("close_cause", cause=str(case.close_cause))
    for publication in case.publications.exclude(state=PublicationState.WITHDRAWN):
        publication.withdraw(at=at, by=by, reason=reason)
        publication.save()


@transaction.atomic
def record_query(*, case, query, by, reason="", checked=False):
    """A quick identity query (TracingCase.record_query): saved. One that confirms who the person is (on
    its basis and reference) awaits a second pair of eyes (shelter.services.request_check): until someone
    else checks it the person counts as unidentified for every clock; checked, identity_checked confirms
    the stay's identity and closes the case. `checked`: a second person already took part (a family
    report's match confirmed by someone other than its taker): the stay's identity is confirmed at once,
    the case left to the caller. Returns the case's state."""
    state = workflow.apply(case, "record_query", by, query=query, reason=reason)
    query.save()
    if query.confirms_identity and checked:
        confirm_identity(stay=case.stay)
    elif query.confirms_identity:
        request_check(decision=Decision.IDENTITY_CONFIRMED, target=query, station=case.station, entered_by=by,
                      note=query.reference)  # the kind is the target's, said in the reader's language
    return state


@transaction.atomic
def identity_checked(*, check, agreed, by):
    """The second check of an identity confirmed by a quick query (shelter.hooks.SECOND_CHECK_FOLLOWS):
    agreed, the stay's identity is confirmed (its reviews for the unidentified are no longer owed), the
    case closes and its notices are taken down; not agreed, the person stays unidentified."""
    query = check.target
    if not agreed or query is None:
        return None
    case = TracingCase.objects.get(pk=query.case_id)
    confirm_identity(stay=case.stay)
    name_from_query(query=query, person=case.stay.person)
    if case.is_open:
        close_case(case=case, by=by, cause=CloseCause.IDENTITY_CONFIRMED, at=query.made_at, system=True,
                   reason=Said("close_cause", cause=CloseCause.IDENTITY_CONFIRMED))
    return case


@transaction.atomic
def publish_notice(*, case, publication, by, reason=""):
    """A notice published on one channel (TracingCase.publish_notice): saved. Returns the case's state."""
    state = workflow.apply(case, "publish_notice", by, publication=publication, reason=reason)
    publication.save()
    return state


@transaction.atomic
def refer_dna(*, case, referral, by, reason=""):
    """The DNA request sent to the police (TracingCase.refer_dna): saved. Returns the referral."""
    workflow.apply(case, "refer_dna", by, referral=referral, reason=reason)
    referral.save()
    return referral


@transaction.atomic
def record_sample(*, case, by, sampled_at, sampled_by, database, reason=""):
    """The police took the DNA sample (TracingCase.record_sample): recorded on the referral."""
    workflow.apply(case, "record_sample", by, sampled_at=sampled_at, sampled_by=sampled_by, database=database,
                   reason=reason)
    case.dna_referral.save()
    return case.dna_referral


@transaction.atomic
def apply_household(*, case, application, by, reason=""):
    """The household registration applied for (TracingCase.apply_household): saved. Returns it."""
    workflow.apply(case, "apply_household", by, application=application, reason=reason)
    application.save()
    return application


def settle_household(*, case, by, outcome, outcome_at):
    """The answer to the case's household registration application awaiting one (HouseholdApplication
    .settle holds the rule: once). ValidationError when refused, or when none awaits an answer."""
    application = case.awaiting_household_application()
    if application is None:
        raise ValidationError(_("No household registration application awaits an answer."))
    application.settle(outcome, outcome_at, by)
    return application


@transaction.atomic
def record_result(*, case, by, result, result_at, result_notes="", reason=""):
    """The DNA comparison's result (TracingCase.record_result): recorded on the referral."""
    workflow.apply(case, "record_result", by, result=result, result_at=result_at, result_notes=result_notes,
                   reason=reason)
    case.dna_referral.save()
    return case.dna_referral


def _take_step(case, name, by, system, **values):
    """A transition of the case: taken by a person through lib.workflow.apply (their permission, the
    state, a refusal they read), or by the system (`system`: a confirmed candidate, a departure with the
    family, an identity confirmed elsewhere) on the transition's own rule without the person's permission."""
    if system:
        getattr(case, name)(by=by, **values)
        case.save()
    else:
        workflow.apply(case, name, by, **values)


@transaction.atomic
def find_family(*, case, by, channel, reason="", at=None, system=False):
    """The family was found (TracingCase.find_family): the case closes and its notices are taken down.
    `system`: a step the system takes (a confirmed candidate, a departure with the family), run without
    the user's permission on the case; a step a person takes goes through lib.workflow.apply."""
    _take_step(case, "find_family", by, system, reason=reason, at=at, channel=channel)
    take_down_notices(case=case, at=case.closed_at, by=by, reason=reason)
    return case


@transaction.atomic
def close_case(*, case, by, cause=CloseCause.OTHER, reason="", at=None, system=False):
    """The case closes (TracingCase.close) and its notices are taken down. `system` as for find_family
    (the identity confirmed outside tracing, e.g. in the admin). Closed by a person without the family
    found, it awaits a second pair of eyes (shelter.services.request_check): it takes effect, and a
    second check that disagrees opens it again (case_close_checked)."""
    _take_step(case, "close", by, system, cause=cause, reason=reason, at=at)
    take_down_notices(case=case, at=case.closed_at, by=by, reason=reason)
    if not system and cause != CloseCause.FAMILY_FOUND:
        request_check(decision=Decision.CASE_CLOSED, target=case, station=case.station, entered_by=by,
                      note=str(reason), params={"cause": str(cause)})
    return case


@transaction.atomic
def case_close_checked(*, check, agreed, by):
    """The second check of a case closed without the family found: agreed, it stays closed; not agreed,
    it is open again (TracingCase.reopen, with the checker's reason): its deadlines run again and its
    notice is to be published again."""
    return reopen_unless_agreed(check=check, agreed=agreed, by=by, still_decided=lambda case: not case.is_open)


@transaction.atomic
def reopen_case(*, case, by, reason):
    """A case closed as "family found" on a family report's match that a second check did not agree with
    (family.services.match_checked): open again (TracingCase.reopen, the checker's reason in its log), its
    deadlines running; its notices, taken down at the closing, are to be published again. Returns the case,
    or None when it is no longer closed as found (opened again, or closed for another reason since)."""
    case = TracingCase.objects.select_for_update().get(pk=case.pk)
    if case.state != CaseState.FAMILY_FOUND:
        return None
    workflow.apply(case, "reopen", by, reason=reason)
    return case


def basis_checked(*, query, agreed, by, reason=""):
    """The second check of a decision that rested on this quick query (a family report's match whose
    family confirmation is the query) counts for the query's own identity check, still awaited: agreed,
    the identity is confirmed (identity_checked); not agreed, the query is no longer a basis of the
    identity (its check not agreed, with the reason). Returns the identity's check, or None when it was
    judged already."""
    check = awaited(decision=Decision.IDENTITY_CONFIRMED, target=query)
    if check is not None:
        record_check(check=check, by=by, agreed=agreed, reason=reason)
    return check


def name_from_query(*, query, person):
    """Found means named: the name a checked query confirmed, and the number of the ID card seen (when the
    file has none and the sex agrees), go onto the file (shelter.services.correct_file)."""
    changed = False
    if query.name and query.name != person.name:
        person.name, changed = query.name, True
    if query.kind == QueryKind.ID_CARD and not person.id_number and query.reference:
        if person.sex in (Sex.UNKNOWN, idcard.sex(query.reference)):
            person.id_number, changed = query.reference, True
            person.sex = idcard.sex(query.reference)
    if changed:
        correct_file(person=person)
    return changed


def record_intake_identity(*, stay, by, basis):
    """The desk said the identity was confirmed, on this basis ({"kind", "reference"}): recorded as the
    case's quick query, awaiting its second check (record_query); the stay is self-reported until then."""
    case = TracingCase.objects.filter(stay=stay, closed_at__isnull=True).first()
    if case is None:
        return None
    at = stay.entered_at or timezone.now()  # made at the desk, when the arrival was entered
    query = QuickQuery(kind=basis["kind"], result=QueryResult.CONFIRMED, reference=basis["reference"],
                       made_at=at, entered_at=at)
    record_query(case=case, query=query, by=by)
    return query


@transaction.atomic
def refresh_notice(*, publication, by, at, reason=""):
    """The notice refreshed on one channel (Publication.update): the case's monthly refresh starts again."""
    workflow.apply(publication, "update", by, at=at, reason=reason)
    publication.case.restart_refresh(at)
    return publication


@transaction.atomic
def withdraw_notice(*, publication, by, at, reason=""):
    """The notice taken down on one channel (Publication.withdraw): on a case still open it no longer meets
    the notice deadline nor runs the refresh month (TracingCase.recount_notice)."""
    workflow.apply(publication, "withdraw", by, at=at, reason=reason)
    publication.case.recount_notice(without=publication)
    return publication


def allow_without_portrait(*, case, by, reason):
    """A supervisor records why the notice goes out without a main portrait (TracingCase
    .allow_without_portrait holds the rule). ValidationError when refused."""
    case.allow_without_portrait(by, reason)
    return case


def record_dna_receipt(*, case, received_at, received_by):
    """The police acknowledged the DNA request (DnaReferral.mark_received holds the rule: once, on an
    open case). ValidationError when refused, or when there is no request yet."""
    referral = getattr(case, "dna_referral", None)
    if referral is None:
        raise ValidationError(_("There is no DNA request yet."))
    referral.mark_received(received_at, received_by)
    return referral


@transaction.atomic
def accept_stated_time(*, case, kind, by, reason, awaiting=False):
    """A deadline met only after the fact (TracingCase.met_after_the_fact: stated before it, entered after)
    counts by its stated time once someone other than the one who entered the step accepts it, with a
    reason (shelter.services.decide; `awaiting`: the night shift, awaiting a second check). Refused with
    ValidationError or SelfApprovalRefused. Returns the case."""
    if kind not in (Deadline.NOTICE, Deadline.DNA) or not case.met_after_the_fact(kind):
        raise ValidationError(_("This deadline was not met after the fact: there is no stated time to accept."))
    if case.stated_time_accepted(kind):
        raise ValidationError(_("The stated time is already accepted."))
    if not by.has_perm("shelter.second_check"):
        raise ValidationError(_("Only a supervisor may accept a stated time."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the stated time is accepted.")})
    decide(decision=Decision.STATED_TIME_ACCEPTED, target=case, station=case.station,
           entered_by=case.step_entered_by(kind), by=by, awaiting=awaiting, note=reason,
           params={"deadline": str(kind)})
    accepted = {**(case.stated_accepted or {}), str(kind): {"by": by.pk, "reason": reason[:300],
                                                            "at": timezone.now().isoformat()}}
    met = getattr(case, f"{kind}_stated_at")
    TracingCase.objects.filter(pk=case.pk).update(stated_accepted=accepted, **{f"{kind}_met_at": met})
    case.stated_accepted = accepted
    setattr(case, f"{kind}_met_at", met)
    return case


@transaction.atomic
def stated_time_checked(*, check, agreed, by):
    """The second check of a stated time accepted by the one who entered the step: not agreed, the deadline
    counts by the entry time again."""
    case = check.target
    kind = check.params.get("deadline")
    if agreed or case is None or kind not in (case.stated_accepted or {}):
        return case
    accepted = {k: v for k, v in case.stated_accepted.items() if k != kind}
    met = TracingCase.counted_at(getattr(case, f"{kind}_stated_at"), getattr(case, f"{kind}_entered_at"))
    TracingCase.objects.filter(pk=case.pk).update(stated_accepted=accepted, **{f"{kind}_met_at": met})
    return case
