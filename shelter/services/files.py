"""Writes on a person's file: a correction, and two files of one person merged."""

from django.db import transaction


def correct_file(*, person):
    """Save the corrected file (`person`, its fields already changed and checked by the correction form;
    the caller keeps the old values in the audit log). Returns the person."""
    person.full_clean(exclude=["station", "file_no"])
    person.save()
    return person


@transaction.atomic
def merge_files(*, merged, survivor, by, reason):
    """`merged` is a second file of `survivor`'s person (Person.merge_into holds the rule and moves the
    stays; other apps follow on person_merged). Raises MergeError. Returns the number of stays moved."""
    return merged.merge_into(survivor, by, reason)
