"""What signing in accepts: the log-in with its two-factor code, and the code that turns two-factor
sign-in on or off."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device

from lib.text import SingleLineInputs


class TwoFactorLoginForm(AuthenticationForm):
    """The log-in, for the site and the admin alike: user name and password, and the authenticator app's
    six-digit code for a user who turned two-factor sign-in on. A wrong code counts as a failed log-in
    (django-axes locks the account and the address after too many)."""

    otp_token = forms.CharField(label=_("code from the authenticator app"), required=False, max_length=8,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
                                help_text=_("Only if you turned two-factor sign-in on."))

    def clean(self):
        data = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            token = (data.get("otp_token") or "").strip()
            device = match_token(user, token) if token else None
            if device is None:
                user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                                       request=self.request)
                raise forms.ValidationError(
                    _("Enter the current six-digit code from your authenticator app.") if not token
                    else _("This code is not right, or has expired: enter the current one."), code="otp")
            user.otp_device = device  # django-otp marks the session verified on log-in
        return data


class TwoFactorCodeForm(SingleLineInputs, forms.Form):
    code = forms.CharField(label=_("code from the authenticator app"), max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
