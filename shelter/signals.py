"""Signals of the register, for the apps above it (face, tracing).

- person_merged(sender=Person, merged=, survivor=, by=): sent by services.merge_files inside its
  transaction; apps move what they keep per person.
- arrival_registered(sender=Stay, stay=, by=, duplicates=): sent by services.register_arrival inside
  its transaction; `duplicates` are the possible earlier files the desk was shown and registered apart
  from anyway (see shelter.hooks.DUPLICATE_FINDERS); `identity_basis` ({"kind", "reference"} or None):
  the basis of an identity the desk said was confirmed, to record and check (the stay is self-reported
  until then).
"""

from django.dispatch import Signal

person_merged = Signal()
arrival_registered = Signal()
