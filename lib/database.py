"""When the database is busy or down: a page that says so in the user's language (503), not a bare
"Server Error (500)". Nothing was saved; the browser's Back button still holds what was typed, to send
again in a minute. The page is drawn without the site's context processors (they ask the database)."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import get_template

logger = logging.getLogger(__name__)
RETRY_SECONDS = 60


class DatabaseUnavailable:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable: %s", exception, exc_info=exception)
        page = get_template("503.html").render({"method": request.method, "retry": RETRY_SECONDS})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
