"""Tracing's receivers, connected in TracingConfig.ready(). Tracing follows the register, which knows
nothing of it:

- A stay registered without a confirmed identity opens a case (post_save); a stay whose identity
  becomes confirmed outside tracing (e.g. in the admin) closes it.
- A departure with the family counts as the family found (post_transition), and the family reports
  confirmed for that stay are reunited. Any other end of the stay leaves an unknown person's case open.
- An arrival registered after the duplicate warning records the pairs as judged different.
- Two files merged: candidates, confirmed reports and warnings follow the surviving file.
- A clue of an interview accepted or dismissed (post_transition): the resident's candidates are ranked
  again by their accepted clues (services.rerank_candidates), in the same transaction.
- A resident's portrait encoded (face.signals.portrait_encoded): it is searched against the open family
  reports and the other files, in a Celery task once the transaction has committed.

These changes are made by the system, not chosen by the user: they call the transitions directly,
inside the transaction of the change that caused them.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from face.models import Portrait
from face.signals import portrait_encoded
from lib.messages import Said
from lib.queue import after_commit
from shelter.models import DepartureKind, FoundChannel, Identity, Person, Stay, StayState
from shelter.signals import arrival_registered, person_merged

from . import services
from .models import CloseCause, Clue, FamilyReport, ReportState, TracingCase
from .tasks import search_portrait


@receiver(post_save, sender=Stay, dispatch_uid="tracing.follow_stay")
def follow_stay(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    case = None if created else TracingCase.objects.filter(stay=instance).first()
    if instance.identity == Identity.CONFIRMED:
        if case and case.is_open:
            case.close(cause=CloseCause.IDENTITY_CONFIRMED, reason=Said("close_cause", cause=CloseCause.IDENTITY_CONFIRMED))
            case.save()
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
    case.find_family(by=(method_kwargs or {}).get("by"), reason=Said("departed_with_family"),
                     at=departure.departed_at, channel=departure.found_channel or FoundChannel.OTHER)
    case.save()


@receiver(post_transition, sender=Stay, dispatch_uid="tracing.reunite_on_departure")
def reunite_on_departure(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    departure = (method_kwargs or {}).get("departure")
    if kwargs.get("exception") or target != StayState.DEPARTED or departure is None:
        return
    if departure.kind != DepartureKind.FAMILY:
        return
    for report in FamilyReport.objects.filter(matched_stay=instance, state=ReportState.CONFIRMED):
        report.reunite(by=method_kwargs.get("by"), reason=Said("departed_with_family"), at=departure.departed_at)
        report.save()


@receiver(arrival_registered, sender=Stay, dispatch_uid="tracing.registered_apart")
def registered_apart(sender, stay, by, duplicates, **kwargs):
    if duplicates:
        services.registered_apart(person=stay.person, duplicates=duplicates, by=by)


@receiver(person_merged, sender=Person, dispatch_uid="tracing.follow_merge")
def follow_merge(sender, merged, survivor, by, **kwargs):
    services.follow_merge(merged=merged, survivor=survivor, by=by)


@receiver(portrait_encoded, sender=Portrait, dispatch_uid="tracing.search_new_portrait")
def search_new_portrait(sender, portrait, origin=None, **kwargs):
    after_commit(search_portrait, portrait.pk, origin)


@receiver(post_transition, sender=Clue, dispatch_uid="tracing.rerank_on_clue")
def rerank_on_clue(sender, instance, name, source, target, **kwargs):
    """Accepting or dismissing a clue re-ranks the resident's candidates (the clue is not saved yet: it
    counts as it now stands)."""
    if kwargs.get("exception") or source == target:
        return
    services.rerank_candidates(clue=instance)
