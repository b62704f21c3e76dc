from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Partner systems and the monthly exchange")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from oversight import hooks

        from . import views

        hooks.QUERY_PANELS.append(views.query_panel)
