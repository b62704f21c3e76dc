from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Oversight")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Supervisors and station heads land on the deadline board (shelter.hooks.HOME_PAGES)."""
        from shelter import hooks
        from shelter.models import Decision

        from . import messages  # noqa: F401  (registers the codes)
        from .figures import figure_target
        from .services import problem_checked

        hooks.SECOND_CHECK_FOLLOWS[Decision.PROBLEM_ACCEPTED] = problem_checked

        hooks.AUDIT_TARGETS["figure"] = figure_target
        # The inspector's one write: a finding on a station.
        hooks.READ_ONLY_WRITES["oversight:findings"] = "oversight.record_finding"
        if ("tracing.view_board", "oversight:board") not in hooks.HOME_PAGES:
            hooks.HOME_PAGES.append(("tracing.view_board", "oversight:board"))

