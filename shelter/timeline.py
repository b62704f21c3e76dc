"""The person file as a timeline. Other apps add their own events and page panels in AppConfig.ready():

    timeline.SOURCES.append(my_events)            # my_events(person) -> iterable of Event
    timeline.PANELS.append("face/_panel.html")    # included on the person page with `person` in context
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, StateLog, Stay


@dataclass
class Event:
    at: object  # when it happened
    kind: str  # css class and icon: arrival, transition, service, departure, death, correction, ...
    title: str
    detail: str = ""
    by: object = None
    entered_at: object = None
    late: bool = False
    late_reason: str = ""


SOURCES = []
PANELS = []


def shelter_events(person):
    stays = list(person.stays.all())
    for stay in stays:
        yield Event(stay.arrived_at, "arrival", _("Arrived: found at %(place)s, brought by %(by)s") % {
            "place": stay.found_place, "by": stay.get_brought_by_display()}, stay.found_circumstances,
            stay.entered_by, stay.entered_at, stay.late, stay.late_reason)
        for s in stay.services.select_related("entered_by"):
            yield Event(s.given_at, "service", s.get_kind_display(), s.notes, s.entered_by, s.entered_at, s.late,
                        s.late_reason)
        if hasattr(stay, "departure"):
            d = stay.departure
            detail = ", ".join(str(v) for v in (d.receiver_name, d.receiver_relation, d.destination, d.ticket_no, d.notes) if v)
            counted = "; ".join(f"{b.item} × {b.quantity}: {b.counted_out_text}" for b in stay.belongings.all() if b.outcome)
            if counted:
                detail = " · ".join(v for v in (detail, str(_("belongings: %(items)s") % {"items": counted})) if v)
            yield Event(d.departed_at, "departure", _("Departed: %(kind)s") % {"kind": d.get_kind_display()}, detail,
                        d.entered_by, d.entered_at, d.late, d.late_reason)
        if hasattr(stay, "death"):
            d = stay.death
            yield Event(d.died_at, "death", _("Died at %(place)s") % {"place": d.place}, d.cause, d.entered_by,
                        d.entered_at, d.late, d.late_reason)
            yield from death_events(stay, d)
    states = dict(Stay._meta.get_field("state").flatchoices)
    logs = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Stay), object_id__in=[s.pk for s in stays]
    ).select_related("by")
    for log in logs:
        yield Event(log.at, "transition", _("%(from)s → %(to)s") % {
            "from": states.get(log.source_state, log.source_state), "to": states.get(log.state, log.state)},
            log.reason_text, log.by)
    # Only corrections of the file (AuditEvent.record_changes): a case's steps and other changes logged
    # against the person are not corrections, and said nothing after the colon (issue 25).
    for change in person.audit_events.filter(action=AuditEvent.CHANGE, detail__has_key="changes").select_related("user"):
        fields = {f.name: f.verbose_name for f in person._meta.fields}
        detail = "; ".join(f"{fields.get(k, k)}: “{old}” → “{new}”" for k, (old, new) in change.detail.get("changes", {}).items())
        yield Event(change.at, "correction", _("File corrected: %(reason)s") % {"reason": change.detail.get("reason", "")},
                    detail, change.user)


def death_events(stay, death):
    """After a death: the report's sendings up the chain, the body's steps, the belongings counted out."""
    for s in death.sendings.select_related("entered_by"):
        detail = " · ".join(v for v in (s.method, s.reference) if v)
        yield Event(s.sent_at, "death", _("Death report sent to %(office)s") % {"office": s.recipient}, detail,
                    s.entered_by, s.entered_at, s.late, s.late_reason)
    body = getattr(death, "body", None)
    if body is not None:
        yield Event(body.kept_since, "death", _("Body kept at %(place)s") % {"place": body.kept_at},
                    _("police told: %(unit)s") % {"unit": body.police_unit}, body.entered_by, body.entered_at,
                    body.late, body.late_reason)
        if body.notice_published_at:
            yield Event(body.notice_published_at, "death", _("Notice for the unidentified deceased published"),
                        body.notice_reference, None, body.notice_entered_at)
        if body.claimed_at:
            yield Event(body.claimed_at, "death", _("Body claimed by %(name)s") % {"name": body.claimant_name},
                        body.claimant_relation, body.closed_by, body.closed_entered_at)
        if body.disposed_at:
            yield Event(body.disposed_at, "death", _("Body disposed of: %(how)s") % {"how": body.disposal},
                        f"{body.approved_by} {body.approval_reference}", body.closed_by, body.closed_entered_at)
    counted = [b for b in stay.belongings.all() if b.outcome and b.counted_out_at]
    if counted:
        yield Event(max(b.counted_out_at for b in counted), "death", _("Belongings counted out"),
                    "; ".join(f"{b.item} × {b.quantity}: {b.counted_out_text}" for b in counted),
                    counted[-1].counted_out_by)


def merge_events(person):
    """Files merged into this one, and this file merged into another."""
    if person.merged_into_id:
        target = person.merged_into
        yield Event(person.merged_at, "merge", _("File merged into %(file)s") % {"file": target.file_no},
                    person.merge_reason, person.merged_by)
    for merged in person.merged_files.select_related("merged_by"):
        yield Event(merged.merged_at, "merge", _("File %(file)s merged into this file") % {"file": merged.file_no},
                    merged.merge_reason, merged.merged_by)


SOURCES.extend([shelter_events, merge_events])


def for_person(person):
    """All events of the file, newest first."""
    events = [e for source in SOURCES for e in source(person)]
    # Times typed by staff are to the minute: within a minute, the order of entry decides.
    events.sort(key=lambda e: (e.at.replace(second=0, microsecond=0), e.entered_at or e.at), reverse=True)
    return events


def panels():
    return list(PANELS)
