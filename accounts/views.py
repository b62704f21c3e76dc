"""Signing in: the lockout page, unlocking accounts, two-factor sign-in, and the admin's log-in through
the site's form (one lockout and one two-factor check for every way in)."""

import base64
from urllib.parse import urlencode

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.http import next_url
from shelter.models import AuditEvent, User

from .forms import TwoFactorCodeForm
from .services import TwoFactorRefused, switch_two_factor, two_factor_device, unlock_account


def locked_out(request, response, credentials):
    """What django-axes shows at a locked log-in (the site's or the admin's): in the user's language."""
    return render(request, "registration/locked.html", {"minutes": settings.LOGIN_LOCKOUT_MINUTES}, status=429)


@login_required
@permission_required("shelter.unlock_account", raise_exception=True)
def locked_accounts(request):
    """Accounts locked after failed log-ins: a supervisor unlocks their station's, an administrator any."""
    users = User.objects.all() if request.user.sees_all_stations else User.objects.filter(station=request.user.station_id)
    names = set(users.values_list("username", flat=True))
    attempts = AccessAttempt.objects.order_by("-attempt_time")
    if not request.user.sees_all_stations:
        attempts = attempts.filter(username__in=names)
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username not in names:
            raise Http404
        unlocked = unlock_account(username=username)
        AuditEvent.record(request, AuditEvent.CHANGE, target=f"account {username}", unlocked=unlocked)
        messages.success(request, _("%(user)s can log in again.") % {"user": username})
        return redirect("accounts:locked")
    rows = [{"attempt": a, "known": a.username in names,
             "locked": a.failures_since_start >= settings.LOGIN_MAX_FAILURES} for a in attempts[:200]]
    return render(request, "accounts/locked.html", {"rows": rows})


@login_required
def two_factor(request):
    """Turn two-factor sign-in on (set it up, scan the code with an authenticator app, type the code it
    shows) or off (with a current code). Recommended for supervisors, station heads and administrators.
    Looking at the page writes nothing: the device is made by the "set up" button."""
    if request.method == "POST" and "set_up" in request.POST:
        two_factor_device(user=request.user)  # made, unconfirmed: its key is shown to be scanned
        return redirect("accounts:two_factor")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            on = switch_two_factor(user=request.user, code=form.cleaned_data["code"])
        except TwoFactorRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            AuditEvent.record(request, AuditEvent.CHANGE, target=f"two-factor {request.user.username}",
                              two_factor="on" if on else "off")
            messages.success(request, _("Two-factor sign-in is on: from now on the log-in asks for the code.") if on
                             else _("Two-factor sign-in is off."))
            return redirect("accounts:two_factor")
    device = TOTPDevice.objects.filter(user=request.user).first()  # looking at the page makes none
    if device is None:
        return render(request, "accounts/two_factor.html", {"device": None, "form": form})
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", {
        "device": device, "form": form, "qr": None if device.confirmed else segno.make(device.config_url).svg_data_uri(scale=4),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })


def admin_login(request):
    """The admin logs in through the site's own form: one lockout and one two-factor check for every way in."""
    target = next_url(request, "admin:index", source=request.GET)
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")
