from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShelterConfig(AppConfig):
    name = "shelter"
    verbose_name = _("Station register")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # receivers: transition log, lockout, roles; registers the Celery tasks, beat's included)
        from . import hooks, messages, receivers, tasks  # noqa: F401  (registers the message codes; connects the
        from .models import Decision
        from .services.stays import late_check_follows

        hooks.SECOND_CHECK_FOLLOWS[Decision.LATE_ENTRY_ACCEPTED] = late_check_follows
