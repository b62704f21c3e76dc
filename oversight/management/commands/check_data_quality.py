from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from ... import problem_sweep


class Command(BaseCommand):
    help = "Run one data-quality sweep now: raise new problems, close fixed ones, send reminders."

    def handle(self, *args, **options):
        now = timezone.now()
        result = problem_sweep.run(now)
        for station, recipients, count, what in result.reminders:
            to = ", ".join(u.get_username() for u in recipients) or _("nobody (the station has no supervisor)")
            self.stdout.write(f"{station.code} {what}: {count} -> {to}")
        self.stdout.write(_("%(raised)s problem(s) raised, %(fixed)s closed as fixed at %(time)s.") % {
            "raised": result.raised, "fixed": result.fixed,
            "time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S")})
