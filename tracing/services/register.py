"""Tracing follows the register: a stay registered or changed, a departure with the family, a transfer
accepted, two files merged. Called by tracing's receivers, as steps the system takes."""

from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone

from lib.messages import Said
from shelter.models import DepartureKind, FoundChannel, Identity

from ..models import CloseCause, Deadline, Stage, TracingCase, due_field, in_stage
from .cases import close_case, find_family


def follow_stay(*, stay, created):
    """A stay saved: registered without a confirmed identity, it opens its case with its deadlines (a
    stay opened by an accepted transfer takes the sending station's open case instead); its identity
    confirmed outside tracing (e.g. in the admin), the open case closes; its arrival time corrected, the
    case it opened is found at the new time (TracingCase.found_at)."""
    case = None if created else TracingCase.objects.filter(stay=stay).first()
    if not created:  # a corrected arrival: the case it opened says the new time found
        TracingCase.objects.filter(arrival=stay).exclude(found_at=stay.arrived_at).update(found_at=stay.arrived_at)
    if stay.identity == Identity.CONFIRMED:
        if case and case.is_open:
            close_case(case=case, by=None, cause=CloseCause.IDENTITY_CONFIRMED,
                       reason=Said("close_cause", cause=CloseCause.IDENTITY_CONFIRMED), system=True)
    elif created and stay.transferred_from_id and follow_transfer(stay=stay):
        pass  # the open case of the sending station's stay moved with the person
    elif case is None and stay.is_open:
        TracingCase.open_for(stay)


def stop_stay_clocks(*, stay, departure=None):
    """The stay of a person still unknown ended (died, or departed otherwise than with the family or to
    another station, whose stay takes the case on): the household registration and interview clocks of
    someone in the station's care stop (TracingCase.stop_stay_clocks); the rest of the case goes on."""
    if departure is not None and (departure.kind == DepartureKind.FAMILY or departure.to_station_id):
        return None
    case = TracingCase.objects.filter(stay=stay, closed_at__isnull=True).first()
    if case is not None:
        case.stop_stay_clocks()
    return case


def close_with_departure(*, stay, departure, by=None):
    """A departure with the family is the family found. Any other end of the stay (a transfer to a
    welfare institution, a hospital or another station, leaving, death) does not close the case of a
    person still unknown: the notices stay up, the monthly refresh and the DNA steps go on, until the
    identity is confirmed or the family found (a death turns the notice into one for the unidentified
    deceased: TracingCase.person_died). `departure` is the step's record, checked (saved just after by
    shelter.services.depart_stay)."""
    if departure.kind != DepartureKind.FAMILY:
        return None
    case = TracingCase.objects.filter(stay=stay, closed_at__isnull=True).first()
    if case is None:
        return None
    return find_family(case=case, by=by, reason=Said("departed_with_family"), at=departure.departed_at,
                       channel=departure.found_channel or FoundChannel.OTHER, system=True)


def follow_transfer(*, stay):
    """A transfer accepted: the open case of the sending station's stay moves to `stay`, the receiving
    station's, with its notices and deadlines. A deadline already missed keeps whose it was: the sending
    station's (TracingCase.missed_elsewhere, shown on the receiver's board). Returns whether a case moved."""
    now = timezone.now()
    missed = {f"_missed_{kind}": ExpressionWrapper(in_stage(kind, Stage.OVERDUE, now), output_field=BooleanField())
              for kind in Deadline.values}
    cases = TracingCase.objects.filter(stay_id=stay.transferred_from_id, closed_at__isnull=True).annotate(**missed)
    moved = False
    for case in cases:
        elsewhere = dict(case.missed_elsewhere or {})
        for kind in Deadline.values:
            if getattr(case, f"_missed_{kind}") and case.missed_at(kind) is None:
                elsewhere[kind] = {"station": case.station_id, "due": getattr(case, due_field(kind)).isoformat()}
        moved |= bool(TracingCase.objects.filter(pk=case.pk).update(
            stay=stay, station=stay.person.station_id, missed_elsewhere=elsewhere))
    return moved


def follow_merge(*, merged, survivor, by):
    """Files of two stations merged by an administrator: the moved stays' cases are the surviving
    station's (inside the merge's transaction)."""
    TracingCase.objects.filter(stay__person=survivor).exclude(station=survivor.station_id).update(
        station=survivor.station_id)
