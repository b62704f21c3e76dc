"""Face search: the encoded portraits nearest to a face encoding, nearest first.

`nearest()` is the one entry point (rules of the house): callers never know which backend answers.
The backend follows the database unless settings.FACE_SEARCH_BACKEND names one:

- PostgreSQL: pgvector's HNSW index (face/migrations/0001), approximate, built to serve a province of
  millions of faces; filters are applied inside the index scan (iterative scans), see
  face/search_backends/pgvector_backend.py.
- anything else (SQLite, the embedded default): exact numpy scan over an in-process matrix of every
  encoding, refreshed when the table changes, see face/search_backends/numpy_backend.py.

Distances are Euclidean between encodings of one encoder (face.encoders: every stored encoding is the
serving encoder's, face.reencoding), of whatever length it makes; what a distance means is the
encoder's calibration (face.encoding.is_candidate).

Filters narrow the candidates; sex and age only remove a person whose recorded sex or age contradicts
them, so a person with unknown sex or age is still found (a missing fact must not hide a match). They
test the person's facts copied onto the portrait (Portrait.person_*, kept in step by face/receivers.py),
never a join: pgvector tests them on each row its index walk reaches, numpy on arrays it holds beside
the matrix (docs/architecture.md, "Filtered face search").
"""

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models

from shelter.models import Sex, age_overlaps

from .models import Portrait
from .search_backends import numpy_backend, pgvector_backend

BACKENDS = {"numpy": numpy_backend, "pgvector": pgvector_backend}


def nearest(vector, k=10, *, station=None, user=None, queryset=None, exclude_person=None, sex=None, age=None,
            max_distance=None, using=None):
    """[(Portrait, distance)] for the k encoded portraits nearest to `vector`, nearest first.

    station: a Station, its id, or a list of them. user: only what this user may see (for_user).
    queryset: any Portrait queryset to search within (also picks the database). exclude_person: a
    Person, id, or list of them (e.g. the person being registered). sex: "M" or "F". age: whole years,
    or a (youngest, oldest) range, either end None for open; kept if it overlaps the person's age
    (date of birth, else the estimated range). max_distance: drop results farther than this (it trims
    the k nearest; it never widens the search). Portrait objects come with person and station loaded.
    """
    query = as_query_vector(vector)
    if k < 1:
        return []
    scope = candidates(station=station, user=user, queryset=queryset, sex=sex, age=age, using=using)
    excluded = _ids(exclude_person)
    # Without a user or a queryset, the filters are all a backend needs to know (numpy tests them in memory).
    filters = Filters.of(station, sex, age) if user is None and queryset is None else None
    hits = backend_for(scope.db).search(query, k, scope, excluded, filters)
    if max_distance is not None:
        hits = [(portrait, distance) for portrait, distance in hits if distance <= max_distance]
    return hits


def as_query_vector(vector):
    query = np.asarray(vector, dtype=np.float32).reshape(-1)
    if not len(query):
        raise ValueError("a face encoding has numbers, got none")
    if not np.isfinite(query).all():
        raise ValueError("a face encoding must not contain NaN or infinity")
    return query


def candidates(*, station=None, user=None, queryset=None, sex=None, age=None, using=None):
    """The portraits a search may return, before the encoding test and person exclusions.

    Backends rely on `query.where` being empty when nothing narrows the search (see numpy_backend).
    """
    scope = queryset if queryset is not None else Portrait.objects.all()
    if using is not None:
        scope = scope.using(using)
    if user is not None:
        scope = scope.for_user(user)
    if station is not None:
        stations = _ids(station)
        # One station as "=": the condition of its partial HNSW index (pgvector_backend.station_index_sql).
        scope = scope.filter(person_station=stations[0]) if len(stations) == 1 else scope.filter(
            person_station__in=stations)
    if sex and sex != Sex.UNKNOWN:
        scope = scope.filter(person_sex__in=[sex, Sex.UNKNOWN])
    if age is not None:
        scope = scope.filter(age_overlaps(age, prefix="person_"))
    return scope


@dataclass(frozen=True)
class Filters:
    """nearest()'s filters, for a backend that tests them itself (numpy_backend.filter_rows); None: any."""

    stations: tuple = None
    sex: str = None
    age: tuple = None  # (youngest, oldest), either None

    @classmethod
    def of(cls, station=None, sex=None, age=None):
        return cls(
            stations=tuple(_ids(station)) if station is not None else None,
            sex=sex if sex and sex != Sex.UNKNOWN else None,
            age=(age, age) if isinstance(age, int) else (tuple(age) if age is not None else None),
        )

    @property
    def narrow(self):
        return self != Filters()


def backend_for(alias):
    """The backend module for a database alias (settings.FACE_SEARCH_BACKEND, "auto" by vendor)."""
    name = getattr(settings, "FACE_SEARCH_BACKEND", "auto")
    vendor = connections[alias].vendor
    if name == "auto":
        name = "pgvector" if vendor == "postgresql" else "numpy"
    if name not in BACKENDS:
        raise ImproperlyConfigured(f"FACE_SEARCH_BACKEND must be auto, numpy or pgvector, not {name!r}")
    if name == "pgvector" and vendor != "postgresql":
        raise ImproperlyConfigured("FACE_SEARCH_BACKEND pgvector needs a PostgreSQL database")
    return BACKENDS[name]


def _ids(objects):
    """Primary keys from a model instance, an id, or an iterable of either."""
    if objects is None:
        return []
    if isinstance(objects, (models.Model, int, str)):
        objects = [objects]
    return [o.pk if isinstance(o, models.Model) else int(o) for o in objects]


