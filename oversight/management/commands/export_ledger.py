"""A ledger as a file, for scripted use:

    manage.py export_ledger --station GZ --month 2026-03 --kind register --format xlsx [--output FILE]

Without --output the file is written to the current folder under its usual name. An unknown station, a
bad month, kind or format is a clear error and exit status 2. The export is written to the audit log
(no user: the command line)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shelter.models import AuditEvent, Station

from ... import exports, ledgers
from ...figures import parse_month


class Command(BaseCommand):
    help = "Export a station's ledger of a month as XLSX or CSV."

    def add_arguments(self, parser):
        parser.add_argument("--station", required=True, help="station code, e.g. GZ")
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--kind", required=True, choices=ledgers.KINDS)
        parser.add_argument("--format", required=True, choices=["xlsx", "csv"], dest="fmt")
        parser.add_argument("--output", help="file to write (default: the ledger's name in the current folder)")

    def fail(self, message):
        self.stderr.write(f"export_ledger: {message}")
        sys.exit(2)

    def handle(self, *args, station, month, kind, fmt, output=None, **options):
        found = Station.objects.filter(code=station).first()
        if found is None:
            known = ", ".join(Station.objects.values_list("code", flat=True)) or "none"
            self.fail(f"unknown station {station!r} (known: {known})")
        try:
            first = parse_month(month)
        except ValueError:
            self.fail(f"bad month {month!r}: give it as YYYY-MM, e.g. 2026-03")
        ledger = ledgers.build(kind, [found.pk], first, first)
        data = exports.export(fmt, ledger.title, ledger.headers, ledger.rows)
        path = Path(output or ledgers.file_name(kind, [found.code], first, first, fmt))
        try:
            path.write_bytes(data)
        except OSError as e:
            raise CommandError(f"cannot write {path}: {e.strerror}") from None
        AuditEvent.objects.create(station=found, action=AuditEvent.EXPORT, target=path.name[:200], path="manage.py export_ledger",
                                  detail={"stations": [found.code], "from": month, "to": month, "ledger": kind,
                                          "format": fmt, "rows": len(ledger.rows), "command": True})
        self.stdout.write(f"{path} ({len(ledger.rows)} rows)")
