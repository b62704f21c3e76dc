"""A transfer between two stations using Homeward, decided by the receiving station: accepted (the file
moves there and a stay opens) or refused with a reason; the sending station hears of it either way."""

from django.db import transaction

from lib import workflow

from ..models import BroughtBy, Notification
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
    stay.mental_state = stay.mental_state or sent.mental_state
    stay.found_place = sent.found_place
    stay.found_circumstances = sent.found_circumstances
    workflow.apply(transfer, "accept", by, stay=stay, reason=reason)
    person = transfer.person
    person.station = transfer.to_station
    person.save(update_fields=["station"])
    stay.save()
    stay_arrived(stay)
    tell_sender(transfer, "transfer_accepted")
    return stay


@transaction.atomic
def refuse_transfer(*, transfer, by, reason):
    """The receiving station does not take the person in (Transfer.refuse: a reason is said); the
    sending station is told why."""
    workflow.apply(transfer, "refuse", by, reason=reason)
    tell_sender(transfer, "transfer_refused", reason=transfer.refusal_reason)
    return transfer
