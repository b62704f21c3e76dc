"""The tracing panel on the person's file (shelter.timeline.PANELS includes tracing/_panel.html)."""

from django import template

from ..models import TracingCase

register = template.Library()


@register.inclusion_tag("tracing/_case_panel.html", takes_context=True)
def tracing_panel(context):
    """The person's tracing cases, newest first: deadlines and one-click steps of the open ones."""
    from ..views import available_actions

    user, person = context["user"], context["person"]
    if not user.has_perm("tracing.view_tracingcase"):
        return {"cases": []}
    cases = list(TracingCase.objects.filter(stay__person=person).select_related("stay", "station"))
    for case in cases:
        if case.is_open:
            case.deadline_rows = case.deadlines()
            case.actions = available_actions(case, user)
    return {"cases": cases, "user": user, "perms": context.get("perms")}
