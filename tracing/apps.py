from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "tracing"
    verbose_name = _("Family tracing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shelter import timeline

        from . import report_signals, signals  # noqa: F401  (cases follow their stays, reports the register)
        from .duplicates import merge_events
        from .events import family_events, tracing_events

        for source in (tracing_events, family_events, merge_events):
            if source not in timeline.SOURCES:
                timeline.SOURCES.append(source)
        # Family reports and duplicate warnings first: they decide what the rest of the file means.
        if "tracing/_family_panel.html" not in timeline.PANELS:
            timeline.PANELS.insert(0, "tracing/_family_panel.html")
        if "tracing/_panel.html" not in timeline.PANELS:
            timeline.PANELS.append("tracing/_panel.html")
