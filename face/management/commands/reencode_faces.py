"""Re-encode every portrait with the encoder settings.FACE_ENCODER names: `manage.py reencode_faces`.

Resumable: a portrait done keeps its new vector aside (face.reencoding), so a run stopped half-way
goes on where it stopped. The searches use the old encodings until the last portrait is done; then all
are switched at once, and the family app re-encodes its report photos. --batch N does N and stops.
"""

import sys

from django.core.management.base import BaseCommand

from face import encoders
from face.reencoding import reencode, serving_encoder, switching, to_reencode


class Command(BaseCommand):
    help = "Re-encode the portraits with the active face encoder (resumable), then switch the searches to it."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=None, help="encode at most this many, then stop")
        parser.add_argument("--database", default="default")

    def handle(self, batch=None, database="default", **options):
        active = switching(database)
        if active is None:
            self.stdout.write(f"Every encoding is already {encoders.label()}'s: nothing to do.")
            return
        self.stdout.write(f"Searches use {serving_encoder(database)}; encoding with {active}: "
                          f"{to_reencode(database).count()} portraits to go.")
        done, left = reencode(using=database, limit=batch, progress=self.progress)
        self.stdout.write("")
        if left:
            self.stdout.write(f"{done} encoded, {left} left: run the command again to go on (searches still use "
                              f"{serving_encoder(database)}).")
        else:
            self.stdout.write(self.style.SUCCESS(f"{done} encoded; the searches now use {active}."))

    def progress(self, done, total):
        width = 30
        filled = width * done // max(total, 1)
        stream = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
        if stream.isatty():
            self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        elif done == total or done % 100 == 0:
            self.stdout.write(f"{done}/{total}")
