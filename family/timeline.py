"""Family reports on the person's timeline (shelter.timeline.SOURCES, filled in FamilyConfig.ready()):
the reports judged against the file."""

from django.utils.translation import gettext_lazy as _

from shelter.models import CheckState, Decision, SecondCheck, target_key
from shelter.timeline import Event

from .models import Candidate, CandidateState, sentences, undone_lines


def family_events(person):
    """Family reports judged against this file: confirmed (the family found) or rejected."""
    reviewed = Candidate.objects.filter(person=person).exclude(state=CandidateState.PROPOSED)
    for c in reviewed.select_related("report__station", "reviewed_by"):
        values = {"ref": c.report.reference, "station": c.report.station.name}
        if c.state == CandidateState.CONFIRMED:
            title = _("Confirmed as the relative sought by family report %(ref)s (%(station)s)") % values
        else:
            title = _("Not the relative sought by family report %(ref)s (%(station)s)") % values
        yield Event(c.reviewed_at, "tracing", title, c.review_reason, c.reviewed_by)
    yield from undone_matches(person)


def undone_matches(person):
    """Matches confirmed by the report's taker that the second check did not agree with (family.services
    .match_checked): the checker's reason, and what was put back on the file or left as corrected since."""
    candidates = {c.pk: c for c in Candidate.objects.filter(person=person).select_related("report__station")}
    if not candidates:
        return
    key = target_key(next(iter(candidates.values())))
    checks = SecondCheck.objects.filter(decision=Decision.MATCH_CONFIRMED, state=CheckState.REJECTED,
                                        content_type=key["content_type"], object_id__in=candidates,
                                        params__has_key="undone")
    for check in checks.select_related("checked_by"):
        report = candidates[check.object_id].report
        title = _("Match with family report %(ref)s (%(station)s) undone: the second check did not agree") % {
            "ref": report.reference, "station": report.station.name}
        detail = " · ".join(v for v in (check.check_reason, sentences(undone_lines(check.params["undone"]))) if v)
        yield Event(check.checked_at, "tracing", title, detail, check.checked_by)


SOURCES = [family_events]
