"""Signals of the register, for the apps above it (face, tracing) and for shelter's own receivers.

- person_merged(sender=Person, merged=, survivor=, by=): sent by Person.merge_into inside its
  transaction; apps move what they keep per person.
- arrival_registered(sender=Stay, stay=, by=, duplicates=): sent by services.register_arrival inside
  its transaction; `duplicates` are the possible earlier files the desk was shown and registered apart
  from anyway (see shelter.hooks.DUPLICATE_FINDERS).
- notifications_created(sender=Notification, notifications=): sent by Notification.send; the e-mail
  and SMS leave once the transaction has committed (shelter.receivers).
"""

from django.dispatch import Signal

person_merged = Signal()
arrival_registered = Signal()
notifications_created = Signal()
