"""python manage.py restore FILE: a backup into an empty database (migrated first) and MEDIA_ROOT."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from backups.archive import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database; needs $BACKUP_PASSPHRASE."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = restore_backup(file)
        except BackupError as e:
            raise CommandError(e.message, returncode=2) from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Restored {rows} records and {manifest['media_files']} media files "
                          f"from the backup of {manifest['created']}; counts checked.")
