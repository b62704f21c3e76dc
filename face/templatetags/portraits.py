from django import template

register = template.Library()


@register.simple_tag
def portraits_of(person):
    """The person's portraits, main first then newest, with who took them (one query)."""
    return list(person.portraits.select_related("taken_by"))
