"""The person's timeline: portraits taken (with their verdict) and main portraits chosen.

The shots of one visit of the capture page (Portrait.session) are one line: "3 attempts, accepted at the
4th". Every attempt is still kept in the file (and audited when it was taken); the line only keeps the
timeline readable when it took a few tries to get a usable portrait."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shelter.timeline import Event


def portrait_events(person):
    portraits = list(person.portraits.select_related("taken_by", "made_main_by", "override_by").order_by("taken_at"))
    visits = {}
    for p in portraits:
        if p.session:
            visits.setdefault(p.session, []).append(p)
    for p in portraits:
        attempts = visits.get(p.session, [p]) if p.session else [p]
        if p is attempts[0]:
            yield attempts_event(attempts)
        if p.made_main_at:
            if p.override_by_id:
                yield Event(p.made_main_at, "portrait", _("Failed portrait made the main one (quality check overridden)"),
                            p.override_reason, p.made_main_by)
            else:
                yield Event(p.made_main_at, "portrait", _("Main portrait chosen"), "", p.made_main_by)


def attempts_event(attempts):
    """One line for the shots of one capture visit (or for one portrait taken another way)."""
    first = attempts[0]
    source = first.get_source_display()
    if len(attempts) == 1:
        if first.accepted:
            title = _("Portrait taken (%(source)s): accepted") % {"source": source}
        else:
            title = _("Portrait taken (%(source)s): failed the quality check") % {"source": source}
        return Event(first.taken_at, "portrait", title, "; ".join(first.reason_messages), first.taken_by)
    accepted = next((n for n, p in enumerate(attempts, 1) if p.accepted), None)
    failed = [p for p in attempts if not p.accepted]
    if accepted == 1:  # then retaken anyway (a better one wanted)
        title = _("Portrait taken (%(source)s): accepted, %(count)s shots in all") % {
            "source": source, "count": len(attempts)}
        last = first
    elif accepted:
        title = ngettext(
            "Portrait taken (%(source)s): %(failed)s failed attempt, accepted at attempt %(n)s",
            "Portrait taken (%(source)s): %(failed)s failed attempts, accepted at attempt %(n)s",
            accepted - 1,
        ) % {"source": source, "failed": accepted - 1, "n": accepted}
        last = attempts[accepted - 1]
    else:
        title = _("Portrait taken (%(source)s): %(count)s attempts, none passed the quality check") % {
            "source": source, "count": len(attempts)}
        last = attempts[-1]
    # What went wrong, each message once, in the order it first came.
    seen = []
    for p in failed:
        for message in p.reason_messages:
            if message not in seen:
                seen.append(message)
    return Event(last.taken_at, "portrait", title, "; ".join(seen), last.taken_by)
