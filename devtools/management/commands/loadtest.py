"""The database side of `make loadtest` (deploy/loadtest/run.sh): the staff the simulated users log in
as, and, after the run, how long the queued work took.

    manage.py loadtest --prepare --frames DIR # 50 staff over the two demo stations (after seed_demo), and
                                              # 640x480 webcam frames of the frontal test portraits in DIR
    manage.py loadtest --prepare --api-token FILE  # also a partner system (a tracing hotline) filing
                                              # family reports by the API: its token's key in FILE
    manage.py loadtest --report --since ISO   # encoding and search latency of the work asked since then

The latency is read from the records the work leaves, never from the queue: a portrait's encoding is
done at `encoded_at` (asked at `taken_at`), its search when its face-search audit event was written; a
family report's search when the first face-search audit event names it, else at `searched_at` (which a
later matching portrait moves on), asked at `reported_at`.
"""

import datetime
import json
import statistics
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from PIL import Image

from exchange.models import Capability, Partner, PartnerKind
from exchange.services import issue_token
from face.models import Portrait
from family.models import FamilyReport
from shelter.models import AuditEvent, Station, User

from ... import demo
from ...images import GOOD, faces_dir, frame, jpeg

PREFIX = "lt-"
# Per station: the desk (reception) and the supervisors who review candidates and read the board.
STAFF = {"reception": 20, "supervisor": 5}


def usernames():
    return [f"{PREFIX}{code.lower()}-{role}-{n:02}" for code, *_ in demo.STATIONS for role, count in STAFF.items()
            for n in range(1, count + 1)]


class Command(BaseCommand):
    help = "Load test: create its staff (--prepare), or report the latency of the queued work (--report)."

    def add_arguments(self, parser):
        parser.add_argument("--prepare", action="store_true")
        parser.add_argument("--password", default=demo.PASSWORD)
        parser.add_argument("--frames", help="folder for the webcam frames the simulated desks upload")
        parser.add_argument("--api-token", help="file for the key of the load test's partner system's API token")
        parser.add_argument("--report", action="store_true")
        parser.add_argument("--since", help="ISO date-time: the start of the run")
        parser.add_argument("--json", help="also write the figures to this file")

    def handle(self, *args, **options):
        if options["prepare"]:
            self.prepare(options["password"])
        if options["frames"]:
            self.frames(Path(options["frames"]))
        if options["api_token"]:
            self.partner(Path(options["api_token"]))
        if options["report"]:
            since = parse_datetime(options["since"] or "")
            if since is None:
                raise CommandError("--report needs --since with an ISO date-time")
            figures = self.latency(since)
            for name, row in figures.items():
                self.stdout.write(f"{name:24} n={row['n']:4}  p50 {row['p50']:6.2f} s  p95 {row['p95']:6.2f} s  "
                                  f"max {row['max']:6.2f} s  over 10 s: {row['over_10s']}  not done: {row['not_done']}")
            if options["json"]:
                with open(options["json"], "w") as f:
                    json.dump(figures, f, indent=1)

    def prepare(self, password):
        stations = {s.code: s for s in Station.objects.filter(code__in=[c for c, *_ in demo.STATIONS])}
        if len(stations) != len(demo.STATIONS):
            raise CommandError("run seed_demo first: the load test works at the demo stations")
        made = 0
        for username in usernames():
            _prefix, code, role, _n = username.split("-")
            if User.objects.filter(username=username).exists():
                continue
            user = User.objects.create_user(username, password=password, station=stations[code.upper()],
                                            first_name=username, email=f"{username}@example.org")
            user.groups.add(Group.objects.get(name=role))
            made += 1
        self.stdout.write(f"{made} load-test staff created ({len(usernames())} in all).")

    def partner(self, path):
        """A tracing hotline filing family reports for both demo stations and reading their status (the
        partner API's report goal is the desk's), its token's key written to `path`."""
        stations = list(Station.objects.filter(code__in=[c for c, *_ in demo.STATIONS]))
        admin = User.objects.filter(Q(is_superuser=True) | Q(groups__name="administrator")).order_by("pk").first()
        if admin is None:
            raise CommandError("run seed_demo first: an administrator gives the partner's token")
        partner, _made = Partner.objects.get_or_create(
            code=f"{PREFIX}hotline", defaults={"name": "压力测试 寻亲热线", "kind": PartnerKind.HOTLINE, "responsible": admin})
        partner.stations.set(stations)
        _token, key = issue_token(partner=partner, stations=stations, by=admin, label="load test",
                                  capabilities=[Capability.FILE_REPORTS, Capability.READ_REPORTS],
                                  expires_at=timezone.now() + datetime.timedelta(days=7))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key)
        self.stdout.write(f"API token of {partner.name} in {path}.")

    def frames(self, folder):
        faces = faces_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for name in GOOD:
            (folder / f"{name}.jpg").write_bytes(jpeg(frame(Image.open(faces / f"{name}.jpg"), (640, 480))))
        self.stdout.write(f"{len(GOOD)} webcam frames in {folder}.")

    def latency(self, since):
        staff = User.objects.filter(username__startswith=PREFIX)
        portraits = Portrait.objects.filter(taken_at__gte=since, taken_by__in=staff, accepted=True, person__isnull=False)
        encodings = [p.encoded_at - p.taken_at if p.encoded_at else None
                     for p in portraits.only("taken_at", "encoded_at")]
        searched = {}
        for detail, at in AuditEvent.objects.filter(action=AuditEvent.FACE_SEARCH, at__gte=since, user__in=staff,
                                                    detail__has_key="portrait").values_list("detail", "at"):
            searched[detail["portrait"]] = min(at, searched.get(detail["portrait"], at))
        portrait_searches = [searched[p.pk] - p.taken_at if p.pk in searched else None
                             for p in portraits.filter(encoded_at__isnull=False).only("taken_at")]
        # searched_at is the last search (a later portrait that matches the report searches it again):
        # the first search is the first face-search audit event naming the report, else searched_at.
        first_search = {}
        for detail, at in AuditEvent.objects.filter(action=AuditEvent.FACE_SEARCH, at__gte=since,
                                                    detail__has_key="report").values_list("detail", "at"):
            first_search[detail["report"]] = min(at, first_search.get(detail["report"], at))
        def searches(reports):
            delays = []
            for report in reports:
                done = min(filter(None, [first_search.get(report.reference), report.searched_at]), default=None)
                delays.append(done - report.reported_at if done else None)
            return delays

        reports = FamilyReport.objects.filter(reported_at__gte=since)
        return {"portrait encoding": summary(encodings), "portrait search": summary(portrait_searches),
                "family report search": summary(searches(reports.filter(taken_by__in=staff))),
                "API report search": summary(searches(reports.filter(
                    partner_filing__partner__code=f"{PREFIX}hotline")))}


def summary(delays):
    done = sorted(d.total_seconds() for d in delays if d is not None)
    if not done:
        return {"n": 0, "p50": 0.0, "p95": 0.0, "max": 0.0, "over_10s": 0, "not_done": len(delays)}
    return {"n": len(done), "p50": statistics.median(done), "p95": done[min(len(done) - 1, int(0.95 * len(done)))],
            "max": done[-1], "over_10s": sum(d > datetime.timedelta(seconds=10).total_seconds() for d in done),
            "not_done": len(delays) - len(done)}
