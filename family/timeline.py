"""Family reports on the person's timeline (shelter.timeline.SOURCES, filled in FamilyConfig.ready()):
the reports judged against the file."""

from django.utils.translation import gettext_lazy as _

from shelter.timeline import Event

from .models import Candidate, CandidateState


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


SOURCES = [family_events]
