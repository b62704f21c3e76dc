from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from shelter import sweep as review_sweep
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
        reviews = review_sweep.run(now)
        for stay in reviews:
            self.stdout.write(f"{stay.get_review_point_display()} · {stay.person.display_name} ({stay.person.file_no})")
        deaths, bodies = review_sweep.death_reports(now), review_sweep.body_claims(now)
        for label, person in ([(_("Death report up the chain"), d.stay.person) for d in deaths]
                              + [(_("Claim of an unclaimed body"), b.death.stay.person) for b in bodies]):
            self.stdout.write(f"{label} · {person.display_name} ({person.file_no})")
        checks = review_sweep.remind_checks(now)
        for check in checks:
            self.stdout.write(f"{check.get_state_display()} · {check.get_decision_display()}")
        self.stdout.write(_("%(count)s reminder(s) sent at %(time)s.") % {
            "count": len(reminders) + len(reviews) + len(deaths) + len(bodies) + len(checks),
            "time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S")})
