from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "tracing"
    verbose_name = _("Family tracing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Tracing plugs into the register through its hooks; the register never imports tracing."""
        from shelter import hooks, timeline

        from . import finding, messages, receivers  # noqa: F401  (messages: registers the codes; receivers: connects them)
        from .timeline import SOURCES

        for source in SOURCES:
            if source not in timeline.SOURCES:
                timeline.SOURCES.append(source)
        # Family reports and duplicate warnings first: they decide what the rest of the file means.
        if "tracing/_family_panel.html" not in timeline.PANELS:
            timeline.PANELS.insert(0, "tracing/_family_panel.html")
        if "tracing/_panel.html" not in timeline.PANELS:
            timeline.PANELS.append("tracing/_panel.html")
        if finding.possible_duplicates not in hooks.DUPLICATE_FINDERS:
            hooks.DUPLICATE_FINDERS.append(finding.possible_duplicates)
        # Supervisors and station heads land on the deadline board.
        if ("tracing.view_board", "tracing:board") not in hooks.HOME_PAGES:
            hooks.HOME_PAGES.append(("tracing.view_board", "tracing:board"))
