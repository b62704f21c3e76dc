from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "tracing"
    verbose_name = _("Family tracing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shelter import timeline

        from . import signals  # noqa: F401  (cases follow their stays)
        from .events import tracing_events

        if tracing_events not in timeline.SOURCES:
            timeline.SOURCES.append(tracing_events)
        if "tracing/_panel.html" not in timeline.PANELS:
            timeline.PANELS.append("tracing/_panel.html")
