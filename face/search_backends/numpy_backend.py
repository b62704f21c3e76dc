"""Exact face search over an in-process numpy matrix: the backend for SQLite, the embedded default.

Every encoding is held in one float32 matrix (rows sorted by portrait id) with its squared norm, so a
search is one matrix-vector product, ||x||^2 - 2 x.q, and a partial sort: about 5 ms for 100,000 faces
(`manage.py bench_search`).

Memory: 512 bytes of float32 per face plus 12 bytes of id and norm, about 52 MB per 100,000 faces
(524 MB per million), held once by each process that searches (web worker, Celery worker). A reload
briefly holds a second copy. A province's millions of faces belong on PostgreSQL (pgvector_backend).

Freshness without a timer: before each search one aggregate query (count of encodings, latest
encoded_at) is compared with the cached one. When the table moved on, only the rows encoded since (and
portraits saved or deleted by this process: post_save/post_delete mark them) are read and merged; a count
that still disagrees (a deletion elsewhere) reloads everything. Writers set encoded_at with every encoding.

Filters (station, sex, age, user scope) are evaluated by the database, which returns the ids allowed;
person data is never cached, so a corrected age or a moved file is searched correctly at once.
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save

CHUNK = 20_000
MARGIN = 8  # extra candidates re-ranked with the exact difference, against rounding in ||x||^2 - 2 x.q


@dataclass(frozen=True)
class Snapshot:
    ids: np.ndarray  # int64, sorted
    matrix: np.ndarray  # float32, one row per id
    sq_norms: np.ndarray  # float32
    signature: tuple  # (count, latest encoded_at)

    @property
    def nbytes(self):
        return self.ids.nbytes + self.matrix.nbytes + self.sq_norms.nbytes


def snapshot_of(ids, matrix, signature):
    order = np.argsort(ids, kind="stable")
    ids, matrix = ids[order], np.ascontiguousarray(matrix[order], dtype=np.float32)
    return Snapshot(ids, matrix, np.einsum("ij,ij->i", matrix, matrix), signature)


class MatrixCache:
    """One snapshot per database alias, swapped whole under a lock so searches never see a half merge."""

    def __init__(self):
        self._lock = threading.Lock()
        self._snapshots = {}
        self._dirty = {}  # alias -> ids saved or deleted by this process since the last refresh

    def mark_dirty(self, alias, pk):
        with self._lock:
            self._dirty.setdefault(alias, set()).add(pk)

    def clear(self):
        with self._lock:
            self._snapshots.clear()
            self._dirty.clear()

    def snapshot(self, model, alias):
        signature = _signature(model, alias)
        snap = self._snapshots.get(alias)
        if snap is not None and snap.signature == signature and not self._dirty.get(alias):
            return snap
        with self._lock:
            dirty = self._dirty.pop(alias, set())
            snap = self._snapshots.get(alias)
            if snap is None or snap.signature != signature or dirty:
                snap = self._refresh(model, alias, snap, signature, dirty)
                self._snapshots[alias] = snap
            return snap

    def _refresh(self, model, alias, old, signature, dirty):
        count, latest = signature
        if old is None or (latest is not None and old.signature[1] is not None and latest < old.signature[1]):
            return self._load(model, alias, signature)
        changed = Q(pk__in=dirty) | Q(encoding__isnull=False, encoded_at__isnull=True)
        if old.signature[1] is not None:
            changed |= Q(encoded_at__gte=old.signature[1])
        ids, matrix, gone = [], [], set(dirty)
        for pk, encoding in model.objects.using(alias).filter(changed).values_list("pk", "encoding"):
            gone.discard(pk)
            if encoding is None:
                gone.add(pk)
            else:
                ids.append(pk)
                matrix.append(encoding)
        replaced = np.array(ids + sorted(gone), dtype=np.int64)
        keep = ~np.isin(old.ids, replaced)
        snap = snapshot_of(
            np.concatenate([old.ids[keep], np.array(ids, dtype=np.int64)]),
            np.vstack([old.matrix[keep], *([np.stack(matrix)] if matrix else [])]),
            signature,
        )
        if len(snap.ids) != count:  # deleted or un-encoded elsewhere: start again
            return self._load(model, alias, signature)
        return snap

    def _load(self, model, alias, signature):
        rows = model.objects.using(alias).filter(encoding__isnull=False).order_by("pk").values_list("pk", "encoding")
        ids, blocks, pending = [], [], []
        for pk, encoding in rows.iterator(chunk_size=CHUNK):
            ids.append(pk)
            pending.append(encoding)
            if len(pending) == CHUNK:
                blocks.append(np.stack(pending))
                pending = []
        if pending:
            blocks.append(np.stack(pending))
        dimensions = model._meta.get_field("encoding").dimensions
        matrix = np.concatenate(blocks) if blocks else np.empty((0, dimensions), dtype=np.float32)
        # Rows encoded while reading may be missing: record what was read, so the next search looks again.
        return snapshot_of(np.array(ids, dtype=np.int64), matrix, (len(ids), signature[1]))


def _signature(model, alias):
    row = model.objects.using(alias).filter(encoding__isnull=False).aggregate(n=Count("pk"), latest=Max("encoded_at"))
    return row["n"], row["latest"]


cache = MatrixCache()


def _portrait_changed(sender, instance, using, **kwargs):
    cache.mark_dirty(using, instance.pk)


post_save.connect(_portrait_changed, sender="face.Portrait", dispatch_uid="face.search.numpy.save")
post_delete.connect(_portrait_changed, sender="face.Portrait", dispatch_uid="face.search.numpy.delete")


def search(query, k, scope, excluded_persons):
    """[(portrait id, distance)] for the k nearest, exactly, among `scope` less the excluded persons."""
    model, alias = scope.model, scope.db
    snap = cache.snapshot(model, alias)
    rows = drop = None
    if scope.query.where:  # something narrows the search: the database says which ids may be returned
        rows = _rows(snap, scope.filter(encoding__isnull=False).values_list("pk", flat=True))
    if excluded_persons:
        drop = _rows(snap, model.objects.using(alias).filter(person__in=excluded_persons).values_list("pk", flat=True))
    return nearest_rows(snap, query, k, rows, drop)


def nearest_rows(snap, query, k, rows=None, drop=None):
    """Exact k nearest among snapshot rows (all if None) less `drop`: [(id, distance)], nearest first."""
    if rows is not None:
        if drop is not None:
            rows = rows[~np.isin(rows, drop)]
        # A small subset: multiply only its rows; a large one: multiply all, then pick.
        if len(rows) * 4 < len(snap.ids):
            scores = snap.sq_norms[rows] - 2 * (snap.matrix[rows] @ query)
        else:
            scores = (snap.sq_norms - 2 * (snap.matrix @ query))[rows]
    else:
        scores = snap.sq_norms - 2 * (snap.matrix @ query)
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


def _rows(snap, ids):
    """Snapshot row numbers of these portrait ids, sorted; ids not (yet) in the snapshot are skipped."""
    ids = np.fromiter(ids.iterator(chunk_size=CHUNK), dtype=np.int64)
    found = np.searchsorted(snap.ids, ids)
    inside = found < len(snap.ids)
    found, ids = found[inside], ids[inside]
    return np.unique(found[snap.ids[found] == ids])
