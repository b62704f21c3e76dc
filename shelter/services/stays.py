"""Writes on a stay: its steps (admit, depart, die: each through lib.workflow.apply, with what follows
from it for other records), and what is recorded on it (services, reviews, the handover form, the death
report's sendings, a late entry seen)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import workflow
from lib.errors import Refusal

from ..models import Belonging, Decision, Identity, Notification, ReviewError, Stay, Transfer
from .checks import decide


class ServiceRefused(Refusal):
    """A service that cannot be recorded on this stay (Stay.service_refusal)."""


def admit_stay(*, stay, by, reason=""):
    """Reception is done: the person is in the station's care (Stay.admit holds the rule)."""
    result = workflow.apply(stay, "admit", by, reason=reason)
    stay.plan_review()
    return result


@transaction.atomic
def depart_stay(*, stay, departure, counted_out=None, by, reason=""):
    """The person leaves (Stay.depart checks the departure and each belonging counted out): the departure
    and the belongings counted out are saved. A departure to a station using Homeward
    (`departure.to_station`) hands the person over instead (Stay.hand_over: in transfer, still in this
    station's care until that station decides) and proposes a transfer there, whose supervisors hear of
    it. Returns the departure."""
    step = "hand_over" if departure.to_station_id else "depart"
    items = workflow.apply(stay, step, by, departure=departure, counted_out=counted_out, reason=reason)
    departure.save()
    stay.plan_review()  # an ended stay is no longer reviewed
    Belonging.objects.bulk_update(items, ["outcome", "handed_to", "counted_out_at", "counted_out_by", "returned_at"])
    if departure.to_station_id:
        transfer = Transfer.objects.create(
            stay=stay, person=stay.person, from_station=stay.person.station, to_station=departure.to_station,
            requested_by=by, requested_at=departure.departed_at)
        Notification.send(transfer.to_station.who_is_told(), kind="transfer_waiting",
                          params={"station": transfer.from_station.name, "file": transfer.person.file_no},
                          url=transfer.get_absolute_url(), station=transfer.to_station,
                          reference=transfer.person.file_no)
    return departure


@transaction.atomic
def record_death(*, stay, death, by, reason=""):
    """A death in the station's care (Stay.die checks its record): saved, with the deadline of its report
    up the chain (Death.plan_report: the civil-affairs bureau, and the police when the death was unnatural
    or the person unidentified), and told at once to every supervisor and head of the station. Returns
    the death."""
    workflow.apply(stay, "die", by, death=death, reason=reason)
    person = stay.person
    death.reported_at = timezone.now()
    death.plan_report()
    death.save()
    stay.plan_review()  # an ended stay is no longer reviewed
    Notification.send(
        person.station.staff("supervisor", "station_head"),
        kind="death",
        params={
            "name": person.name, "file": person.file_no, "place": death.place,
            "time": timezone.localtime(death.died_at).strftime("%Y-%m-%d %H:%M"), "cause": death.cause,
            "by": (by.get_full_name() or by.username) if by else "-",
        },
        url=person.get_absolute_url(),
        station=person.station,
        reference=person.file_no,
    )
    return death


def record_service(*, stay, service, by):
    """A service given in the station, entered by `by`; refused (ServiceRefused) on a stay that has
    ended (Stay.service_refusal). The record's own checks (Service.clean) raise ValidationError."""
    refusal = stay.service_refusal()
    if refusal:
        raise ServiceRefused(refusal)
    service.stay = stay
    service.entered_by = by
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def record_review(*, review, by):
    """A long-stay review by `by` (who needs shelter.review_stay) of an open stay: saved, and the
    stay's next review planned from it. Refused with ReviewError, or ValidationError (StayReview.clean)."""
    stay = review.stay
    if not by.has_perm("shelter.review_stay"):
        raise ReviewError(_("Only a supervisor may record a long-stay review."))
    if not stay.is_open:
        raise ReviewError(_("This stay has ended; it is no longer reviewed."))
    review.reviewer = review.entered_by = by
    review.point = stay.review_point
    review.full_clean()
    review.save()
    stay.plan_review()
    return review


def confirm_identity(*, stay):
    """The stay's identity is confirmed (a quick query of its tracing case): a conditional UPDATE, so
    the stay's other fields and its workflow are left as they are, and its next review planned again
    (the reviews owed to the unidentified are no longer owed)."""
    Stay.objects.filter(pk=stay.pk).update(identity=Identity.CONFIRMED)
    stay.identity = Identity.CONFIRMED
    stay.plan_review()
    return stay


def add_handover(*, stay, handover_ref, handover_document):
    """The police's handover form (its number and scan) added to a stay registered without it."""
    fields = ["handover_ref", "handover_document"]
    stay.handover_ref, stay.handover_document = handover_ref, handover_document
    stay.clean_fields(exclude=[f.name for f in stay._meta.fields if f.name not in fields])
    stay.save(update_fields=fields)
    return stay


def record_referrer_letter(*, departure, reference):
    """The letter back to the station that referred the person, sent after the departure: its number on
    the departure (Departure.record_referrer_letter holds the rule). ValidationError when refused."""
    departure.record_referrer_letter(reference)
    return departure


@transaction.atomic
def record_death_report_sending(*, sending, by):
    """The death report sent up the chain (when, to whom, how, reference, as stated; entered now by `by`):
    saved, and the report's deadline met once every office it is owed to has it (Death.keep_report)."""
    sending.entered_by = by
    sending.entered_at = timezone.now()
    sending.full_clean()
    sending.save()
    sending.death.keep_report()
    return sending


@transaction.atomic
def count_out_belongings(*, stay, counted_out, by, at=None):
    """A dead person's belongings and cash counted out (Stay.count_out_after_death holds the rule: to the
    family, the police, or kept with a reference): the items saved. Returns them."""
    items = stay.count_out_after_death(counted_out, at=at or timezone.now(), by=by)
    Belonging.objects.bulk_update(items, ["outcome", "handed_to", "reference", "counted_out_at", "counted_out_by",
                                          "returned_at"])
    return items


def record_body(*, death, body, by):
    """An unclaimed body recorded: where it is kept, since when, the police told; its claim deadline
    (Body.plan_claim) starts. Entered now by `by`. Returns the body."""
    body.death = death
    body.entered_by = by
    body.entered_at = timezone.now()
    body.plan_claim()
    body.full_clean(exclude=["state"])  # the workflow's field is the transitions' alone
    body.save()
    return body


def body_step(*, body, step, by, reason="", **record):
    """A step on an unclaimed body (Body.record_notice, claim, dispose hold the rules), through
    lib.workflow.apply. Returns the body."""
    workflow.apply(body, step, by, reason=reason, **record)
    return body


def mark_late_seen(*, entry, by, awaiting=False):
    """A supervisor has seen a late entry (LedgerEntry.mark_late_seen holds the rule: who may, once).
    Someone other than the one who entered it (a second pair of eyes: shelter.services.decide): their own
    late entry is refused, unless recorded as awaiting a second check (the night shift). Returns whether
    this call marked it; LateEntryError when `by` may not, SelfApprovalRefused on their own entry."""
    stay = entry if isinstance(entry, Stay) else entry.stay
    if not by.has_perm("shelter.review_late_entry"):
        return entry.mark_late_seen(by)  # refused there, with its message
    check = decide(decision=Decision.LATE_ENTRY_ACCEPTED, target=entry, station=stay.station,
                   entered_by=entry.entered_by, by=by, awaiting=awaiting, note=entry.late_reason)
    marked = entry.mark_late_seen(by)
    if check is not None and not marked:
        check.delete()  # already seen by someone else: nothing awaits
    return marked


def late_check_follows(*, check, agreed, by):
    """A late entry marked seen by the one who entered it, checked by someone else: agreed, it stays
    seen; not agreed, it is back on the list of late entries."""
    entry = check.target
    if not agreed and entry is not None:
        type(entry).objects.filter(pk=entry.pk).update(late_seen_at=None, late_seen_by=None)
