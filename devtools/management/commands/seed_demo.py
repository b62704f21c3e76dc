"""Demo data: two stations, one user per role, people in every state, tracing cases with deadlines of
every kind, portraits and family reports. Safe to run again: it adds nothing if the demo stations
exist, and it prints the log-ins either way.

The command lives in tracing, the top layer, because it loads every app's demo in order: the register
(devtools.demo), the tracing cases (devtools.demo_tracing), then portraits and family reports (devtools.demo_family).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from shelter.models import Station, User

from ... import demo as register_demo
from ... import demo_exchange, demo_family, demo_problems
from ... import demo_tracing as tracing_demo


class Command(BaseCommand):
    help = "Load demo data (two stations, a user per role, people in every state, tracing, family reports)."

    def handle(self, *args, **options):
        if Station.objects.filter(code=register_demo.STATIONS[0][0]).exists():
            self.stdout.write("Demo data already loaded; nothing added.")
        else:
            with transaction.atomic():
                register_demo.load()
                tracing_demo.load()  # notices, queries and DNA requests for the board
                demo_family.load()  # residents' portraits and family reports for the search
                demo_problems.load()  # data-quality problems and a comparison with the police's list
                key = demo_exchange.load()  # partners: the police's death list by the API, a hotline's token
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            self.stdout.write(f"Demo API token of the tracing hotline (shown once; docs/api.md): {key}")
        self.print_logins()

    def print_logins(self):
        self.stdout.write("\nDemo log-ins (password for all: %s):" % register_demo.PASSWORD)
        for user in User.objects.filter(username__in=register_demo.usernames()).order_by("username"):
            self.stdout.write(f"  {user.username:22} {user.first_name} {user.station or '所有站点 / all stations'}")
        self.stdout.write("")
