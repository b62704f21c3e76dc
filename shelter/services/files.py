"""Writes on a person's file: a correction of the file or of a stay's facts, and two files of one person
merged."""

from django.db import transaction

from ..models import Person, Stay
from ..signals import person_merged
from .upkeep import keep_last_arrival, keep_name_keys, keep_repeats, keep_stay_ages


@transaction.atomic
def correct_file(*, person):
    """Save the corrected file (`person`, its fields already changed and checked by the correction form;
    the caller keeps the old values in the audit log), with what follows from it: the search keys of its
    names, its stays' ages at arrival and the open stay's next review (an age may move it). Returns the
    person."""
    person.full_clean(exclude=["station", "file_no"])
    person.save()
    keep_name_keys(person)
    keep_stay_ages(person)
    stay = person.open_stay
    if stay is not None:
        stay.plan_review()
    return person


@transaction.atomic
def correct_stay(*, stay):
    """Save a stay whose registered facts were corrected (its arrival time, mental state...; checked by the
    caller: no page corrects a stay today, the admin shows stays read-only), with what follows from them:
    the file's last arrival and the stay's next review."""
    stay.save()
    keep_last_arrival(stay.person_id)
    stay.plan_review()
    return stay


@transaction.atomic
def merge_files(*, merged, survivor, by, reason):
    """`merged` is a second file of `survivor`'s person (Person.merge_into holds the rule and marks it
    merged). Its stays (and with them their tracing cases) move to the surviving file, whose stays are
    counted again (repeat arrivals, ages at arrival from the surviving file's facts) and whose last
    arrival follows; other apps move what they keep per person on person_merged, in this transaction.
    Raises MergeError (nothing changed). Returns the number of stays moved."""
    merged.merge_into(survivor, by, reason)
    moved = Stay.objects.filter(person=merged).update(person=survivor)
    keep_repeats(survivor)
    keep_stay_ages(survivor)
    keep_last_arrival(merged, survivor)
    person_merged.send(sender=Person, merged=merged, survivor=survivor, by=by)
    return moved
