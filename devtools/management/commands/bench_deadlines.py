"""Benchmark: the deadline sweep and the supervisor's board over 100,000 open tracing cases.

Runs in a throwaway database made beside the configured one (a temporary SQLite file, or a separate
PostgreSQL database named <name>_bench_deadlines), never in the developer's data; it is dropped at
the end. The cases are spread over 120 days of arrivals in 20 stations, most deadlines met as a
diligent station would, some not: the board has overdue and at-risk rows of every kind, and the
first sweep has a few hundred newly due reminders to send (the steady minute-by-minute sweep, none).
"""

import datetime
import os
import random
import time

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from face.models import Portrait
from shelter.models import Person, Station, Stay, User
from tracing import sweep
from tracing.models import Deadline, Stage, TracingCase, sent_field

from ...bench import SqlTimer, throwaway_database, timed

BATCH = 5000
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


class Command(BaseCommand):
    help = "Time the deadline sweep and the supervisor's board over 100,000 open cases (throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--stations", type=int, default=20)
        parser.add_argument("--runs", type=int, default=5, help="timed runs; the median is printed")

    def handle(self, *args, cases, stations, runs, **options):
        settings.DEBUG = False
        with throwaway_database() as (name, folder):
            settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
            settings.SMS_BACKEND = "lib.sms.FileBackend"
            settings.SMS_FILE_PATH = os.path.join(folder, "bench-sms.log")
            self.stdout.write(f"bench_deadlines: {connection.vendor} database {name} (throwaway)")
            start = time.perf_counter()
            supervisor, admin = self.populate(cases, stations)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # as autovacuum would have done on a live database
            self.stdout.write(f"  created {cases:,} open cases in {stations} stations in {time.perf_counter() - start:.0f} s")
            self.bench_sweep(runs)
            self.bench_board(supervisor, admin, runs)

    def populate(self, total, n_stations):
        rng = random.Random(20251001)
        now = timezone.now()
        stations = Station.objects.bulk_create(
            Station(code=f"B{i:02d}", name=f"测试救助站{i:02d}", phone="020-0000") for i in range(n_stations))
        users = []
        for station in stations:
            for role in ("reception", "supervisor"):
                user = User(username=f"{station.code.lower()}-{role}", station=station, email=f"{role}@{station.code}.test",
                            phone="13800000000")
                user.set_unusable_password()
                users.append((user, role))
        User.objects.bulk_create([u for u, _r in users])
        groups = {g.name: g for g in Group.objects.all()}
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=u.pk, group_id=groups[r].pk) for u, r in users)
        staff = {u.station_id: u for u, r in users if r == "reception"}
        admin = User.objects.create_superuser("bench-admin", "admin@bench.test", None)
        newly_due = set(rng.sample(range(total), 400))  # reminders the first sweep will send
        for first in range(0, total, BATCH):
            n = min(BATCH, total - first)
            people, stays = [], []
            for i in range(first, first + n):
                station = stations[i % n_stations]
                people.append(Person(station=station, file_no=f"{station.code}-B-{i:06d}", sex=rng.choice("MF"),
                                     age_min=20, age_max=80, created_at=now))
            Person.objects.bulk_create(people)
            for person in people:
                arrived = now - datetime.timedelta(seconds=rng.uniform(0, 120 * 86400))
                stays.append(Stay(person=person, station_id=person.station_id, arrived_at=arrived, found_place="火车站", brought_by="police",
                                  state="in_care", staff_in_charge=staff[person.station_id], entered_at=arrived))
            Stay.objects.bulk_create(stays)
            Portrait.objects.bulk_create(Portrait(person=p, image="portraits/bench.jpg", is_main=True) for p in people)
            TracingCase.objects.bulk_create(
                self.case(stay, now, rng, i in newly_due) for i, stay in zip(range(first, first + n), stays))
        return User.objects.get(username="b00-supervisor"), admin

    def case(self, stay, now, rng, newly_due):
        """A case as a station would have it today: most deadlines met in time, some missed."""
        case = TracingCase(stay=stay, arrival=stay, station_id=stay.person.station_id, opened_at=stay.arrived_at,
                                   found_at=stay.arrived_at)
        case.plan()
        arrived, age = stay.arrived_at, now - stay.arrived_at
        published = rng.random() < 0.97 if age > 24 * HOUR else age > 2 * HOUR and rng.random() < 0.5
        if published:
            case.notice_met_at = arrived + min(age, 20 * HOUR) * rng.uniform(0.05, 1)
        if case.notice_met_at:
            cycles = int((now - case.notice_met_at) / (30 * DAY))
            if cycles and rng.random() < 0.03:
                cycles -= 1  # a missed monthly refresh
            last = case.notice_met_at + cycles * 30 * DAY
            case.refresh_due_at = TracingCase.refresh_due(last)
            case.refresh_warn_at = TracingCase.warn_from(last, case.refresh_due_at)
        if rng.random() < (0.95 if age > 7 * DAY else 0.1):
            case.dna_met_at = arrived + min(age, 7 * DAY) * rng.uniform(0.6, 1)
        # Reminders of deadlines already at risk or overdue went out before, except for the newly due.
        for kind in Deadline.values:
            status = case.deadline_status(kind, now)
            if status in (Stage.AT_RISK, Stage.OVERDUE) and not newly_due:
                setattr(case, sent_field(kind, Stage.AT_RISK), now - HOUR)
                if status == Stage.OVERDUE:
                    setattr(case, sent_field(kind, Stage.OVERDUE), now - HOUR)
        return case

    def bench_sweep(self, runs):
        now = timezone.now()
        counts = {(k, s): TracingCase.objects.in_stage(k, s, now).count() for k in Deadline.values for s in Stage.values}
        self.stdout.write("  open cases by deadline: " + ", ".join(
            f"{k} {counts[(k, Stage.OVERDUE)]:,} overdue / {counts[(k, Stage.AT_RISK)]:,} at risk" for k in Deadline.values))
        start = time.perf_counter()
        sent = sweep.run()
        first = (time.perf_counter() - start) * 1000
        self.stdout.write(f"  sweep, first run: {len(sent)} reminders sent in {first:.0f} ms "
                          f"({first / max(len(sent), 1):.1f} ms per reminder: claim, notification, e-mail, SMS)")
        with CaptureQueriesContext(connection) as ctx:
            assert sweep.run() == []
        median, result = timed(sweep.run, runs)
        assert result == []
        self.stdout.write(f"  sweep, steady state (nothing new): {median:.1f} ms median of {runs}, "
                          f"{len(ctx.captured_queries)} queries  [goal: < 1000 ms]")
        for kind in Deadline.values:
            for stage in Stage.values:
                plan = sweep.candidates(kind, stage, now).explain()
                steps = [line.strip(" ->").split("  (")[0] for line in plan.splitlines()
                         if ("tracing_tracingcase" in line or " tc_" in line) and ("Scan" in line or "SEARCH" in line or "SCAN" in line)]
                self.stdout.write(f"    plan, sweep {kind} {stage}: " + " | ".join(steps))

    def bench_board(self, supervisor, admin, runs):
        for user, label, path in (
            (supervisor, "board, one station (supervisor)", "/tracing/"),
            (admin, "board, all stations (administrator)", "/tracing/"),
            (admin, "full list, page 20 of DNA overdue (administrator)", "/tracing/list/dna/overdue/?page=20"),
        ):
            client = Client(SERVER_NAME="localhost")
            client.force_login(user)
            assert client.get(path).status_code == 200  # warm up
            median, response = timed(lambda client=client, path=path: client.get(path), runs)
            assert response.status_code == 200
            timings = []
            with connection.execute_wrapper(SqlTimer(timings)):
                client.get(path)
            rows = response.content.decode().count('class="thumb"')
            self.stdout.write(f"  {label}: {median:.0f} ms median of {runs}, {len(timings)} queries taking "
                              f"{sum(timings):.1f} ms (slowest {max(timings):.1f} ms), {rows} rows shown")
