"""The tracing panel on the person's file (shelter.timeline.PANELS includes tracing/_panel.html)."""

from django import template

from ..hooks import NOTICE_LINKS
from ..selectors import cases_of

register = template.Library()


@register.inclusion_tag("tracing/_case_panel.html", takes_context=True)
def tracing_panel(context):
    """The person's tracing cases, newest first: deadlines and one-click steps of the open ones."""
    user, person = context["user"], context["person"]
    if not user.has_perm("tracing.view_tracingcase"):
        return {"cases": []}
    return {"cases": cases_of(person, user), "user": user, "perms": context.get("perms")}


@register.simple_tag
def notice_links(case, user):
    """[(label, url)] the apps above offer beside the notice (tracing.hooks.NOTICE_LINKS)."""
    return [link for links in NOTICE_LINKS for link in links(case, user)]
