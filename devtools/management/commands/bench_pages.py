"""Benchmark: the pages staff open all day, over a province's register: 1,000,000 stays, 100,000 open
tracing cases, 10 stations (PostgreSQL; SQLite works, slowly).

The data goes into a database of its own beside the configured one (`<name>_bench_pages`), built once
with bulk inserts and kept: the next run reuses it (building it takes minutes), `--rebuild` starts
again and `--drop` removes it at the end. Stays arrive over five years; about one in ten comes back
on an earlier file; the newest tenth are still open or unidentified, with an open tracing case each;
one entry in fifty was made late (a reason typed, not seen yet).

Times, with Django's test client, ~30 requests each: the supervisor's board, the people list (first
page, page 2, and each filter it offers; a station's supervisor and an administrator of every
station) and the late-entries page. Prints p50 and p95. Goal: each p95 under 200 ms.
"""

import datetime
import logging
import random
import statistics
import time

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.utils import timezone

from shelter.models import Person, Station, Stay, User
from tracing.models import TracingCase

from ...bench import SqlTimer, load_average

BATCH = 10_000
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国德福玉兰金凤春梅海燕志红"
GOAL_MS = 200


class Command(BaseCommand):
    help = "Time the board, the people list (each filter) and the late entries over 1,000,000 stays (kept database)."

    def add_arguments(self, parser):
        parser.add_argument("--stays", type=int, default=1_000_000)
        parser.add_argument("--open-cases", type=int, default=100_000)
        parser.add_argument("--stations", type=int, default=10)
        parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
        parser.add_argument("--rebuild", action="store_true", help="build the data again even if present")
        parser.add_argument("--drop", action="store_true", help="drop the benchmark's database at the end")

    def handle(self, *args, stays, open_cases, stations, requests, rebuild, drop, **options):
        settings.DEBUG = False
        logging.getLogger("axes").setLevel(logging.WARNING)  # a log line for every force_login otherwise
        creation = connection.creation
        old_name = connection.settings_dict["NAME"]
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench_pages"
        name = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=not rebuild)
        try:
            self.stdout.write(f"bench_pages: {connection.vendor} database {name} (kept; --drop removes it)")
            if Stay.objects.count() != stays or TracingCase.objects.filter(closed_at__isnull=True).count() != open_cases:
                start = time.perf_counter()
                self.clear()
                self.populate(stays, open_cases, stations)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have done on a live database
                self.stdout.write(f"  built {stays:,} stays, {open_cases:,} open cases in {stations} stations "
                                  f"in {time.perf_counter() - start:.0f} s")
            else:
                self.stdout.write(f"  reusing {stays:,} stays, {open_cases:,} open cases")
            self.bench(requests)
        finally:
            if drop:
                creation.destroy_test_db(old_name, verbosity=0)
            else:
                connection.close()
                connection.settings_dict["NAME"] = old_name

    def clear(self):
        if not Station.objects.exists():
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (TracingCase, Stay, Person, Station))
                cursor.execute(f"TRUNCATE {tables} CASCADE")
        else:
            for model in (TracingCase, Stay, Person, Station):
                model.objects.all().delete()
        User.objects.filter(username__startswith="bp-").delete()

    def populate(self, total, open_cases, n_stations):
        rng = random.Random(20261129)
        now = timezone.now()
        stations = Station.objects.bulk_create(
            Station(code=f"P{i:02d}", name=f"测试救助站{i:02d}", phone="020-0000") for i in range(n_stations))
        groups = {g.name: g for g in Group.objects.all()}
        users = []
        for station in stations:
            for role in ("reception", "supervisor"):
                user = User(username=f"bp-{station.code.lower()}-{role}", station=station, phone="13800000000")
                user.set_unusable_password()
                users.append((user, role))
        admin = User(username="bp-admin", is_superuser=True, is_staff=True)
        admin.set_unusable_password()
        User.objects.bulk_create([u for u, _r in users] + [admin])
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=groups[r].pk) for u, r in users]
            + [User.groups.through(user_id=admin.pk, group_id=groups["administrator"].pk)])
        staff = {u.station_id: u for u, r in users if r == "reception"}
        span = 5 * 365 * 86400
        first_open = total - open_cases  # the newest stays carry the open cases
        closed = []  # files whose stays have all ended: a repeat arrival comes back on one of them
        for first in range(0, total, BATCH):
            n = min(BATCH, total - first)
            people, rows = [], []
            for i in range(first, first + n):
                station = stations[i % n_stations]
                is_open = i >= first_open
                if closed and rng.random() < 0.1 and not is_open:
                    person = closed.pop(rng.randrange(len(closed)))
                else:
                    age = rng.randint(5, 85)
                    person = Person(station=station, file_no=f"{station.code}-P-{i:07d}", sex=rng.choice("MFU"),
                                    name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
                                    age_min=age, age_max=age + 10, created_at=now)
                    people.append(person)
                # Arrivals spread evenly over five years, in order: the open ones are the newest.
                arrived = now - datetime.timedelta(seconds=span * (1 - (i + rng.random()) / total)) - HOUR
                in_care = is_open and rng.random() < 0.4
                left = None if in_care else min(arrived + DAY * rng.uniform(0.1, 20), now - HOUR / 2)
                if left:
                    closed.append(person)
                late = rng.random() < 0.02
                rows.append(Stay(person=person, station_id=person.station_id, arrived_at=arrived, found_place="火车站", brought_by="police",
                                 state="in_care" if in_care else "departed", ended_at=left,
                                 identity="unknown" if is_open else rng.choice(["confirmed", "self_reported"]),
                                 staff_in_charge=staff[station.pk], entered_by=staff[station.pk],
                                 entered_at=arrived + (DAY * 2 if late else datetime.timedelta(minutes=10)),
                                 late=late, late_reason="纸质登记补录" if late else ""))
            Person.objects.bulk_create(people)
            for stay in rows:
                stay.person = stay.person  # the file's id, now that it is saved
            Stay.objects.bulk_create(rows)
            cases = []
            for i, stay in zip(range(first, first + n), rows):
                if i >= first_open:
                    case = TracingCase(stay=stay, arrival=stay, station_id=stay.person.station_id, opened_at=stay.arrived_at,
                                   found_at=stay.arrived_at)
                    case.plan()
                    if rng.random() < 0.8:
                        case.notice_met_at = stay.arrived_at + HOUR * rng.uniform(1, 30)
                    if rng.random() < 0.5:
                        case.dna_met_at = stay.arrived_at + DAY * rng.uniform(2, 9)
                    cases.append(case)
            TracingCase.objects.bulk_create(cases)
            if (first // BATCH) % 10 == 9:
                self.stdout.write(f"  {first + n:,} stays", ending="\r")
                self.stdout.flush()
        Person.objects.refresh_last_arrival()  # as shelter.services.upkeep keeps it for an arrival

    def bench(self, requests):
        station = Station.objects.order_by("code").first()
        supervisor = User.objects.get(username=f"bp-{station.code.lower()}-supervisor")
        admin = User.objects.get(username="bp-admin")
        month_ago = (timezone.localdate() - 30 * DAY).isoformat()
        year_ago = (timezone.localdate() - 365 * DAY).isoformat()
        pages = [
            (supervisor, "board (supervisor)", "/tracing/"),
            (supervisor, "people list, page 1", "/people/"),
            (supervisor, "people list, page 2", "/people/?page=2"),
            (supervisor, "people list, page 200", "/people/?page=200"),
            (supervisor, "people, search a name (王)", "/people/?q=王"),
            (supervisor, "people, search a file number", f"/people/?q={station.code}-P-0990000"),
            (supervisor, "people, state in care", "/people/?state=in_care"),
            (supervisor, "people, sex F", "/people/?sex=F"),
            (supervisor, "people, age 70", "/people/?age=70"),
            (supervisor, "people, arrived last 30 days", f"/people/?arrived_from={month_ago}"),
            (supervisor, "people, arrived before a year ago", f"/people/?arrived_to={year_ago}"),
            (supervisor, "people, all filters", f"/people/?q=王&state=departed&sex=M&age=40&arrived_from={year_ago}"),
            (admin, "people list, all stations (admin)", "/people/"),
            (admin, "people, search a name, all stations", "/people/?q=李"),
            (supervisor, "late entries (supervisor)", "/late/"),
        ]
        self.stdout.write(f"  {'page':42} {'p50':>8} {'p95':>8}  queries  [goal: p95 < {GOAL_MS} ms]")
        worst = 0
        for user, label, path in pages:
            client = Client(SERVER_NAME="localhost")
            client.force_login(user)
            response = client.get(path)  # warm up
            assert response.status_code == 200, (path, response.status_code)
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            timings = []
            with connection.execute_wrapper(SqlTimer(timings)):
                client.get(path)
            times.sort()
            p50, p95 = statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            worst = max(worst, p95)
            self.stdout.write(f"  {label:42} {p50:6.0f}ms {p95:6.0f}ms  {len(timings):3} ({sum(timings):.0f} ms)"
                              f"{'' if p95 < GOAL_MS else '  OVER'}")
        self.stdout.write(f"  worst p95 {worst:.0f} ms; load average {load_average()}")
