from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in: the log-in with django-axes' lockout and django-otp's two-factor code, the locked
    accounts and their unlocking. The users themselves are the register's (shelter.User)."""

    name = "accounts"
    verbose_name = _("Signing in")
