from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from tracing import sweep
from tracing.models import Deadline, Stage


class Command(BaseCommand):
    help = "Run one deadline sweep now and print the reminders it sent."

    def handle(self, *args, **options):
        now = timezone.now()
        reminders = sweep.run(now)
        for r in reminders:
            person = r.case.stay.person
            to = ", ".join(u.get_username() for u in r.recipients) or _("nobody (the station has no supervisor)")
            self.stdout.write(
                f"{Stage(r.stage).label}: {Deadline(r.kind).label} · {person.display_name} ({person.file_no}) -> {to}"
            )
        self.stdout.write(_("%(count)s reminder(s) sent at %(time)s.") % {
            "count": len(reminders), "time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S")})
