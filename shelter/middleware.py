"""Refused requests go in the audit log: a logged-in user refused a page (403), or sent away from one
that does not exist for them (404: another station's file answers as if it did not exist)."""

from .models import AuditEvent


class AuditRefusals:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and getattr(request, "user", None) and request.user.is_authenticated:
            AuditEvent.record(request, AuditEvent.REFUSED, status=response.status_code)
        return response
