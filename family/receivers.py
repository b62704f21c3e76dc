"""Family finding's receivers, connected in FamilyConfig.ready(). It follows the register, the faces
and tracing, which know nothing of it:

- A departure with the family: the family reports confirmed for that stay are reunited
  (post_transition of Stay).
- An arrival registered after the duplicate warning records the pairs as judged different.
- Two files merged: candidates, confirmed reports and warnings follow the surviving file.
- A clue of an interview accepted or dismissed (post_transition of tracing's Clue): the resident's
  candidates are ranked again by their accepted clues (services.rerank_candidates), in the same
  transaction.
- The face encoder switched (face.signals.encoder_switched): the report photos are encoded again.
- A resident's portrait encoded (face.signals.portrait_encoded): it is searched against the open family
  reports and the other files, in a Celery task once the transaction has committed.

The receivers only connect: what follows is family's services' (system steps, not chosen by the user),
inside the transaction of the change that caused them.
"""

from django.dispatch import receiver
from django_fsm.signals import post_transition

from face.models import Portrait
from face.signals import encoder_switched, portrait_encoded
from lib.queue import after_commit
from shelter.models import Person, Stay, StayState
from shelter.signals import arrival_registered, person_merged
from tracing.models import Clue

from . import services
from .tasks import search_portrait


@receiver(post_transition, sender=Stay, dispatch_uid="family.reunite_on_departure")
def reunite_on_departure(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    method_kwargs = method_kwargs or {}
    departure = method_kwargs.get("departure")
    if kwargs.get("exception") or target != StayState.DEPARTED or departure is None:
        return
    services.reunite_on_departure(stay=instance, departure=departure, by=method_kwargs.get("by"))


@receiver(arrival_registered, sender=Stay, dispatch_uid="family.registered_apart")
def registered_apart(sender, stay, by, duplicates, **kwargs):
    if duplicates:
        services.registered_apart(person=stay.person, duplicates=duplicates, by=by)


@receiver(person_merged, sender=Person, dispatch_uid="family.follow_merge")
def follow_merge(sender, merged, survivor, by, **kwargs):
    services.follow_merge(merged=merged, survivor=survivor, by=by)


@receiver(portrait_encoded, sender=Portrait, dispatch_uid="family.search_new_portrait")
def search_new_portrait(sender, portrait, origin=None, **kwargs):
    after_commit(search_portrait, portrait.pk, origin)


@receiver(encoder_switched, sender=Portrait, dispatch_uid="family.reencode_photos")
def reencode_photos(sender, encoder, using="default", **kwargs):
    """The face searches now use another encoder (face.reencoding.swap): the report photos follow."""
    services.reencode_photos()


@receiver(post_transition, sender=Clue, dispatch_uid="family.rerank_on_clue")
def rerank_on_clue(sender, instance, name, source, target, **kwargs):
    """Accepting or dismissing a clue re-ranks the resident's candidates (the clue is not saved yet: it
    counts as it now stands)."""
    if kwargs.get("exception") or source == target:
        return
    services.rerank_candidates(clue=instance)
