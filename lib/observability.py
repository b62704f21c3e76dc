"""Errors an operator sees: every request gets an id (X-Request-ID, kept if a proxy already gave a sane
one), every log line carries it, and logs can be written as one JSON object a line (LOG_FORMAT=json) for
a log collector. Sentry is optional (SENTRY_DSN), off by default, and never receives personal data:
request bodies, cookies, query strings, headers and user details are removed before an event leaves."""

import contextvars
import json
import logging
import re
import uuid

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

request_id = contextvars.ContextVar("request_id", default="-")
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SANE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                "logger": record.name, "request_id": getattr(record, "request_id", "-"), "message": record.getMessage()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def scrub(event, hint=None):
    """Sentry's before_send: only what locates the error is kept (where, what, which request id)."""
    request = event.get("request")
    if request:
        event["request"] = {key: request[key] for key in ("method", "url") if key in request}
        if "url" in event["request"]:
            event["request"]["url"] = event["request"]["url"].split("?", 1)[0]
    if "user" in event:
        event["user"] = {"id": event["user"].get("id")} if event["user"].get("id") else {}
    for frame in (f for exc in (event.get("exception") or {}).get("values", [])
                  for f in (exc.get("stacktrace") or {}).get("frames", [])):
        frame.pop("vars", None)  # local variables may hold a name, an ID number, a photo
    event.setdefault("tags", {})["request_id"] = request_id.get()
    return event


def start_sentry(dsn, environment=""):
    """Sentry for the web app and the worker, if a DSN is configured; personal data scrubbed."""
    if not dsn:
        return False
    sentry_sdk.init(dsn=dsn, environment=environment or None, send_default_pii=False, include_local_variables=False,
                    max_request_body_size="never", before_send=scrub,
                    integrations=[DjangoIntegration(), CeleryIntegration()])
    return True
