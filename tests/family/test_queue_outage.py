"""The queue down: uploads and family reports still succeed, the work is recorded on its row, and the
catch-up does it once the queue is back; whichever of the queue and the catch-up comes first does it,
once. (tests/tracing/test_celery_redis.py does the same against a real Redis that is stopped.)"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from kombu.exceptions import OperationalError

from face import tasks as face_tasks
from face.models import Portrait
from family import tasks as family_tasks
from family.models import Candidate, FamilyReport
from lib.queue import claim

FORM = {
    "reported_via": "counter", "reporter_name": "张伟", "reporter_relation": "儿子", "reporter_phone": "13912345678",
    "name": "张德明", "sex": "M", "age_min": "66", "age_max": "66",
}


@pytest.fixture
def stop_the_queue(monkeypatch):
    """stop_the_queue(): from then on every task's .delay() fails as Celery's does when Redis is down."""
    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def stop():
        for task in (face_tasks.encode_portrait, family_tasks.search_report, family_tasks.search_portrait):
            monkeypatch.setattr(task, "delay", refused)

    return stop


def test_a_portrait_taken_with_the_queue_down_is_encoded_by_the_catch_up(client_as, reception, person, committed,
                                                                         webcam, stop_the_queue, settings):
    stop_the_queue()
    with committed():
        response = client_as(reception).post(reverse("face:capture", args=[person.pk]),
                                             {"image": io.BytesIO(webcam("obama_1")), "source": "webcam"})
    assert response.status_code == 302
    portrait = Portrait.objects.get()
    assert portrait.accepted and portrait.encoding is None and portrait.encoding_requested_at is not None
    settings.CATCH_UP_SECONDS = 0
    assert face_tasks.catch_up_encodings() == 1
    portrait.refresh_from_db()
    assert portrait.encoding is not None and portrait.encoding_requested_at is None
    assert face_tasks.catch_up_encodings() == 0  # claimed once


def test_a_report_taken_with_the_queue_down_is_searched_by_the_catch_up(client_as, station, reception, committed,
                                                                        resident, photo, stop_the_queue, settings):
    man = resident(station, reception, committed, face="obama_1", sex="M", age_min=60, age_max=70)
    stop_the_queue()
    with committed():
        response = client_as(reception).post(reverse("family:report_new"), {
            **FORM, "photos": SimpleUploadedFile("obama_3.jpg", photo("obama_3"), "image/jpeg")})
    assert response.status_code == 302
    report = FamilyReport.objects.get()
    assert report.searched_at is None and report.search_requested_by == reception
    assert not Candidate.objects.exists()
    settings.CATCH_UP_SECONDS = 0
    assert family_tasks.catch_up_searches() == 1
    report.refresh_from_db()
    assert report.searched_at is not None and report.search_requested_at is None
    assert Candidate.objects.get().person == man.person
    assert family_tasks.catch_up_searches() == 0


def test_work_the_queue_did_is_not_done_again(client_as, reception, person, committed, webcam, settings):
    with committed():
        client_as(reception).post(reverse("face:capture", args=[person.pk]),
                                  {"image": io.BytesIO(webcam("obama_1")), "source": "webcam"})
    portrait = Portrait.objects.get()
    assert portrait.encoding is not None and portrait.encoding_requested_at is None
    settings.CATCH_UP_SECONDS = 0
    assert face_tasks.catch_up_encodings() == 0


def test_a_recent_request_is_left_to_the_queue(client_as, reception, person, committed, webcam, stop_the_queue):
    stop_the_queue()
    with committed():
        client_as(reception).post(reverse("face:capture", args=[person.pk]),
                                  {"image": io.BytesIO(webcam("obama_1")), "source": "webcam"})
    assert face_tasks.catch_up_encodings() == 0  # younger than CATCH_UP_SECONDS: the queue may still do it
    assert Portrait.objects.get().encoding_requested_at is not None


def test_work_a_worker_died_doing_is_taken_again_by_the_catch_up(client_as, reception, person, committed, webcam,
                                                                stop_the_queue, settings, monkeypatch):
    """The worker claims the request and dies in the middle (the encoder crashes): the request stays,
    stamped, and the catch-up does the work once the stamp is older than CATCH_UP_SECONDS."""
    stop_the_queue()
    with committed():
        client_as(reception).post(reverse("face:capture", args=[person.pk]),
                                  {"image": io.BytesIO(webcam("obama_1")), "source": "webcam"})
    portrait = Portrait.objects.get()
    real_encode = face_tasks.encode_many

    def crash(data, labels):
        raise MemoryError("the worker was killed")

    monkeypatch.setattr(face_tasks, "encode_many", crash)
    with pytest.raises(MemoryError):
        face_tasks.encode_portrait(portrait.pk)
    portrait.refresh_from_db()
    assert portrait.encoding is None and portrait.encoding_requested_at is not None
    monkeypatch.setattr(face_tasks, "encode_many", real_encode)
    settings.CATCH_UP_SECONDS = 0
    assert face_tasks.catch_up_encodings() == 1
    portrait.refresh_from_db()
    assert portrait.encoding is not None and portrait.encoding_requested_at is None


def test_two_workers_do_a_request_once(client_as, reception, person, committed, webcam, stop_the_queue):
    stop_the_queue()
    with committed():
        client_as(reception).post(reverse("face:capture", args=[person.pk]),
                                  {"image": io.BytesIO(webcam("obama_1")), "source": "webcam"})
    portrait = Portrait.objects.get()
    stale = Portrait.objects.get(pk=portrait.pk)  # what a second worker read before the first claimed it
    assert face_tasks.encode_portrait(portrait.pk) is True
    assert not claim(Portrait.objects, "encoding_requested_at", stale.pk, stale.encoding_requested_at).mine
