"""Signing in: two-factor sign-in, and unlocking an account locked after failed log-ins."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.errors import Refusal


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


def unlock_account(*, username):
    """Forget the failed log-ins of `username` (django-axes): the account may log in again, also where
    the address it failed from was locked as a whole (a station behind one address): there the names
    that are no account and the counts of accounts below their own lock are forgotten too; an account
    locked in its own right stays locked. Returns how many records of failed attempts were cleared."""
    addresses = set(AccessAttempt.objects.filter(username=username).values_list("ip_address", flat=True))
    cleared = axes_reset(username=username)
    accounts = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: OuterRef("username")})
    others, _ = AccessAttempt.objects.filter(ip_address__in=addresses).filter(
        Q(failures_since_start__lt=settings.LOGIN_MAX_FAILURES) | ~Exists(accounts)).delete()
    return cleared + others
