"""A transfer between two stations using Homeward, decided by the receiving station: accepted (the file
moves there with what the sender recorded, a stay opens, the sending stay ends) or refused with a reason
(the sending stay is back in care, as if the person had not left); the sending station hears of it
either way."""

from django.db import transaction

from lib import workflow

from ..models import Belonging, BelongingOutcome, BroughtBy, Departure, MentalState, Notification
from .upkeep import stay_arrived


def tell_sender(transfer, kind, **params):
    """The sending station hears of the decision: who transferred the person and the staff in charge."""
    told = transfer.from_station.who_is_told(transfer.requested_by, transfer.stay.staff_in_charge)
    Notification.send(told, kind=kind, params={"file": transfer.person.file_no, "station": transfer.to_station.name,
                                              **params},
                      url=transfer.get_absolute_url(), station=transfer.from_station, reference=transfer.person.file_no)


@transaction.atomic
def accept_transfer(*, transfer, stay, by, reason=""):
    """The receiving station takes the person in: `stay` (not saved: its arrival time, staff in charge...)
    is made from the sending station's stay, Transfer.accept checks it, then the file moves to the
    receiving station (a save: other apps follow the file on post_save) and the stay opens there.
    Returns the new stay."""
    sent = transfer.stay
    stay.person = transfer.person
    stay.station = transfer.to_station  # the receiver's history begins here; the sender's stays stay its own
    stay.transferred_from = sent
    stay.entered_by = by
    stay.brought_by = BroughtBy.STATION
    stay.brought_by_name = stay.brought_by_name or transfer.from_station.name
    stay.identity = sent.identity
    # What the sender recorded of the person's state comes with them unless the receiver saw otherwise.
    stay.health_at_intake = stay.health_at_intake or sent.health_at_intake
    if stay.mental_state in ("", MentalState.UNCLEAR):
        stay.mental_state = sent.mental_state
    stay.clothing = stay.clothing or sent.clothing
    stay.found_place = sent.found_place
    stay.found_circumstances = sent.found_circumstances
    workflow.apply(transfer, "accept", by, stay=stay, reason=reason)
    sent.complete_transfer(at=transfer.decided_at, by=by)  # the system's step: the sending stay ends now
    sent.save()
    Departure.objects.filter(stay=sent).update(counted_at=transfer.decided_at)
    person = transfer.person
    person.station = transfer.to_station
    person.save(update_fields=["station"])
    stay.save()
    carry_belongings(sent=sent, stay=stay)
    stay_arrived(stay)
    tell_sender(transfer, "transfer_accepted")
    return stay


def carry_belongings(*, sent, stay):
    """What the person carried arrives with them: every belonging of the sending stay but those the
    sending station kept, counted in at the receiving one as it was handed over."""
    Belonging.objects.bulk_create([
        Belonging(stay=stay, item=b.item, quantity=b.quantity, notes=b.notes)
        for b in sent.belongings.exclude(outcome=BelongingOutcome.KEPT).order_by("pk")
    ])


@transaction.atomic
def refuse_transfer(*, transfer, by, reason):
    """The receiving station does not take the person in (Transfer.refuse: a reason is said): the person
    is in the sending station's care again (Stay.return_to_care), nothing of the transfer counts as a
    departure, and the sending station is told why."""
    workflow.apply(transfer, "refuse", by, reason=reason)
    stay = transfer.stay
    stay.return_to_care(by=by, reason=transfer.refusal_reason)  # the system's step, the reason on the timeline
    stay.save()
    # Nothing left: the departure that proposed the transfer is no departure, the belongings are the
    # station's to count out again (the transfer keeps when and to whom it was proposed).
    Departure.objects.filter(stay=stay).delete()
    stay.belongings.update(outcome="", handed_to="", counted_out_at=None, counted_out_by=None, returned_at=None)
    stay.plan_review()
    tell_sender(transfer, "transfer_refused", reason=transfer.refusal_reason)
    return transfer
