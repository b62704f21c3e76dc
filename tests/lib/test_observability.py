"""Errors an operator can follow: a request id on every response and log line, JSON logs on request,
and Sentry events stripped of personal data."""

import json
import logging

from django.urls import reverse

from lib.observability import JsonFormatter, RequestIdFilter, request_id, scrub, start_sentry


def test_every_response_carries_a_request_id_and_keeps_a_sane_one_from_the_proxy(client, db):
    first = client.get(reverse("login"))
    assert len(first["X-Request-ID"]) == 32
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID="nginx-7f3a9c01")["X-Request-ID"] == "nginx-7f3a9c01"
    forged = client.get(reverse("login"), HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")["X-Request-ID"]
    assert "\n" not in forged and len(forged) == 32


def test_a_log_line_carries_the_request_id_as_json():
    record = logging.LogRecord("shelter", logging.ERROR, __file__, 1, "notification queue unreachable", None, None)
    token = request_id.set("abc123def456")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc123def456" and line["level"] == "ERROR" and line["logger"] == "shelter"


def test_sentry_events_leave_without_personal_data():
    event = {
        "request": {"method": "POST", "url": "https://homeward.example/people/new/?q=11010519491231002X",
                    "data": {"p-name": "王秀英", "p-id_number": "11010519491231002X"}, "cookies": {"sessionid": "s"},
                    "headers": {"Cookie": "sessionid=s"}, "query_string": "q=11010519491231002X"},
        "user": {"id": 7, "username": "gz-reception", "email": "r@example.org", "ip_address": "10.0.0.5"},
        "exception": {"values": [{"stacktrace": {"frames": [{"function": "intake", "vars": {"name": "王秀英"}}]}}]},
    }
    text = json.dumps(scrub(event), ensure_ascii=False)
    assert "王秀英" not in text and "11010519491231002X" not in text and "sessionid" not in text
    assert "gz-reception" not in text and "10.0.0.5" not in text
    assert event["request"] == {"method": "POST", "url": "https://homeward.example/people/new/"}
    assert event["user"] == {"id": 7}


def test_sentry_is_off_without_a_dsn():
    assert start_sentry("") is False
