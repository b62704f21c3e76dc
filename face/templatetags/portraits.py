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


@register.simple_tag
def shown_portraits(portraits):
    """The file's list (issue 25): the main and accepted portraits; the failed shots, folded into one line;
    those a supervisor hid, only counted (kept in the file and its history)."""
    kept = [p for p in portraits if p.is_main or p.accepted]
    failed = [p for p in portraits if not (p.is_main or p.accepted) and p.hidden_at is None]
    hidden = [p for p in portraits if not (p.is_main or p.accepted) and p.hidden_at is not None]
    return {"kept": kept, "failed": failed, "hidden": hidden}
