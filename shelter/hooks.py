"""Where the apps above the register plug into it. The register never imports them: each fills these
lists in its AppConfig.ready(), as it fills timeline.SOURCES and timeline.PANELS.

DUPLICATE_FINDERS: functions f(person) -> [duplicate], asked by the intake page before a new file is
made (the person is not saved yet). A duplicate has at least `.person` (the earlier file), `.station`,
`.last_stay` and `.reasons` (texts in the reader's language) for the warning. When the desk registers
anyway, shelter.signals.arrival_registered carries the list to whoever records the judgement.

HOME_PAGES: (permission, URL name) pairs; a user with the permission lands on that page, the first
that matches; everyone else on the people list.

SECOND_CHECK_FOLLOWS: {decision code: f(*, check, agreed, by)}, what follows a second check for the
app whose decision it was (shelter.services.record_check calls it in the check's transaction): an
identity confirmed once checked, a dismissed warning opened again when the check disagrees...
"""

DUPLICATE_FINDERS = []
SECOND_CHECK_FOLLOWS = {}
# LATE_STEPS: functions f(user) -> [row] of the steps of the apps above that met a deadline only after the
# fact (stated before it, entered after), shown on the late list: each row a dict with "label", "person",
# "stated", "entered", "due", "by", "accepted" (who accepted the stated time, or None), "accept_url".
LATE_STEPS = []
HOME_PAGES = []
# What the audit page says for a target recorded as "<kind> <key>" (e.g. "figure arrivals"): kind ->
# function(key) -> label in the reader's language; filled by the app that records such targets.
AUDIT_TARGETS = {}
# READ_ONLY_WRITES: {URL name: permission}, the few writes a read-only role (station head, inspector) may
# send, each to a user who has that permission: the inspector's finding on a station (oversight). Every
# other write from those roles is refused (shelter.middleware).
READ_ONLY_WRITES = {}


def possible_duplicates(person):
    """Earlier files that may be this person, from every finder the apps registered."""
    return [duplicate for find in DUPLICATE_FINDERS for duplicate in find(person)]
