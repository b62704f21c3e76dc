"""Benchmark: the data-quality sweep (oversight.problem_sweep) over 200,000 files, goal under 10 s on
PostgreSQL.

Runs in a throwaway database (see bench_deadlines). 200,000 files with a stay each in 20 stations, as a
careful station keeps them: most identified, with a portrait, their ID numbers agreeing; about 1 % break
one rule or another, so the first sweep raises a few thousand problems; the second sweep (the daily
steady state) raises none and closes none.
"""

import datetime
import os
import random
import time

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from lib import idcard
from oversight import problem_sweep
from oversight.models import Problem
from shelter.models import Belonging, Person, Station, Stay, User

from ...bench import throwaway_database

BATCH = 5000
DAY = datetime.timedelta(days=1)
GOAL_SECONDS = 10


def id_number(born, serial, male):
    first17 = f"440106{born:%Y%m%d}{serial % 100:02d}{(1 if male else 2) + 2 * (serial % 4)}"
    return first17 + idcard.check_char(first17)


class Command(BaseCommand):
    help = "Time the data-quality sweep over 200,000 files (throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--files", type=int, default=200_000)
        parser.add_argument("--stations", type=int, default=20)

    def handle(self, *args, files, stations, **options):
        settings.DEBUG = False
        with throwaway_database("bench_data_quality") as (name, folder):
            settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
            settings.SMS_BACKEND = "lib.sms.FileBackend"
            settings.SMS_FILE_PATH = os.path.join(folder, "bench-sms.log")
            self.stdout.write(f"bench_data_quality: {connection.vendor} database {name} (throwaway)")
            start = time.perf_counter()
            self.populate(files, stations)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(f"  created {files:,} files in {stations} stations in {time.perf_counter() - start:.0f} s")
            for label in ("first sweep", "second sweep (steady state)"):
                start = time.perf_counter()
                result = problem_sweep.run()
                seconds = time.perf_counter() - start
                verdict = "ok" if seconds < GOAL_SECONDS else f"OVER the {GOAL_SECONDS} s goal"
                self.stdout.write(f"  {label}: {seconds:.2f} s, {result.raised:,} raised, {result.fixed:,} fixed, "
                                  f"{len(result.reminders)} message(s) ({verdict})")
            self.stdout.write(f"  problems kept: {Problem.objects.count():,}")

    def populate(self, total, n_stations):
        rng = random.Random(20261129)
        now = timezone.now()
        stations = Station.objects.bulk_create(
            Station(code=f"Q{i:02d}", name=f"测试救助站{i:02d}") for i in range(n_stations))
        users = []
        for station in stations:
            for role in ("reception", "supervisor"):
                user = User(username=f"{station.code.lower()}-{role}", station=station, email=f"{role}@{station.code}.test")
                user.set_unusable_password()
                users.append((user, role))
        User.objects.bulk_create([u for u, _r in users])
        groups = {g.name: g for g in Group.objects.all()}
        User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=groups[r].pk) for u, r in users)
        staff = {u.station_id: u for u, r in users if r == "reception"}
        for first in range(0, total, BATCH):
            n = min(BATCH, total - first)
            people, stays, belongings = [], [], []
            for i in range(first, first + n):
                station = stations[i % n_stations]
                born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(60 * 365))
                male = rng.random() < 0.6
                known = rng.random() < 0.7
                number = id_number(born, i, male) if known else ""
                wrong = known and rng.random() < 0.005
                people.append(Person(
                    station=station, file_no=f"{station.code}-Q-{i:07d}", sex="M" if male else "F", name=f"测试{i}",
                    id_number=number, date_of_birth=(born + DAY if wrong else born) if known else None,
                    age_min=None if known else 20, age_max=None if known else 80, created_at=now))
            Person.objects.bulk_create(people)
            for person in people:
                arrived = now - datetime.timedelta(seconds=rng.uniform(0, 365 * 86400))
                open_ = rng.random() < 0.15
                police = rng.random() < 0.3
                stays.append(Stay(
                    person=person, station_id=person.station_id, arrived_at=arrived, found_place="火车站", brought_by="police" if police else "self",
                    handover_ref="" if police and rng.random() < 0.01 else ("J-1" if police else ""),
                    handover_document="handover/bench.pdf" if police else "",
                    identity="confirmed" if person.id_number or rng.random() < 0.97 else "unknown",
                    state="in_care" if open_ else "departed", staff_in_charge=staff[person.station_id],
                    entered_at=arrived, review_due_at=arrived + 10 * DAY if open_ and rng.random() < 0.02 else None))
            Stay.objects.bulk_create(stays)
            for stay in stays:
                if rng.random() < 0.3:
                    counted = stay.state != "departed" or rng.random() < 0.99
                    belongings.append(Belonging(stay=stay, item="手机", outcome="returned" if counted else ""))
            Belonging.objects.bulk_create(belongings)
