"""Tracing's receivers, connected in TracingConfig.ready(). Tracing follows the register, which knows
nothing of it:

- A stay registered without a confirmed identity opens a case (post_save); a stay whose identity
  becomes confirmed outside tracing (e.g. in the admin) closes it.
- A departure with the family counts as the family found (post_transition). Any other end of the
  stay leaves an unknown person's case open.
- Two files merged across stations: the moved stays' cases are the surviving station's.

The receivers only connect: what follows is tracing's services' (follow_stay, close_with_departure,
follow_merge), system steps taken inside the transaction of the change that caused them.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from shelter.models import Person, Stay, StayState
from shelter.signals import arrival_registered, person_merged

from . import services


@receiver(post_save, sender=Stay, dispatch_uid="tracing.follow_stay")
def follow_stay(sender, instance, created, raw=False, **kwargs):
    if not raw:
        services.follow_stay(stay=instance, created=created)


@receiver(post_transition, sender=Stay, dispatch_uid="tracing.close_with_stay")
def close_with_stay(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    """A departure with the family is the family found (services.close_with_departure); any other end of
    the stay leaves an unknown person's case open, its clocks of a person in care stopped
    (services.stop_stay_clocks)."""
    if kwargs.get("exception") or target not in (StayState.DEPARTED, StayState.DECEASED):
        return
    method_kwargs = method_kwargs or {}
    departure = method_kwargs.get("departure")
    if target == StayState.DECEASED:
        services.stop_stay_clocks(stay=instance)
    elif departure is not None:
        services.stop_stay_clocks(stay=instance, departure=departure)
        services.close_with_departure(stay=instance, departure=departure, by=method_kwargs.get("by"))


@receiver(arrival_registered, sender=Stay, dispatch_uid="tracing.intake_identity")
def intake_identity(sender, stay, by, identity_basis=None, **kwargs):
    """An identity the desk said was confirmed: its basis recorded as the case's query, awaiting its check."""
    if identity_basis:
        services.record_intake_identity(stay=stay, by=by, basis=identity_basis)


@receiver(person_merged, sender=Person, dispatch_uid="tracing.follow_merge")
def follow_merge(sender, merged, survivor, by, **kwargs):
    services.follow_merge(merged=merged, survivor=survivor, by=by)
