"""face.search.nearest() on real dlib encodings of the portraits in tests/faces (from ../shared/faces).

The encodings are computed here with face_recognition (once per session, photos downscaled to 800 px
for speed) and stored as Portraits of five Persons. Every test runs on each backend the database
allows: numpy everywhere, pgvector too when DATABASE_URL names PostgreSQL (CI's second run).
"""

import datetime
from pathlib import Path

import face_recognition
import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from PIL import Image, ImageOps

from face import search
from face.models import Portrait
from face.search_backends import numpy_backend, pgvector_backend
from face.search_backends.pgvector_backend import knn_queryset
from face.signals import portrait_encoded
from shelter.models import Person, Station
from shelter.services import merge_files

FACES = Path(__file__).parent.parent / "faces"  # tests/faces
BACKENDS = ["numpy", "pgvector"]


@pytest.fixture(scope="session")
def encodings(person_in):
    """{photo name: float32 encoding of its one face}, from the real photos."""
    found = {}
    for name in person_in:
        image = ImageOps.exif_transpose(Image.open(FACES / f"{name}.jpg")).convert("RGB")
        image.thumbnail((800, 800))
        pixels = np.asarray(image)
        boxes = face_recognition.face_locations(pixels)
        assert len(boxes) == 1, f"{name}: expected one face, found {len(boxes)}"
        found[name] = face_recognition.face_encodings(pixels, boxes)[0].astype(np.float32)
    return found


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    if request.param == "pgvector" and connection.vendor != "postgresql":
        pytest.skip("pgvector needs DATABASE_URL to name PostgreSQL")
    settings.FACE_SEARCH_BACKEND = request.param
    return request.param


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


@pytest.fixture
def people(station, other_station, reception):
    """Five people at two stations; lacamoire's sex and age are unknown."""
    return {
        "obama": Person.objects.create(station=station, sex="M", age_min=55, age_max=65, created_by=reception),
        "biden": Person.objects.create(station=station, sex="M", date_of_birth=years_ago(80, days=30)),
        "harington": Person.objects.create(station=other_station, sex="M", age_min=35, age_max=40),
        "leslie": Person.objects.create(station=station, sex="F", age_min=30, age_max=40),
        "lacamoire": Person.objects.create(station=other_station, sex="U"),
    }


@pytest.fixture(autouse=True)
def hnsw_index_without_dead_entries(db):
    """Every test's portraits are rolled back, leaving dead entries in the HNSW graph that VACUUM removes in
    production (it cannot run in a test's transaction). Hundreds of them in a graph of a dozen live faces
    spoil the approximate search the tests measure, so the index is rebuilt from the live rows first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("REINDEX INDEX face_portrait_encoding_hnsw")


@pytest.fixture
def gallery(people, encodings, person_in):
    """{photo name: Portrait} with its real encoding, plus one portrait that has no encoding yet."""
    portraits = {}
    for name, encoding in encodings.items():
        portraits[name] = Portrait.objects.create(
            person=people[person_in[name]], image=f"portraits/{name}.jpg", accepted=True, encoding=encoding,
            encoded_at=timezone.now(),
        )
    Portrait.objects.create(person=people["obama"], image="portraits/unencoded.jpg", accepted=False)
    return portraits


def names(results, gallery):
    by_pk = {portrait.pk: name for name, portrait in gallery.items()}
    return [by_pk[portrait.pk] for portrait, _ in results]


def persons(results):
    return {portrait.person.pk for portrait, _ in results}


def test_every_same_person_pair_ranks_first(backend, gallery, encodings, settings, photos_of, person_in):
    """For every photo, all other photos of the same person come before any photo of someone else."""
    for name, encoding in encodings.items():
        results = search.nearest(encoding, k=len(gallery))
        ranked = names(results, gallery)
        assert sorted(ranked) == sorted(gallery), "every encoded portrait, and only those, is returned"
        assert ranked[0] == name and results[0][1] < 1e-5
        same = len(photos_of[person_in[name]])
        assert {person_in[other] for other in ranked[:same]} == {person_in[name]}, (name, ranked)
        distances = [distance for _, distance in results]
        assert distances == sorted(distances)
        # dlib's rule of thumb holds on these photos: same person below 0.6, others above.
        assert distances[same - 1] < settings.FACE_MATCH_DISTANCE < distances[same]


def test_distances_are_euclidean_and_k_is_respected(backend, gallery, encodings):
    query = encodings["leslie_1"]
    results = search.nearest(query, k=3)
    assert len(results) == 3
    for portrait, distance in results:
        name = names([(portrait, distance)], gallery)[0]
        assert distance == pytest.approx(float(np.linalg.norm(encodings[name] - query)), abs=1e-5)
    assert results[0][0].person.station.name  # person and station come loaded


def test_exclude_person_and_max_distance(backend, gallery, encodings, people, settings, photos_of):
    query = encodings["obama_1"]
    matches = search.nearest(query, k=10, max_distance=settings.FACE_MATCH_DISTANCE)
    assert sorted(names(matches, gallery)) == photos_of["obama"]
    others = search.nearest(query, k=10, exclude_person=people["obama"])
    assert len(others) == 9 and people["obama"].pk not in persons(others)
    assert all(distance > settings.FACE_MATCH_DISTANCE for _, distance in others)
    assert search.nearest(query, k=10, exclude_person=[people["obama"].pk, people["biden"]],
                          max_distance=settings.FACE_MATCH_DISTANCE) == []


def test_sex_filter_keeps_people_of_unknown_sex(backend, gallery, encodings, people):
    women = search.nearest(encodings["obama_1"], k=10, sex="F")
    assert persons(women) == {people["leslie"].pk, people["lacamoire"].pk}
    men = search.nearest(encodings["leslie_1"], k=20, sex="M")
    assert people["leslie"].pk not in persons(men) and people["lacamoire"].pk in persons(men)
    assert len(search.nearest(encodings["leslie_1"], k=20, sex="U")) == 13


def test_age_filter_overlaps_estimates_and_dates_of_birth(backend, gallery, encodings, people):
    query = encodings["obama_1"]

    def found(age):
        return {pk for pk in persons(search.nearest(query, k=20, age=age))}

    unknown = people["lacamoire"].pk
    assert found((30, 45)) == {people["harington"].pk, people["leslie"].pk, unknown}
    assert found(80) == {people["biden"].pk, unknown}  # born 80 years and 30 days ago
    assert found(79) == {unknown}
    assert found(81) == {unknown}
    assert found((60, None)) == {people["obama"].pk, people["biden"].pk, unknown}
    assert found((None, 34)) == {people["leslie"].pk, unknown}
    # Combined with sex: the nearest man of 50-90 to a photo of Obama is Obama.
    best, distance = search.nearest(query, k=1, sex="M", age=(50, 90))[0]
    assert best.person == people["obama"] and distance < 1e-5


def test_station_and_user_scope(backend, gallery, encodings, people, station, other_station, reception, admin_user):
    query = encodings["harington_1"]
    mine = {people[n].pk for n in ("obama", "biden", "leslie")}
    theirs = {people[n].pk for n in ("harington", "lacamoire")}
    assert persons(search.nearest(query, k=20, station=station)) == mine
    assert persons(search.nearest(query, k=20, station=other_station.pk)) == theirs
    assert persons(search.nearest(query, k=20, station=[station, other_station])) == mine | theirs
    assert persons(search.nearest(query, k=20, user=reception)) == mine
    assert persons(search.nearest(query, k=20, queryset=Portrait.objects.for_user(reception))) == mine
    assert persons(search.nearest(query, k=20, user=admin_user)) == mine | theirs
    # Harington is at the other station: a reception worker here finds no match under 0.6.
    assert search.nearest(query, k=5, user=reception, max_distance=0.6) == []


def test_search_follows_changes_to_the_table(backend, gallery, encodings, people, settings):
    """New, re-encoded and deleted portraits are searched at once, whether saved here (signals) or by
    another process (QuerySet.update sends no signal: the count/encoded_at check must notice, here on
    every search)."""
    settings.FACE_SEARCH_RECHECK_SECONDS = 0
    query = encodings["leslie_1"]
    assert names(search.nearest(query, k=1, exclude_person=people["leslie"]), gallery) != ["leslie_1"]
    newcomer = Person.objects.create(station=people["leslie"].station, sex="F")
    copy = Portrait.objects.create(person=newcomer, image="portraits/copy.jpg", encoding=encodings["leslie_2"],
                                   encoded_at=timezone.now())
    best, distance = search.nearest(query, k=1, exclude_person=people["leslie"])[0]
    assert best.pk == copy.pk and distance == pytest.approx(np.linalg.norm(query - encodings["leslie_2"]), abs=1e-5)

    # Re-encoded elsewhere: now it carries Obama's face.
    Portrait.objects.filter(pk=copy.pk).update(encoding=encodings["obama_2"], encoded_at=timezone.now())
    best, _ = search.nearest(encodings["obama_2"], k=2, exclude_person=people["obama"])[0]
    assert best.pk == copy.pk
    # Encoding cleared elsewhere, then a portrait deleted here.
    Portrait.objects.filter(pk=copy.pk).update(encoding=None, encoded_at=None)
    assert copy.pk not in {p.pk for p, _ in search.nearest(encodings["obama_2"], k=20)}
    gallery["obama_2"].delete()
    ranked = names(search.nearest(encodings["obama_2"], k=20), {k: v for k, v in gallery.items() if k != "obama_2"})
    assert len(ranked) == 12 and ranked[:3] == sorted(ranked[:3], key=lambda n: np.linalg.norm(encodings[n] - encodings["obama_2"]))


def test_encoding_round_trip_is_exact(gallery, encodings):
    for name, portrait in gallery.items():
        stored = Portrait.objects.get(pk=portrait.pk).encoding
        assert stored.dtype == np.float32 and np.array_equal(stored, encodings[name])


def test_bad_query_vectors_are_refused(gallery, encodings):
    with pytest.raises(ValueError):
        search.nearest(np.zeros(127))
    with pytest.raises(ValueError):
        search.nearest(np.full(128, np.nan))
    assert search.nearest(encodings["obama_1"], k=0) == []


def test_backend_follows_the_database(settings, db):
    settings.FACE_SEARCH_BACKEND = "auto"
    expected = "pgvector" if connection.vendor == "postgresql" else "numpy"
    assert search.backend_for("default") is search.BACKENDS[expected]
    settings.FACE_SEARCH_BACKEND = "pgvector"
    if connection.vendor != "postgresql":
        with pytest.raises(ImproperlyConfigured):
            search.backend_for("default")
    settings.FACE_SEARCH_BACKEND = "annoy"
    with pytest.raises(ImproperlyConfigured):
        search.backend_for("default")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares numpy with pgvector on PostgreSQL")
def test_both_backends_give_the_same_order(gallery, encodings, people, station, settings):
    filters = [{}, {"sex": "F"}, {"age": (30, 70)}, {"station": station}, {"exclude_person": people["obama"]}]
    for name, encoding in encodings.items():
        for extra in filters:
            answers = {}
            for backend in BACKENDS:
                settings.FACE_SEARCH_BACKEND = backend
                answers[backend] = [(p.pk, d) for p, d in search.nearest(encoding, k=20, **extra)]
            assert [pk for pk, _ in answers["numpy"]] == [pk for pk, _ in answers["pgvector"]], (name, extra)
            assert np.allclose([d for _, d in answers["numpy"]], [d for _, d in answers["pgvector"]], atol=1e-5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the HNSW index exists on PostgreSQL only")
def test_filtered_search_through_the_hnsw_index(gallery, encodings, people, settings, person_in):
    """With the planner made to use the HNSW index even on this tiny table, the filtered search's own
    query goes through the index (pgvector's iterative scan) and still finds what the exact scan finds."""
    settings.FACE_SEARCH_BACKEND = "pgvector"
    with connection.cursor() as cursor:
        # No plain scan, nor a sort (another index, such as the B-tree on the copied station, then a sort).
        cursor.execute("SET enable_seqscan = off; SET enable_sort = off")
        try:
            plan = knn_queryset(encodings["obama_1"], 3, search.candidates(sex="F"), [people["obama"].pk]).explain()
            assert "face_portrait_encoding_hnsw" in plan
            women = search.nearest(encodings["obama_1"], k=3, sex="F")
            exact = sorted(
                (float(np.linalg.norm(encodings[n] - encodings["obama_1"])), n)
                for n in encodings if person_in[n] in ("leslie", "lacamoire")
            )[:3]
            assert names(women, gallery) == [n for _, n in exact]
            assert [d for _, d in women] == pytest.approx([d for d, _ in exact], abs=1e-5)
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_sort")


def test_numpy_cache_memory_is_the_matrix(gallery, settings):
    settings.FACE_SEARCH_BACKEND = "numpy"
    search.nearest(np.zeros(128, dtype=np.float32), k=1)
    snap = numpy_backend.cache.snapshot(Portrait, "default")
    # Per face: the float32 encoding, its id and squared norm, and the filtered facts (5 x int64 and a sex).
    assert len(snap.ids) == 13 and snap.nbytes == 13 * (128 * 4 + 8 + 4 + 5 * 8 + 4)


def test_changes_from_other_processes_are_seen_within_the_recheck_interval(gallery, encodings, people, settings):
    settings.FACE_SEARCH_BACKEND = "numpy"
    settings.FACE_SEARCH_RECHECK_SECONDS = 3600
    query = encodings["biden_1"]
    assert search.nearest(query, k=1)[0][0] == gallery["biden_1"]
    # Another process re-encodes biden_1 as Leslie (bare UPDATE, no signal in this process).
    Portrait.objects.filter(pk=gallery["biden_1"].pk).update(encoding=encodings["leslie_1"], encoded_at=timezone.now())
    assert search.nearest(query, k=1)[0][0] == gallery["biden_1"]  # within the interval: the cached matrix
    numpy_backend.cache.invalidate("default")  # what the interval's end does
    assert search.nearest(query, k=1)[0][0] == gallery["biden_2"]


def test_encoding_task_updates_are_seen_at_once(gallery, encodings, people, settings):
    """face.tasks.encode_portrait stores with a bare UPDATE and then sends portrait_encoded."""
    settings.FACE_SEARCH_BACKEND = "numpy"
    settings.FACE_SEARCH_RECHECK_SECONDS = 3600
    search.nearest(encodings["biden_1"], k=1)
    Portrait.objects.filter(pk=gallery["biden_1"].pk).update(encoding=encodings["leslie_1"], encoded_at=timezone.now())
    portrait_encoded.send(sender=Portrait, portrait=Portrait.objects.get(pk=gallery["biden_1"].pk))
    assert search.nearest(encodings["biden_1"], k=1)[0][0] == gallery["biden_2"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pgvector settings exist on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_hnsw_settings_outside_a_transaction_stay_on_the_connection(gallery, encodings, settings):
    """In autocommit (a web request) the hnsw settings are set once per connection, and still apply to
    the next search; a change of settings is applied again."""
    settings.FACE_SEARCH_BACKEND = "pgvector"
    settings.FACE_SEARCH_EF_SEARCH = 77
    assert names(search.nearest(encodings["obama_1"], k=1), gallery) == ["obama_1"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('hnsw.ef_search'), current_setting('hnsw.iterative_scan')")
        assert cursor.fetchone() == ("77", "relaxed_order")
        settings.FACE_SEARCH_EF_SEARCH_FILTERED = 120  # a filtered search uses its own, wider setting
        women = search.nearest(encodings["obama_1"], k=3, sex="F")
        assert len(women) == 3 and all(p.person.sex in ("F", "U") for p, _ in women)
        cursor.execute("SELECT current_setting('hnsw.ef_search')")
        assert cursor.fetchone() == ("120",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the HNSW index exists on PostgreSQL only")
def test_a_filtered_search_that_the_index_answers_short_falls_back_to_the_exact_scan(
        gallery, encodings, people, settings, person_in, monkeypatch):
    """An HNSW walk that finds fewer than k of the filtered set (here made to: one candidate, no
    iterative scan) is followed by an exact scan: the search still returns the k nearest."""
    settings.FACE_SEARCH_BACKEND = "pgvector"
    monkeypatch.setattr(pgvector_backend, "_settings",
                        lambda alias, k, filtered=False: {"hnsw.ef_search": "1", "hnsw.iterative_scan": "off",
                                                          "enable_seqscan": "off"})
    women = search.nearest(encodings["obama_1"], k=3, sex="F")
    exact = sorted((float(np.linalg.norm(encodings[n] - encodings["obama_1"])), n)
                   for n in encodings if person_in[n] in ("leslie", "lacamoire"))[:3]
    assert names(women, gallery) == [n for _, n in exact]


# --- Filtered searches against an exact filtered scan --------------------------------------------------


def passes(person, station=None, sex=None, age=None, exclude=None):
    """The filters' meaning, worked out from the person's file (not from the copies on the portraits)."""
    if station is not None and person.station_id not in station:
        return False
    if sex and person.sex not in (sex, "U"):
        return False
    if age is not None:
        youngest, oldest = age
        low, high = person.age_range()
        if youngest is not None and high is not None and high < youngest:
            return False
        if oldest is not None and low is not None and low > oldest:
            return False
    return person.pk != exclude


@pytest.fixture
def crowd(station, other_station):
    """Ninety files with every kind of fact (sex M/F/unknown; a date of birth, an estimate, one end of an
    estimate, or nothing; two stations), one to three portraits each with random encodings."""
    rng = np.random.default_rng(15)
    portraits = {}
    for i in range(90):
        how = i % 5
        facts = {"sex": "MFU"[i % 3], "station": station if i % 4 else other_station}
        if how == 0:
            facts["date_of_birth"] = years_ago(int(rng.integers(18, 80)), days=int(rng.integers(0, 365)))
        elif how == 1:
            youngest = int(rng.integers(18, 75))
            facts.update(age_min=youngest, age_max=youngest + int(rng.integers(0, 10)))
        elif how == 2:
            facts["age_min"] = int(rng.integers(18, 75))
        elif how == 3:
            facts["age_max"] = int(rng.integers(25, 80))
        person = Person.objects.create(**facts)
        for _ in range(1 + i % 3):
            portrait = Portrait.objects.create(person=person, image="portraits/crowd.jpg", accepted=True,
                                               encoding=rng.normal(0, 0.1, 128).astype(np.float32),
                                               encoded_at=timezone.now())
            portraits[portrait.pk] = portrait
    return portraits


def exact(crowd, query, k=10, **filters):
    """The k nearest portrait ids among those whose file passes the filters, by a full scan here."""
    allowed = [p for p in crowd.values() if passes(Person.objects.get(pk=p.person_id), **filters)]
    allowed.sort(key=lambda p: (float(np.linalg.norm(np.asarray(p.encoding) - query)), p.pk))
    return [p.pk for p in allowed[:k]]


FILTER_CASES = [
    {"sex": "F", "age": (30, 50)},
    {"sex": "M", "age": (30, 50)},
    {"age": (40, None)},
    {"age": (None, 35)},
    {"age": (45, 45)},
    {"station": "mine"},
    {"sex": "M", "age": (30, 50), "station": "mine"},
    {"station": "both", "sex": "F"},
    {"exclude": "nearest"},
]


@pytest.mark.parametrize("case", FILTER_CASES, ids=lambda case: ",".join(case))
def test_filtered_results_equal_the_exact_filtered_results(backend, crowd, case, station, other_station):
    rng = np.random.default_rng(len(str(case)))
    stations = {"mine": [station.pk], "both": [station.pk, other_station.pk]}
    for _ in range(5):
        query = rng.normal(0, 0.1, 128).astype(np.float32)
        filters = dict(case)
        if "station" in filters:
            filters["station"] = stations[filters["station"]]
        if "exclude" in filters:  # the person of the nearest portrait, as a duplicate search excludes its own
            filters["exclude"] = crowd[exact(crowd, query, k=1)[0]].person_id
        expected = exact(crowd, query, **filters)
        arguments = {("exclude_person" if name == "exclude" else name): value for name, value in filters.items()}
        if isinstance(arguments.get("age"), tuple) and arguments["age"][0] == arguments["age"][1]:
            arguments["age"] = arguments["age"][0]  # a single age, as nearest() also takes it
        found = search.nearest(query, k=10, **arguments)
        assert [p.pk for p, _ in found] == expected
        assert len(expected) == 10  # every case leaves more than k portraits: the filter did narrow, not empty


def test_the_portraits_copies_follow_the_file(backend, crowd, station, other_station, admin_user, settings):
    """The filters test copies of the file's facts on each portrait: a correction, a transfer's move and a
    merge reach them (and the numpy arrays of a process that searched before)."""
    settings.FACE_SEARCH_RECHECK_SECONDS = 3600  # changes made here are seen without waiting
    portrait = next(iter(crowd.values()))
    query = np.asarray(portrait.encoding, dtype=np.float32)
    person = portrait.person
    person.sex, person.date_of_birth, person.age_min, person.age_max = "F", None, 20, 25
    person.save()
    assert search.nearest(query, k=1, sex="F", age=22)[0][0].pk == portrait.pk
    person.sex = "M"
    person.save(update_fields=["sex"])
    assert portrait.pk not in {p.pk for p, _ in search.nearest(query, k=10, sex="F", age=22)}
    person.station = other_station
    person.save(update_fields=["station"])
    assert search.nearest(query, k=1, station=other_station)[0][0].pk == portrait.pk
    assert portrait.pk not in {p.pk for p, _ in search.nearest(query, k=10, station=station)}
    # Merged into a woman's file at the first station: the portrait now answers as hers.
    survivor = Person.objects.create(station=station, sex="F", date_of_birth=years_ago(60))
    merge_files(merged=person, survivor=survivor, by=admin_user, reason="same person")
    assert search.nearest(query, k=1, station=station, sex="F", age=60)[0][0].pk == portrait.pk
    assert portrait.pk not in {p.pk for p, _ in search.nearest(query, k=10, sex="M")}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the HNSW indexes exist on PostgreSQL only")
def test_a_new_station_gets_its_partial_index_and_its_searches_use_it(
        gallery, encodings, people, settings, django_capture_on_commit_callbacks):
    settings.FACE_SEARCH_BACKEND = "pgvector"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as after the commit the index waits for
    with django_capture_on_commit_callbacks(execute=True):
        station = Station.objects.create(code="NEW", name="New Station")
    Person.objects.filter(pk__in=[people["obama"].pk, people["biden"].pk]).update(station=station)
    Portrait.objects.copy_person_facts([people["obama"].pk, people["biden"].pk])
    index = f"face_portrait_encoding_hnsw_station_{station.pk}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        assert f"(person_station_id = {station.pk})" in cursor.fetchone()[0]
        cursor.execute("SET enable_seqscan = off; SET enable_sort = off")
        try:
            plan = knn_queryset(encodings["obama_1"], 3, search.candidates(station=station, sex="M")).explain()
            assert index in plan
            found = search.nearest(encodings["obama_1"], k=3, station=station, sex="M")
            assert {p.person.pk for p, _ in found} <= {people["obama"].pk, people["biden"].pk}
            assert names(found, gallery)[0] == "obama_1"
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_sort")
