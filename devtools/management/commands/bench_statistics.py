"""Benchmark: the month's statistics over a province's year: 200,000 stays in 20 stations.

Runs in a throwaway database beside the configured one (see bench_deadlines), dropped at the end. Stays
arrive over the last 12 months; about one in ten is a repeat arrival of an earlier file; nearly all have
ended (departures of every kind, some with money, a few deaths); three in five have a tracing case, most
deadlines met, some late, some families found. Times the page of one station-month (station head) and
of all stations over the year (administrator), and the figures alone. Goal: each under a second.

"""

import datetime
import random
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.utils import timezone

from oversight import figures
from shelter.models import Death, Departure, DepartureKind, FoundChannel, Person, Station, Stay, User
from tracing.models import TracingCase

from ...bench import SqlTimer, throwaway_database, timed

BATCH = 5000
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
KINDS = [k for k in DepartureKind.values]
CHANNELS = [c for c in FoundChannel.values if c != FoundChannel.UNKNOWN]


class Command(BaseCommand):
    help = "Time the monthly statistics over 200,000 stays in 20 stations (throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--stays", type=int, default=200_000)
        parser.add_argument("--stations", type=int, default=20)
        parser.add_argument("--runs", type=int, default=5, help="timed runs; the median is printed")

    def handle(self, *args, stays, stations, runs, **options):
        settings.DEBUG = False
        with throwaway_database("bench_statistics") as (name, _folder):
            self.stdout.write(f"bench_statistics: {connection.vendor} database {name} (throwaway)")
            start = time.perf_counter()
            head, admin = self.populate(stays, stations)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(f"  created {stays:,} stays in {stations} stations in {time.perf_counter() - start:.0f} s")
            self.bench(head, admin, runs)

    def populate(self, total, n_stations):
        rng = random.Random(20260301)
        now = timezone.now()
        stations = Station.objects.bulk_create(
            Station(code=f"S{i:02d}", name=f"测试救助站{i:02d}") for i in range(n_stations))
        head = User.objects.create_user("bench-head", station=stations[0])
        head.groups.add(Group.objects.get(name="station_head"))
        admin = User.objects.create_user("bench-admin", station=None)
        admin.groups.add(Group.objects.get(name="administrator"))
        closed = []  # files whose stays have all ended: a repeat arrival comes back on one of them
        for first in range(0, total, BATCH):
            n = min(BATCH, total - first)
            batch_people, rows, ends = [], [], {}
            for i in range(first, first + n):
                station = stations[i % n_stations]
                if closed and rng.random() < 0.1:
                    person = closed.pop(rng.randrange(len(closed)))
                else:
                    person = Person(station=station, file_no=f"{station.code}-S-{i:06d}", sex=rng.choice("MFU"),
                                    age_min=rng.randint(5, 80), created_at=now)
                    person.age_max = person.age_min + 10
                    batch_people.append(person)
                arrived = now - datetime.timedelta(seconds=rng.uniform(2 * 3600, 365 * 86400))
                left = None
                if rng.random() < 0.93:
                    left = min(arrived + DAY * rng.uniform(0.1, 40), now - HOUR)
                    closed.append(person)
                state = "in_care" if left is None else "deceased" if rng.random() < 0.01 else "departed"
                rows.append(Stay(person=person, station_id=person.station_id, arrived_at=arrived, found_place="火车站", state=state,
                                 brought_by=rng.choice(["police", "urban", "self"]), entered_at=arrived,
                                 identity=rng.choice(["unknown", "confirmed", "self_reported"]),
                                 age_at_arrival=person.age_at(arrived), ended_at=left))
                ends[id(rows[-1])] = left
            Person.objects.bulk_create(batch_people)
            for stay in rows:
                stay.person = stay.person  # the file's id, now that it is saved
            Stay.objects.bulk_create(rows)
            departures, deaths, cases = [], [], []
            for stay in rows:
                left = ends[id(stay)]
                if stay.state == "departed":
                    kind = rng.choice(KINDS)
                    paid = kind in ("ticket", "escorted") and rng.random() < 0.7
                    departures.append(Departure(
                        stay=stay, kind=kind, departed_at=left, counted_at=left, entered_at=left,
                        ticket_amount=Decimal(rng.randint(50, 500)) if paid else None,
                        allowance=Decimal(rng.choice([20, 50, 100])) if paid else None, receipt_no=f"R{stay.pk}" if paid else "",
                        found_channel=rng.choice(CHANNELS) if kind == "family" else ""))
                elif stay.state == "deceased":
                    deaths.append(Death(stay=stay, died_at=left, entered_at=left, place="医院", cause="病故",
                                        proof_kind="medical", proof="death/bench.pdf"))
                if stay.identity != "confirmed":
                    cases.append(self.case(stay, left, now, rng))
            Departure.objects.bulk_create(departures)
            Death.objects.bulk_create(deaths)
            TracingCase.objects.bulk_create(cases)
        Stay.objects.all().mark_repeats()  # as register_arrival keeps it (shelter.services.upkeep)
        return head, admin

    def case(self, stay, left, now, rng):
        found = bool(left) and stay.state == "departed" and rng.random() < 0.4
        values = {"state": "family_found" if found else "closed", "closed_at": left,
                  "close_cause": "family" if found else "stay_ended",
                  "found_channel": rng.choice(CHANNELS) if found else ""} if left else {}
        case = TracingCase(stay=stay, arrival=stay, station_id=stay.person.station_id, opened_at=stay.arrived_at,
                                   found_at=stay.arrived_at, **values)
        case.plan()
        if rng.random() < 0.9:
            case.notice_met_at = stay.arrived_at + HOUR * rng.uniform(1, 30)
        if rng.random() < 0.6:
            case.dna_met_at = stay.arrived_at + DAY * rng.uniform(2, 9)
        return case

    def bench(self, head, admin, runs):
        last = figures.this_month()
        first = figures.month_range(last.replace(year=last.year - 1), last)[1]
        station_ids = list(Station.objects.values_list("pk", flat=True))
        median, stats = timed(lambda: figures.compute(None, first, last), runs)
        self.stdout.write(f"  figures, all stations over 12 months: {median:.0f} ms median of {runs} "
                          f"({stats.value('arrivals'):,} arrivals, {stats.value('departures'):,} departures)  "
                          "[goal: < 1000 ms]")
        month = f"{last:%Y-%m}"
        for user, label, path in (
            (head, "page, one station-month (station head)", f"/oversight/month/?start={month}"),
            (admin, "page, all stations over 12 months (administrator)", f"/oversight/month/?start={first:%Y-%m}&end={month}"),
            (admin, "register ledger XLSX, one station-month", f"/oversight/month/ledgers/register.xlsx?start={month}"
                                                               f"&station={station_ids[0]}"),
        ):
            client = Client(SERVER_NAME="localhost")
            client.force_login(user)
            assert client.get(path).status_code == 200  # warm up
            median, response = timed(lambda client=client, path=path: client.get(path), runs)
            assert response.status_code == 200
            timings = []
            with connection.execute_wrapper(SqlTimer(timings)):
                client.get(path)
            self.stdout.write(f"  {label}: {median:.0f} ms median of {runs}, {len(timings)} queries taking "
                              f"{sum(timings):.1f} ms (slowest {max(timings):.1f} ms)  [goal: < 1000 ms]")
