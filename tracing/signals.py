"""The tracing case follows its stay, so the register (shelter) needs to know nothing of tracing.

- A stay registered without a confirmed identity opens a case (post_save).
- A stay whose identity becomes confirmed outside tracing (e.g. in the admin) closes it (post_save).
- A stay that ends closes it (post_transition): departure with the family counts as the family found.

These changes are made by the system, not chosen by the user: they call the case's transitions
directly, inside the transaction of the stay's own change.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from shelter.models import DepartureKind, Identity, Stay, StayState

from .models import CloseCause, TracingCase


@receiver(post_save, sender=Stay)
def follow_stay(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    case = None if created else TracingCase.objects.filter(stay=instance).first()
    if instance.identity == Identity.CONFIRMED:
        if case and case.is_open:
            case.close(cause=CloseCause.IDENTITY_CONFIRMED, reason=str(CloseCause.IDENTITY_CONFIRMED.label))
            case.save()
    elif case is None and instance.is_open:
        TracingCase.open_for(instance)


@receiver(post_transition, sender=Stay)
def close_with_stay(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    if kwargs.get("exception") or target not in (StayState.DEPARTED, StayState.DECEASED):
        return
    case = TracingCase.objects.filter(stay=instance, closed_at__isnull=True).first()
    if case is None:
        return
    method_kwargs = method_kwargs or {}
    by = method_kwargs.get("by")
    departure, death = method_kwargs.get("departure"), method_kwargs.get("death")
    at = departure.departed_at if departure is not None else death.died_at if death is not None else None
    if departure is not None and departure.kind == DepartureKind.FAMILY:
        case.find_family(by=by, reason=str(DepartureKind.FAMILY.label), at=at)
    else:
        case.close(cause=CloseCause.STAY_ENDED, by=by, reason=str(dict(StayState.choices)[target]), at=at)
    case.save()
