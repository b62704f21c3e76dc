"""Benchmark: the public search and the notice feeds over many published notices.

    python manage.py bench_notices                          # 100,000 notices in 20 stations (the goal)
    python manage.py bench_notices --notices 2000 --runs 20   # small, for a shared machine

Runs in a throwaway database beside the configured one (see bench_deadlines), dropped at the end: on
PostgreSQL when the project is configured for it (DATABASE_URL), else a temporary SQLite file. Each
stay has a tracing case and one publication; one in ten is withdrawn (not shown, and the PFIF feed's
expired records). The public pages are asked through Django's test client, without log-in, with
the rate limit lifted: the search's first page, the search narrowed by sex, age and date, one station's
page, and the Atom, JSON Feed and PFIF feeds. p50 and p95 of `--runs` requests each.
Goal: p95 under 100 ms each with 100,000 notices on PostgreSQL."""

import datetime
import random
import statistics
import time

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.utils import timezone

from shelter.models import Person, Station, Stay, User
from tracing.models import Publication, TracingCase

from ...bench import SqlTimer, load_average, throwaway_database

BATCH = 5000
DAY = datetime.timedelta(days=1)


class Command(BaseCommand):
    help = "Time the public notice search and feeds over many published notices (throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--notices", type=int, default=100_000)
        parser.add_argument("--stations", type=int, default=20)
        parser.add_argument("--runs", type=int, default=50, help="requests per page; p50 and p95 are printed")

    def handle(self, *args, notices, stations, runs, **options):
        settings.DEBUG = False
        settings.PUBLIC_RATE = "1000000/s"
        with throwaway_database("bench_notices") as (name, _folder):
            self.stdout.write(f"bench_notices: {connection.vendor} database {name} (throwaway); "
                              f"load {load_average()}")
            start = time.perf_counter()
            self.populate(notices, stations)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(f"  created {notices:,} notices in {stations} stations in "
                              f"{time.perf_counter() - start:.0f} s")
            self.bench(runs)

    def populate(self, total, n_stations):
        rng = random.Random(20261205)
        now = timezone.now()
        stations = Station.objects.bulk_create(
            Station(code=f"S{i:02d}", name=f"测试救助站{i:02d}", phone=f"020-{i:04d}", address=f"测试市{i:02d}区")
            for i in range(n_stations))
        staff = User.objects.create_user("bench-reception", station=stations[0])
        staff.groups.add(Group.objects.get(name="reception"))
        for first in range(0, total, BATCH):
            n = min(BATCH, total - first)
            people, stays = [], []
            for i in range(first, first + n):
                station = stations[i % n_stations]
                age = rng.randint(5, 85)
                people.append(Person(station=station, file_no=f"{station.code}-N-{i:07d}", sex=rng.choice("MFU"),
                                     name=rng.choice(["", "", "王建国", "李秀英", "张三"]), age_min=age,
                                     age_max=age + 10, height_cm=rng.randint(140, 185), marks="左手缺小指",
                                     created_at=now))
            Person.objects.bulk_create(people)
            for person in people:
                arrived = now - DAY * rng.uniform(1, 3 * 365)
                stays.append(Stay(person=person, station_id=person.station_id, arrived_at=arrived, found_place=rng.choice(["火车站", "汽车站", "桥下"]),
                                  state="in_care", brought_by="police", entered_at=arrived, identity="unknown",
                                  clothing="蓝色外套", age_at_arrival=person.age_min))
            Stay.objects.bulk_create(stays)
            cases = []
            for stay in stays:
                case = TracingCase(stay=stay, arrival=stay, station_id=stay.person.station_id, opened_at=stay.arrived_at,
                                   found_at=stay.arrived_at)
                case.plan()
                case.notice_met_at = stay.arrived_at + datetime.timedelta(hours=2)
                cases.append(case)
            TracingCase.objects.bulk_create(cases)
            publications = []
            for case in cases:
                published = case.opened_at + datetime.timedelta(hours=2)
                gone = now - DAY * rng.uniform(0, 60) if rng.random() < 0.1 else None
                publications.append(Publication(
                    case=case, channel="national", published_at=published, reference=f"N-{case.pk}",
                    entered_at=published, entered_by=staff, state="withdrawn" if gone else "published",
                    withdrawn_at=gone, withdrawal_entered_at=gone))
            Publication.objects.bulk_create(publications)

    def bench(self, runs):
        today = timezone.localdate()
        pages = [
            ("search, first page", "/public/"),
            ("search: sex, age 40-60, found this year", f"/public/?sex=M&age_from=40&age_to=60&found_from={today:%Y}-01-01"),
            ("search: region, a station's words (1 in 20)", "/public/?region=测试市03"),
            ("search: region, a common place (1 in 3)", "/public/?region=火车站"),
            ("search: region, words found nowhere", "/public/?region=无此地"),
            ("search, page 1000 (of 1,800)", "/public/?page=1000"),
            ("one station's page", "/public/stations/S07/"),
            ("one station's page, page 20", "/public/stations/S07/?page=20"),
            ("Atom feed", "/public/feeds/notices.atom"),
            ("JSON Feed", "/public/feeds/notices.json"),
            ("PFIF 1.4 feed (50 notices, 50 expired records)", "/public/feeds/pfif.xml"),
            ("PFIF 1.4 feed, page 100 (the last expired records)", "/public/feeds/pfif.xml?page=100"),
        ]
        client = Client(SERVER_NAME="localhost")
        for label, path in pages:
            cache.clear()
            assert client.get(path).status_code == 200, path  # warm up
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, path
            timings = []
            with connection.execute_wrapper(SqlTimer(timings)):
                client.get(path)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            self.stdout.write(f"  {label}: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms of {runs}; "
                              f"{len(timings)} queries, {sum(timings):.1f} ms in SQL  [goal: p95 < 100 ms]")
