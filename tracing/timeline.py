"""Tracing on the person's timeline (shelter.timeline.SOURCES, filled in TracingConfig.ready()): cases,
identity queries, publications, the DNA referral and the household registration; interviews and the clues accepted."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shelter.models import StateLog
from shelter.timeline import Event

from .models import (
    CaseState,
    Clue,
    ClueState,
    HouseholdApplication,
    Interview,
    Publication,
    PublicationState,
    QuickQuery,
    TracingCase,
)


def tracing_events(person):
    cases = list(TracingCase.objects.filter(stay__person=person).select_related("dna_referral"))
    if not cases:
        return
    for case in cases:
        yield Event(case.opened_at, "tracing", _("Tracing case opened"),
                    _("Notice due %(notice)s; DNA referral due %(dna)s") % {
                        "notice": _local(case.notice_due_at), "dna": _local(case.dna_due_at)})
        referral = getattr(case, "dna_referral", None)
        if referral:
            yield Event(referral.sent_at, "tracing", _("DNA request sent to %(unit)s") % {"unit": referral.police_unit},
                        referral.reference_no, referral.entered_by, referral.entered_at, referral.late)
            if referral.received_at:
                yield Event(referral.received_at, "tracing", _("DNA request received by the police"), referral.received_by)
            if referral.sampled_at:
                yield Event(referral.sampled_at, "tracing", _("DNA sample taken"),
                            f"{referral.sampled_by} · {referral.get_database_display()}")
            if referral.result_at:
                yield Event(referral.result_at, "tracing", _("DNA result: %(result)s") % {
                    "result": referral.get_result_display()}, referral.result_notes)
    ids = [c.pk for c in cases]
    for q in QuickQuery.objects.filter(case__in=ids).select_related("entered_by"):
        yield Event(q.made_at, "tracing", _("Identity query: %(kind)s, %(result)s") % {
            "kind": q.get_kind_display(), "result": q.get_result_display()}, q.details, q.entered_by, q.entered_at, q.late)
    publications = list(Publication.objects.filter(case__in=ids).select_related("entered_by"))
    for p in publications:
        yield Event(p.published_at, "tracing", _("Notice published: %(channel)s") % {"channel": p.get_channel_display()},
                    p.reference or p.url, p.entered_by, p.entered_at, p.late)
    for a in HouseholdApplication.objects.filter(case__in=ids).select_related("entered_by"):
        yield Event(a.applied_at, "tracing", _("Household registration applied for to %(to)s: %(outcome)s") % {
            "to": a.applied_to, "outcome": a.get_outcome_display()}, a.reference, a.entered_by, a.entered_at, a.late)
        if a.outcome_at:
            yield Event(a.outcome_at, "tracing", _("Household registration: %(outcome)s") % {
                "outcome": a.get_outcome_display()}, a.notes, a.outcome_by, a.outcome_entered_at)
    states = dict(PublicationState.choices)
    for log in _logs(Publication, [p.pk for p in publications]):
        yield Event(log.at, "tracing", _("Notice %(state)s: %(channel)s") % {
            "state": states.get(log.state, log.state), "channel": _channel(publications, log.object_id)}, log.reason_text, log.by)
    # Publishing, queries and DNA steps show above with their own times; the ends of a case show here.
    case_states = dict(CaseState.choices)
    for log in _logs(TracingCase, ids).filter(state__in=[CaseState.FAMILY_FOUND, CaseState.CLOSED]):
        yield Event(log.at, "tracing", _("Tracing case: %(state)s") % {"state": case_states[log.state]}, log.reason_text, log.by)


def _logs(model, ids):
    return StateLog.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids).select_related("by")


def _channel(publications, pk):
    return next((p.get_channel_display() for p in publications if p.pk == pk), "")


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def interview_events(person):
    """Interviews (with the number of clues found) and the clues staff accepted, with their sentence."""
    for i in Interview.objects.filter(stay__person=person).select_related("entered_by"):
        yield Event(i.held_at, "tracing", _("Interview by %(who)s: %(n)s clue(s) found") % {
            "who": i.interviewer, "n": i.clues.count()}, i.conclusion, i.entered_by, i.entered_at)
    accepted = Clue.objects.filter(interview__stay__person=person, state=ClueState.ACCEPTED).select_related("decided_by")
    for c in accepted:
        yield Event(c.decided_at, "tracing", _("Clue accepted: %(kind)s %(value)s") % {
            "kind": c.get_kind_display(), "value": c.normalised or c.value}, c.sentence, c.decided_by)


SOURCES = [tracing_events, interview_events]
