from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "family"
    verbose_name = _("Finding the family")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Family finding plugs into the register and tracing through their hooks; neither imports it."""
        from shelter import hooks, timeline
        from shelter.models import Decision
        from tracing import hooks as tracing_hooks

        from . import finding, messages, receivers  # noqa: F401  (messages: registers the codes; receivers: connects them)
        from .interview import report_leads
        from .services import duplicate_checked, match_checked
        from .timeline import SOURCES

        for source in SOURCES:
            if source not in timeline.SOURCES:
                timeline.SOURCES.append(source)
        # Family reports and duplicate warnings first: they decide what the rest of the file means.
        if "family/_family_panel.html" not in timeline.PANELS:
            timeline.PANELS.insert(0, "family/_family_panel.html")
        hooks.SECOND_CHECK_FOLLOWS[Decision.DUPLICATE_DISMISSED] = duplicate_checked
        hooks.SECOND_CHECK_FOLLOWS[Decision.MATCH_CONFIRMED] = match_checked
        if finding.possible_duplicates not in hooks.DUPLICATE_FINDERS:
            hooks.DUPLICATE_FINDERS.append(finding.possible_duplicates)
        if report_leads not in tracing_hooks.INTERVIEW_PANELS:
            tracing_hooks.INTERVIEW_PANELS.append(report_leads)
