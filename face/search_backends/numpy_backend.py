"""Exact face search over an in-process numpy matrix: the backend for SQLite, the embedded default.

Every encoding is held in one float32 matrix (rows sorted by portrait id) with its squared norm, so a
search is one matrix-vector product, ||x||^2 - 2 x.q, and a partial sort: a few milliseconds for
100,000 faces (`manage.py bench_search` prints the figures).

Every row is the serving encoder's (face.reencoding swaps them all at once, which moves encoded_at):
the matrix is as wide as its encodings (128 for dlib, 512 for mobilefacenet).

Memory: 512 bytes of float32 per 128-d face (2,048 per 512-d) plus 12 bytes of id and norm and 44 of filtered facts, about
57 MB per 100,000 faces (570 MB per million), held once by each process that searches (web worker, Celery worker). A reload
briefly holds a second copy. A province's millions of faces belong on PostgreSQL (pgvector_backend).

Freshness, without timers:
- changes made in this process are seen by the very next search: post_save / post_delete and
  face.signals.portrait_encoded (the encoding task stores with a bare UPDATE) mark the portrait
  (face.receivers calls cache.mark_dirty), and the next search reads just the marked rows;
- changes made by other processes (the Celery worker encodes; another web worker) are seen within
  settings.FACE_SEARCH_RECHECK_SECONDS: at most that often a search asks the database for the number of
  encodings and the latest encoded_at (writers set encoded_at with every encoding and clear it with
  it), reads the rows encoded since, and reloads everything if the count still disagrees (a
  deletion). Without an index on encoded_at that question scans the table (about 45 ms per 100,000
  faces on SQLite), hence the interval instead of asking before every search.

Filters. nearest()'s own (station, sex, age, excluded persons) are tested here, on arrays of the
person's facts that each portrait row carries (person_id and Portrait.person_*), loaded with the matrix: a handful of vectorised
comparisons over the rows, then the product over the rows left (bench_search: at 100,000 faces the
database's list of allowed ids cost about 55 ms, the arrays well under 1 ms). The copies change with
the person's file (face/receivers.py), which moves encoded_at: every process sees it as above. A
narrower scope (a user's station, a queryset) is still evaluated by the database, which returns the
ids allowed.
"""

import datetime
import math
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from lib.dates import years_before

CHUNK = 20_000
MARGIN = 8  # extra candidates re-ranked with the exact difference, against rounding in ||x||^2 - 2 x.q


# The columns read with each encoding: the person's facts the filters test (Portrait.person_*).
FACT_COLUMNS = ("person_id", "person_station_id", "person_sex", "person_date_of_birth", "person_age_min",
                "person_age_max")
UNKNOWN = -1  # an unknown station, date of birth or age in the fact arrays


@dataclass(frozen=True)
class Facts:
    """The filtered facts of each snapshot row, as arrays (UNKNOWN where the file does not say)."""

    person: np.ndarray  # int64
    station: np.ndarray  # int64
    sex: np.ndarray  # "<U1": M, F or U
    born: np.ndarray  # int64, proleptic ordinal of the date of birth
    age_min: np.ndarray  # int64
    age_max: np.ndarray  # int64

    @classmethod
    def of(cls, rows):
        """From (person id, station id, sex, date of birth, age min, age max) tuples."""
        person, station, sex, born, age_min, age_max = zip(*rows) if rows else ((),) * 6
        known = lambda values: np.array([UNKNOWN if v is None else v for v in values], dtype=np.int64)  # noqa: E731
        return cls(known(person), known(station), np.array(sex, dtype="<U1"),
                   known(d.toordinal() if d else None for d in born), known(age_min), known(age_max))

    def take(self, order):
        return Facts(*(getattr(self, name)[order] for name in self.__dataclass_fields__))

    @property
    def nbytes(self):
        return sum(getattr(self, name).nbytes for name in self.__dataclass_fields__)

    @staticmethod
    def concatenate(parts):
        return Facts(*(np.concatenate([getattr(p, name) for p in parts]) for name in Facts.__dataclass_fields__))


@dataclass(frozen=True)
class Snapshot:
    ids: np.ndarray  # int64, sorted
    matrix: np.ndarray  # float32, one row per id
    sq_norms: np.ndarray  # float32
    signature: tuple  # (count, latest encoded_at)
    facts: Facts

    @property
    def nbytes(self):
        return self.ids.nbytes + self.matrix.nbytes + self.sq_norms.nbytes + self.facts.nbytes


def snapshot_of(ids, matrix, signature, facts):
    order = np.argsort(ids, kind="stable")
    ids, matrix = ids[order], np.ascontiguousarray(matrix[order], dtype=np.float32)
    return Snapshot(ids, matrix, np.einsum("ij,ij->i", matrix, matrix), signature, facts.take(order))


class MatrixCache:
    """One snapshot per database alias, swapped whole under a lock so searches never see a half merge."""

    def __init__(self):
        self._lock = threading.Lock()
        self._snapshots = {}
        self._checked = {}  # alias -> time.monotonic() of the last look at the table
        self._dirty = {}  # alias -> ids saved, encoded or deleted by this process since

    def mark_dirty(self, alias, pk):
        with self._lock:
            self._dirty.setdefault(alias, set()).add(pk)

    def invalidate(self, alias):
        """Look at the table again before the next search."""
        self._checked.pop(alias, None)

    def clear(self):
        with self._lock:
            self._snapshots.clear()
            self._checked.clear()
            self._dirty.clear()

    def snapshot(self, model, alias):
        snap = self._snapshots.get(alias)
        recheck = settings.FACE_SEARCH_RECHECK_SECONDS
        if snap is not None and not self._dirty.get(alias) and \
                time.monotonic() - self._checked.get(alias, -math.inf) < recheck:
            return snap
        with self._lock:
            dirty = self._dirty.pop(alias, set())
            signature = _signature(model, alias)
            self._checked[alias] = time.monotonic()
            snap = self._snapshots.get(alias)
            if snap is None or snap.signature != signature or dirty:
                snap = self._refresh(model, alias, snap, signature, dirty)
                self._snapshots[alias] = snap
            return snap

    def _refresh(self, model, alias, old, signature, dirty):
        count, latest = signature
        before = old.signature[1] if old is not None else None
        if before is None or (latest is not None and latest < before):  # nothing to start from, or rolled back
            return self._load(model, alias, signature)
        changed = Q(pk__in=dirty) | Q(encoded_at__gte=before)
        ids, matrix, facts, gone = [], [], [], set(dirty)
        for pk, encoding, encoded_at, *fact in model.objects.using(alias).filter(changed).values_list(
                "pk", "encoding", "encoded_at", *FACT_COLUMNS):
            gone.discard(pk)
            if encoding is None or encoded_at is None:
                gone.add(pk)
            else:
                ids.append(pk)
                matrix.append(encoding)
                facts.append(fact)
        replaced = np.array(ids + sorted(gone), dtype=np.int64)
        keep = ~np.isin(old.ids, replaced)
        kept = old.matrix[keep]
        if matrix and kept.shape[1] != len(matrix[0]):
            if len(kept):  # rows of two encoders: a swap under way elsewhere; read the table again
                return self._load(model, alias, signature)
            kept = np.empty((0, len(matrix[0])), dtype=np.float32)
        snap = snapshot_of(
            np.concatenate([old.ids[keep], np.array(ids, dtype=np.int64)]),
            np.vstack([kept, *([np.stack(matrix)] if matrix else [])]),
            signature,
            Facts.concatenate([old.facts.take(keep), Facts.of(facts)]),
        )
        if len(snap.ids) != count:  # deleted or un-encoded elsewhere: start again
            return self._load(model, alias, signature)
        return snap

    def _load(self, model, alias, signature):
        """Read every encoding. `signature` was taken before the read: rows encoded meanwhile change it,
        so the next look at the table picks them up."""
        rows = model.objects.using(alias).filter(encoded_at__isnull=False).order_by("pk").values_list(
            "pk", "encoding", *FACT_COLUMNS)
        ids, blocks, pending, facts = [], [], [], []
        width = None
        for pk, encoding, *fact in rows.iterator(chunk_size=CHUNK):
            if encoding is None:
                continue
            width = width or len(encoding)
            if len(encoding) != width:  # a row another encoder wrote during a switch (face.reencoding)
                continue
            ids.append(pk)
            pending.append(encoding)
            facts.append(fact)
            if len(pending) == CHUNK:
                blocks.append(np.stack(pending))
                pending = []
        if pending:
            blocks.append(np.stack(pending))
        matrix = np.concatenate(blocks) if blocks else np.empty((0, 0), dtype=np.float32)
        return snapshot_of(np.array(ids, dtype=np.int64), matrix, signature, Facts.of(facts))


def _signature(model, alias):
    """(number of encodings, latest encoded_at): two queries, each served by an index on encoded_at."""
    encoded = model.objects.using(alias).filter(encoded_at__isnull=False)
    return encoded.count(), encoded.aggregate(latest=Max("encoded_at"))["latest"]


cache = MatrixCache()


def search(query, k, scope, excluded_persons, filters=None):
    """The k nearest, exactly, among `scope` less the excluded persons. `filters` (face.search.Filters),
    when given, are all that narrows `scope`: they are tested on the snapshot's fact arrays."""
    model, alias = scope.model, scope.db
    for attempt in range(2):
        hits = nearest_ids(query, k, scope, excluded_persons, filters)
        portraits = model.objects.using(alias).select_related("person__station").in_bulk([pk for pk, _ in hits])
        if len(portraits) == len(hits) or attempt:
            # A portrait deleted between the search and this fetch is left out.
            return [(portraits[pk], distance) for pk, distance in hits if pk in portraits]
        # Deleted by another process since the cache last looked at the table: look again, once.
        cache.invalidate(alias)


def nearest_ids(query, k, scope, excluded_persons=(), filters=None):
    """[(portrait id, distance)] for the k nearest among `scope` less the excluded persons."""
    model, alias = scope.model, scope.db
    snap = cache.snapshot(model, alias)
    rows = drop = None
    if filters is not None:  # nearest()'s own filters only: tested here, on the fact arrays
        rows = filter_rows(snap, filters) if filters.narrow else None
        if excluded_persons:
            drop = np.flatnonzero(np.isin(snap.facts.person, np.array(excluded_persons, dtype=np.int64)))
        return nearest_rows(snap, query, k, rows, drop)
    if scope.query.where:  # something narrows the search: the database says which ids may be returned
        # Not asking for "encoded" lets SQLite answer from the person table and the person_id index,
        # without reading the portrait rows; ids that are not in the matrix are skipped anyway.
        rows = _rows(snap, scope.values_list("pk", flat=True))
    if excluded_persons:
        drop = _rows(snap, model.objects.using(alias).filter(person__in=excluded_persons).values_list("pk", flat=True))
    return nearest_rows(snap, query, k, rows, drop)


def nearest_rows(snap, query, k, rows=None, drop=None):
    """Exact k nearest among snapshot rows (all if None) less `drop`: [(id, distance)], nearest first."""
    if not len(snap.ids):
        return []
    if snap.matrix.shape[1] != len(query):
        raise ValueError(f"a face encoding of {len(query)} numbers searched among encodings of "
                         f"{snap.matrix.shape[1]} (another encoder's: face.reencoding)")
    if rows is not None:
        if drop is not None:
            rows = rows[~np.isin(rows, drop)]
        # A small subset: multiply only its rows; a large one: multiply all, then pick.
        if len(rows) * 4 < len(snap.ids):
            scores = snap.sq_norms[rows] - 2 * _products(snap.matrix[rows], query)
        else:
            scores = (snap.sq_norms - 2 * _products(snap.matrix, query))[rows]
    else:
        scores = snap.sq_norms - 2 * _products(snap.matrix, query)
        if drop is not None and len(drop):
            scores[drop] = np.inf
    take = min(k + MARGIN, len(scores))
    if take == 0:
        return []
    best = np.argpartition(scores, take - 1)[:take] if take < len(scores) else np.arange(len(scores))
    best = best[np.isfinite(scores[best])]
    if rows is not None:
        best = rows[best]
    distances = np.linalg.norm(snap.matrix[best] - query, axis=1)
    order = np.lexsort((snap.ids[best], distances))[:k]
    return [(int(snap.ids[best[i]]), float(distances[i])) for i in order]


def _products(matrix, query):
    """matrix @ query on one core. `@` hands a matrix-vector product to OpenBLAS, which spreads it over
    threads: on a busy two-core machine (web and Celery workers) that cost 15-18 ms for 5,000 or
    100,000 rows against 0.05 and 3-6 ms for einsum's single loop (measured 2026-11-29, load average 5)."""
    return np.einsum("ij,j->i", matrix, query)


def filter_rows(snap, filters, today=None):
    """Snapshot row numbers whose facts pass face.search.Filters, sorted: the same test as
    face.search.candidates() makes in SQL (shelter.models.age_overlaps), on the fact arrays."""
    facts = snap.facts
    keep = np.ones(len(snap.ids), dtype=bool)
    if filters.stations is not None:
        keep &= np.isin(facts.station, np.array(filters.stations, dtype=np.int64))
    if filters.sex is not None:
        keep &= (facts.sex == filters.sex) | (facts.sex == "U")
    if filters.age is not None:
        youngest, oldest = filters.age
        today = today or timezone.localdate()
        by_birth = facts.born != UNKNOWN
        by_estimate = ~by_birth
        if youngest is not None:
            by_birth &= facts.born <= _years_before_ordinal(today, youngest)
            by_estimate &= (facts.age_max == UNKNOWN) | (facts.age_max >= youngest)
        if oldest is not None:
            by_birth &= facts.born > _years_before_ordinal(today, oldest + 1)
            by_estimate &= (facts.age_min == UNKNOWN) | (facts.age_min <= oldest)
        keep &= by_birth | by_estimate
    return np.flatnonzero(keep)


def _years_before_ordinal(today, years):
    """years_before() as an ordinal; before year 1 every date of birth is after it."""
    return years_before(today, years).toordinal() if years < today.year else datetime.date.min.toordinal() - 1


def _rows(snap, ids):
    """Snapshot row numbers of these portrait ids, sorted; ids not (yet) in the snapshot are skipped."""
    ids = np.fromiter(ids.iterator(chunk_size=CHUNK), dtype=np.int64)
    found = np.searchsorted(snap.ids, ids)
    inside = found < len(snap.ids)
    found, ids = found[inside], ids[inside]
    return np.unique(found[snap.ids[found] == ids])
