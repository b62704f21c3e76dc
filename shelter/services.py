"""Writes of the register that span several models. Keyword-only arguments and no request: the intake
view, seed_demo, tasks and tests call the same functions. The rules stay on the models; the views add
the audit record of who did it from where."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.errors import Refusal

from .models import ArrivalRefused, Belonging
from .signals import arrival_registered


@transaction.atomic
def register_arrival(*, person, stay, belongings=(), by, token=None, duplicates=()):
    """Register an arrival: a new file (`person` not saved yet, made for `by`'s station) or a new stay
    on an existing file, the stay itself, and what the person carried ([(item, quantity)], each row
    checked as the model checks it).

    `token` is the intake form's one-time token: the database's unique constraint on it, and the one
    on a person's open stay, make a second registration of the same arrival fail with IntegrityError
    (the caller says "already registered"). `duplicates` are the earlier files the desk was warned of
    and registered apart from (shelter.hooks); they travel on arrival_registered. Returns the stay.
    """
    refusal = person.arrival_refusal() if person.pk else None
    if refusal:
        raise ArrivalRefused(refusal)
    if person.pk is None:
        if person.station_id is None:
            person.station = by.station
        person.created_by = by
        person.full_clean(exclude=["station", "file_no"])
        person.save()
    stay.person = person
    stay.entered_by = by
    stay.intake_token = token
    # The one-open-stay and token constraints are the database's: two desks at once both pass a query.
    stay.full_clean(exclude=["intake_token", "state"], validate_constraints=False)
    stay.save()
    rows = [Belonging(stay=stay, item=item, quantity=quantity) for item, quantity in belongings]
    for row in rows:
        row.full_clean()
    Belonging.objects.bulk_create(rows)
    arrival_registered.send(sender=type(stay), stay=stay, by=by, duplicates=list(duplicates))
    return stay


class TwoFactorRefused(Refusal):
    """The code typed does not belong to the user's authenticator now."""


def two_factor_device(*, user):
    """The user's authenticator device: made, unconfirmed, the first time it is asked for (its code is
    shown to be scanned), confirmed by switch_two_factor."""
    device = TOTPDevice.objects.filter(user=user).first()
    return device or TOTPDevice.objects.create(user=user, name="Homeward", confirmed=False)


@transaction.atomic
def switch_two_factor(*, user, code):
    """Turn two-factor sign-in on (the first code from the app confirms the device) or off (a current code
    deletes it: a new one is made to turn it on again). Returns True when it is now on."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None or not device.verify_token(code.strip()):
        raise TwoFactorRefused(_("This code is not right, or has expired: enter the current one."))
    if device.confirmed:
        device.delete()
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True
