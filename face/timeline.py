"""The person's timeline: portraits taken (with their verdict) and main portraits chosen."""

from django.utils.translation import gettext as _

from shelter.timeline import Event


def portrait_events(person):
    for p in person.portraits.select_related("taken_by", "made_main_by", "override_by"):
        source = p.get_source_display()
        if p.accepted:
            title = _("Portrait taken (%(source)s): accepted") % {"source": source}
        else:
            title = _("Portrait taken (%(source)s): failed the quality check") % {"source": source}
        yield Event(p.taken_at, "portrait", title, "; ".join(p.reason_messages), p.taken_by)
        if p.made_main_at:
            if p.override_by_id:
                yield Event(p.made_main_at, "portrait", _("Failed portrait made the main one (quality check overridden)"),
                            p.override_reason, p.made_main_by)
            else:
                yield Event(p.made_main_at, "portrait", _("Main portrait chosen"), "", p.made_main_by)
