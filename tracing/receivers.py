"""Tracing's receivers, connected in TracingConfig.ready(). Tracing follows the register, which knows
nothing of it:

- A stay registered without a confirmed identity opens a case (post_save); a stay whose identity
  becomes confirmed outside tracing (e.g. in the admin) closes it.
- A departure with the family counts as the family found (post_transition). Any other end of the
  stay leaves an unknown person's case open.
- Two files merged across stations: the moved stays' cases are the surviving station's.

These changes are made by the system, not chosen by the user: they call tracing's services as system
steps (the transitions run without the user's permission on the case), inside the transaction of the
change that caused them.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from lib.messages import Said
from shelter.models import DepartureKind, FoundChannel, Identity, Person, Stay, StayState
from shelter.signals import person_merged

from . import services
from .models import CloseCause, TracingCase


@receiver(post_save, sender=Stay, dispatch_uid="tracing.follow_stay")
def follow_stay(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    case = None if created else TracingCase.objects.filter(stay=instance).first()
    if instance.identity == Identity.CONFIRMED:
        if case and case.is_open:
            services.close_case(case=case, by=None, cause=CloseCause.IDENTITY_CONFIRMED,
                                reason=Said("close_cause", cause=CloseCause.IDENTITY_CONFIRMED), system=True)
    elif created and instance.transferred_from_id and services.follow_transfer(stay=instance):
        pass  # the open case of the sending station's stay moved with the person
    elif case is None and instance.is_open:
        TracingCase.open_for(instance)


@receiver(post_transition, sender=Stay, dispatch_uid="tracing.close_with_stay")
def close_with_stay(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    """A departure with the family is the family found. Any other end of the stay (a transfer to a
    welfare institution, a hospital or another station, leaving, death) does not close the case of a
    person still unknown: the notices stay up, the monthly refresh and the DNA steps go on, until the
    identity is confirmed or the family found (a death turns the notice into one for the unidentified
    deceased: TracingCase.person_died)."""
    if kwargs.get("exception") or target != StayState.DEPARTED:
        return
    departure = (method_kwargs or {}).get("departure")
    if departure is None or departure.kind != DepartureKind.FAMILY:
        return
    case = TracingCase.objects.filter(stay=instance, closed_at__isnull=True).first()
    if case is None:
        return
    services.find_family(case=case, by=(method_kwargs or {}).get("by"), reason=Said("departed_with_family"),
                         at=departure.departed_at, channel=departure.found_channel or FoundChannel.OTHER, system=True)


@receiver(person_merged, sender=Person, dispatch_uid="tracing.follow_merge")
def follow_merge(sender, merged, survivor, by, **kwargs):
    services.follow_merge(merged=merged, survivor=survivor, by=by)
