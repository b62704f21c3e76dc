from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def portraits_of(person):
    """The person's portraits, main first then newest, with who took them (one query)."""
    return list(person.portraits.select_related("taken_by"))


@register.simple_tag
def portraits_pending(portraits):
    """Whether one of these portraits waits for its encoding (the list then asks again by itself)."""
    return any(p.encoding_pending for p in portraits)


@register.simple_tag
def poll_seconds():
    """How often a list waiting for an encoding asks again."""
    return settings.SEARCH_POLL_SECONDS
