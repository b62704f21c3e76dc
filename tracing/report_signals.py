"""Family reports follow the register without the register knowing of them.

- A resident's portrait was encoded (face.signals.portrait_encoded): search it against the open family
  reports and the other files, in a Celery task once the transaction has committed.
- A stay ends with the family taking the person home: the reports confirmed for that stay are
  reunited (a consequence of the departure, recorded with its time and its staff member).
"""

from django.db import transaction
from django.dispatch import receiver
from django_fsm.signals import post_transition

from face.signals import portrait_encoded
from shelter.models import DepartureKind, Stay, StayState

from .reports import FamilyReport, ReportState


@receiver(portrait_encoded)
def search_new_portrait(sender, portrait, **kwargs):
    from .tasks import search_portrait

    pk = portrait.pk
    transaction.on_commit(lambda: search_portrait.delay(pk))


@receiver(post_transition, sender=Stay)
def reunite_on_departure(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    departure = (method_kwargs or {}).get("departure")
    if kwargs.get("exception") or target != StayState.DEPARTED or departure is None:
        return
    if departure.kind != DepartureKind.FAMILY:
        return
    for report in FamilyReport.objects.filter(matched_stay=instance, state=ReportState.CONFIRMED):
        report.reunite(by=method_kwargs.get("by"), reason=str(DepartureKind.FAMILY.label), at=departure.departed_at)
        report.save()
