from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FaceConfig(AppConfig):
    name = "face"
    verbose_name = _("Portraits and face search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shelter import timeline

        from . import receivers  # noqa: F401  (connects them: merges, the search matrix)
        from .timeline import portrait_events

        if portrait_events not in timeline.SOURCES:
            timeline.SOURCES.append(portrait_events)
        if "face/_panel.html" not in timeline.PANELS:
            timeline.PANELS.append("face/_panel.html")
