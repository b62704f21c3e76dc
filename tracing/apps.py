from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "tracing"
    verbose_name = _("Family tracing")
    default_auto_field = "django.db.models.BigAutoField"
