"""The face work has a queue of its own: a burst of portraits or family reports (seconds of CPU each)
waits there, while the deadline sweeps, reminders and notifications go on in the default queue."""

import pytest

from config.celery import app
from face import tasks as face_tasks
from family import tasks as family_tasks
from oversight import tasks as oversight_tasks
from shelter import tasks as shelter_tasks
from tracing import tasks as tracing_tasks

LOADED = [face_tasks, shelter_tasks, tracing_tasks, family_tasks, oversight_tasks]  # their tasks are registered on import

FACE_WORK = ["face.tasks.encode_portrait", "face.tasks.catch_up_encodings", "family.tasks.search_report",
             "family.tasks.search_portrait", "family.tasks.catch_up_searches"]
TIMELY_WORK = ["tracing.tasks.sweep_deadlines", "shelter.tasks.sweep_reviews", "shelter.tasks.deliver_notifications",
               "oversight.tasks.check_data_quality"]


def queue_of(name):
    route = app.amqp.router.route({}, name, args=(1,), kwargs={})
    return route["queue"].name


@pytest.mark.parametrize("name", FACE_WORK)
def test_encodings_and_face_searches_go_to_the_face_queue(name, settings):
    assert name in app.tasks
    assert queue_of(name) == settings.FACE_QUEUE == "faces"


@pytest.mark.parametrize("name", TIMELY_WORK)
def test_sweeps_reminders_and_notifications_stay_in_the_default_queue(name):
    assert name in app.tasks
    assert queue_of(name) == "celery"


def test_a_worker_started_without_a_queue_named_consumes_both():
    # What `make run` and a one-worker station start: nothing must wait in a queue nobody reads.
    assert set(app.amqp.queues) == {"celery", "faces"}
