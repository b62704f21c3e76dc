"""/healthz tells an operator (and docker compose) whether the database, media storage, broker, face
models, worker and beat are working; it needs no log-in and shows no personal data."""

import json

from config import health
from tracing.tasks import sweep_deadlines


def checks(client):
    response = client.get("/healthz/", HTTP_ACCEPT="application/json")
    return response.status_code, json.loads(response.content)


def test_without_a_recent_sweep_the_worker_or_beat_is_reported_down(client, db):
    status, report = checks(client)
    assert status == 500
    failing = {name: text for name, text in report.items() if text != "OK"}
    assert list(failing) == ["WorkerAndBeat()"] and "no deadline sweep has run recently" in failing["WorkerAndBeat()"]


def test_all_is_well_once_the_sweep_ran(client, transactional_db):
    sweep_deadlines()
    status, report = checks(client)
    assert status == 200 and set(report.values()) == {"OK"}
    assert {"Broker()", "FaceModels()", "WorkerAndBeat()"} <= set(report)


def test_a_broker_that_cannot_be_reached_is_reported(client, transactional_db, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    sweep_deadlines()
    monkeypatch.setattr(health.app, "connection_for_write", unreachable)
    status, report = checks(client)
    assert status == 500 and report["Broker()"] != "OK"
