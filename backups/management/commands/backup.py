"""python manage.py backup [--output DIR]: the database and the media files, in one encrypted file."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.archive import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and the media files into one file encrypted with $BACKUP_PASSPHRASE."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.VAR_DIR / "backups"), help="folder (default var/backups)")

    def handle(self, output, **options):
        try:
            path, manifest = make_backup(output)
        except BackupError as e:
            raise CommandError(e.message, returncode=2) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"{path} ({path.stat().st_size // 1024} KB): {rows} records, "
                          f"{manifest['media_files']} media files")
