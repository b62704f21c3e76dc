"""A person transferred to another station that uses Homeward: one file, handed over."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .people import Person
from .stations import Station
from .stays import Stay


class TransferState(models.TextChoices):
    PROPOSED = "proposed", _("waiting for the receiving station")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")


class TransferQuerySet(models.QuerySet):
    def for_user(self, user):
        """A transfer is seen by both stations (administrators see all)."""
        if user.sees_all_stations:
            return self
        return self.filter(models.Q(from_station=user.station_id) | models.Q(to_station=user.station_id))


class Transfer(ConcurrentTransitionMixin, models.Model):
    """A person transferred to another station that uses Homeward: one file, handed over. The receiving
    station accepts it (the file moves there with its history, a stay opens, and the tracing case moves
    with the person) or refuses it with a reason. The sending station keeps a read-only view of the
    stay it recorded (shelter.selectors.sent_stay)."""

    # The sending station's stay. One at a time: after a refusal the stay is in care again and may be
    # transferred anew (Stay.transfer is the last).
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("stay"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("person"))
    from_station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="transfers_out",
                                     verbose_name=_("from station"))
    to_station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="transfers_in",
                                   verbose_name=_("to station"))
    state = FSMField(_("state"), default=TransferState.PROPOSED, choices=TransferState.choices, protected=True,
                     db_index=True)
    requested_at = models.DateTimeField(_("transferred"), default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    refusal_reason = models.CharField(_("reason for refusing"), max_length=300, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_at"]
        permissions = [("receive_transfer", _("Can accept or refuse a transfer from another station"))]

    def __str__(self):
        return f"{self.person.file_no}: {self.from_station} → {self.to_station}"

    def get_absolute_url(self):
        return reverse("shelter:transfer", args=[self.pk])

    def of_receiving_station(self, by):
        return by is not None and (by.sees_all_stations or by.station_id == self.to_station_id)

    @transition(
        field=state, source=TransferState.PROPOSED, target=TransferState.ACCEPTED,
        permission=lambda instance, user: user.has_perm("shelter.receive_transfer") and instance.of_receiving_station(user),
        custom={"label": _("Accept the transfer")},
    )
    def accept(self, stay, by=None, reason=""):
        """The receiving station takes the person in: `stay` (not saved: its arrival time, staff in
        charge..., made from the sending stay by the service that takes the step) must be a valid stay
        after the departure, and the person may have no stay open. The service moves the file and
        opens the stay. Returns the new stay."""
        if Stay.objects.filter(person=self.person).open().exists():
            raise ValidationError(gettext("This person has a stay open: it must end before the transfer is accepted."))
        stay.full_clean(exclude=["state", "intake_token"], validate_constraints=False)
        if stay.arrived_at < self.stay.departure.departed_at.replace(second=0, microsecond=0):
            raise ValidationError({"arrived_at": gettext("The arrival is before the departure from the sending station.")})
        self.decided_at, self.decided_by = timezone.now(), by
        return stay

    @transition(
        field=state, source=TransferState.PROPOSED, target=TransferState.REFUSED,
        permission=lambda instance, user: user.has_perm("shelter.receive_transfer") and instance.of_receiving_station(user),
        custom={"label": _("Refuse the transfer")},
    )
    def refuse(self, by=None, reason=""):
        """The receiving station does not take the person in; why is said. The file stays with the sender."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": gettext("Say why the transfer is refused.")})
        self.refusal_reason, self.decided_at, self.decided_by = reason, timezone.now(), by
