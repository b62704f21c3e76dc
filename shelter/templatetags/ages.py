"""{{ person.age_range|ages }}: "41", "60–70", or "" when the age is unknown (lib.dates.ages)."""

from django import template

from lib import dates

register = template.Library()


@register.filter
def ages(age_range):
    """A (youngest, oldest) pair, as Person.age_range and FamilyReport.age_range give it."""
    youngest, oldest = age_range if age_range else (None, None)
    return dates.ages(youngest, oldest)
