from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Published notices")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """The case page offers each platform's upload package beside the printed notice."""
        from tracing import hooks

        from .packages import package_links

        if package_links not in hooks.NOTICE_LINKS:
            hooks.NOTICE_LINKS.append(package_links)
