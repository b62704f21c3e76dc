from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "tracing"
    verbose_name = _("Family tracing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Tracing plugs into the register through its hooks; the register never imports tracing."""
        from shelter import hooks, timeline
        from shelter.models import Decision

        from . import messages, receivers  # noqa: F401  (messages: registers the codes; receivers: connects them)
        from .selectors import after_the_fact_for
        from .services import case_close_checked, identity_checked, stated_time_checked
        from .timeline import SOURCES

        hooks.SECOND_CHECK_FOLLOWS[Decision.IDENTITY_CONFIRMED] = identity_checked
        hooks.SECOND_CHECK_FOLLOWS[Decision.CASE_CLOSED] = case_close_checked
        hooks.SECOND_CHECK_FOLLOWS[Decision.STATED_TIME_ACCEPTED] = stated_time_checked
        if after_the_fact_for not in hooks.LATE_STEPS:
            hooks.LATE_STEPS.append(after_the_fact_for)

        for source in SOURCES:
            if source not in timeline.SOURCES:
                timeline.SOURCES.append(source)
        if "tracing/_panel.html" not in timeline.PANELS:
            timeline.PANELS.append("tracing/_panel.html")
