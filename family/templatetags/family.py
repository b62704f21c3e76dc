"""The family panel on the person's file: duplicate-file warnings and family reports about the person
(shelter.timeline.PANELS includes family/_family_panel.html)."""

from django import template

from ..selectors import family_panel as panel

register = template.Library()


@register.inclusion_tag("family/_family_panel_body.html", takes_context=True)
def family_panel(context):
    user, person = context["user"], context["person"]
    warnings, candidates = panel(person, user)
    return {"person": person, "user": user, "perms": context.get("perms"), "warnings": warnings,
            "candidates": candidates, "request": context.get("request")}
