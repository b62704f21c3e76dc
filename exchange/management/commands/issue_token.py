"""Give a partner system an API token from the command line (as the tokens page does), e.g.

    manage.py issue_token --partner gz-police --by admin --station GZ --capability file_reports \
        --capability read_reports --days 90

Prints the token once: only its hash is kept."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exchange import services
from exchange.models import Capability, Partner
from shelter.models import Station, User


class Command(BaseCommand):
    help = "Give a partner system an API token (printed once)."

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="the partner's code")
        parser.add_argument("--by", required=True, help="the username of the supervisor or administrator giving it")
        parser.add_argument("--station", action="append", required=True, help="a station code (repeat for more)")
        parser.add_argument("--capability", action="append", required=True, choices=Capability.values)
        parser.add_argument("--days", type=int, default=180)
        parser.add_argument("--label", default="")

    def handle(self, *args, **options):
        try:
            partner = Partner.objects.get(code=options["partner"])
            by = User.objects.get(username=options["by"])
        except (Partner.DoesNotExist, User.DoesNotExist) as e:
            raise CommandError(str(e)) from None
        stations = list(Station.objects.filter(code__in=options["station"]))
        if len(stations) != len(set(options["station"])):
            raise CommandError("unknown station code")
        try:
            _token, key = services.issue_token(
                partner=partner, stations=stations, capabilities=options["capability"], by=by, label=options["label"],
                expires_at=timezone.now() + datetime.timedelta(days=options["days"]))
        except services.TokenRefused as e:
            raise CommandError(str(e.message)) from None
        self.stdout.write(key)
