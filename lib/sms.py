"""SMS backends, chosen by settings.SMS_BACKEND (a dotted path). Each has send(phone, text)."""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class ConsoleBackend:
    def send(self, phone, text):
        log.info("SMS to %s: %s", phone, text)


class FileBackend:
    """Appends one JSON line per message to SMS_FILE_PATH: for demos and tests."""

    def send(self, phone, text):
        with open(settings.SMS_FILE_PATH, "a", encoding="utf-8") as f:
            f.write(json.dumps({"phone": phone, "text": text}, ensure_ascii=False) + "\n")


class HttpGatewayBackend:
    """POSTs {"phone": ..., "text": ...} as JSON to SMS_GATEWAY_URL with a bearer token."""

    def send(self, phone, text):
        req = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=json.dumps({"phone": phone, "text": text}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()


def get_backend():
    return import_string(settings.SMS_BACKEND)()
