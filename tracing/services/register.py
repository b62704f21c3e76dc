"""Tracing follows the register: a transfer accepted, two files merged."""

from ..models import TracingCase


def follow_transfer(*, stay):
    """A transfer accepted: the open case of the sending station's stay moves to `stay`, the receiving
    station's, with its notices and deadlines. Returns whether a case moved."""
    return bool(TracingCase.objects.filter(stay_id=stay.transferred_from_id, closed_at__isnull=True).update(
        stay=stay, station=stay.person.station_id))


def follow_merge(*, merged, survivor, by):
    """Files of two stations merged by an administrator: the moved stays' cases are the surviving
    station's (inside the merge's transaction)."""
    TracingCase.objects.filter(stay__person=survivor).exclude(station=survivor.station_id).update(
        station=survivor.station_id)
