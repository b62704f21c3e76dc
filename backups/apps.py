from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """The whole database and the media files in one encrypted file, and its restore into an empty
    database (`manage.py backup`, `restore`; `make backup`, `make restore`). It knows no app: it reads
    every model through the app registry."""

    name = "backups"
    verbose_name = _("Backups")
