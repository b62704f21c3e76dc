"""The family panel on the person's file: duplicate-file warnings and family reports about the person
(shelter.timeline.PANELS includes tracing/_family_panel.html)."""

from django import template

from ..candidates import Candidate, CandidateState
from ..duplicates import warnings_for
from ..reports import SEARCHING_STATES, ReportState

register = template.Library()


@register.inclusion_tag("tracing/_family_panel_body.html", takes_context=True)
def family_panel(context):
    user, person = context["user"], context["person"]
    warnings = []
    for warning in warnings_for(person):
        other = warning.other_side(person)
        warnings.append({"warning": warning, "other": other, "own": other.station_id == person.station_id,
                         "last_stay": other.current_stay})
    candidates = []
    if user.has_perm("tracing.view_familyreport"):
        candidates = list(
            Candidate.objects.filter(person=person, report__state__in=[*SEARCHING_STATES, ReportState.CONFIRMED])
            .exclude(state=CandidateState.REJECTED).select_related("report__station").order_by("-score")
        )
    return {"person": person, "user": user, "perms": context.get("perms"), "warnings": warnings,
            "candidates": candidates, "request": context.get("request")}
