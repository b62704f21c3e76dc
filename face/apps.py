from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FaceConfig(AppConfig):
    name = "face"
    verbose_name = _("Portraits and face search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shelter import timeline

        from .timeline import portrait_events

        timeline.SOURCES.append(portrait_events)
        timeline.PANELS.append("face/_panel.html")
