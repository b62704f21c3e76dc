"""Refused requests go in the audit log: a logged-in user refused a page (403), or sent away from one
that does not exist for them (404: another station's file answers as if it did not exist).

Read-only roles (the station head, the inspector) change nothing: any write they send (a POST, PUT,
PATCH or DELETE) is refused with 403 and logged, whatever the page, except the steps on their own account
(log out, language, password, two-factor set-up, marking their own notifications read) and the writes
the apps name in shelter.hooks.READ_ONLY_WRITES for a user with their permission (the inspector's
findings). Before this, a
form posted to a page that only reads (the service form sent to the file page) came back as that page,
with nothing saved and nothing said (issue 25)."""

from django.core.exceptions import PermissionDenied

from . import hooks
from .models import AuditEvent

READ_ONLY_ROLES = frozenset({"station_head", "inspector"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# URL names (namespace:name) a read-only role may post to: its own account and notifications.
OWN_ACCOUNT = frozenset({"logout", "set_language", "password_change", "accounts:two_factor",
                         "shelter:notifications_read"})


def read_only(user):
    """True for a user whose roles only read (their groups are all read-only roles)."""
    if not user.is_authenticated or user.is_superuser:
        return False
    roles = {group.name for group in user.groups.all()}
    return bool(roles) and roles <= READ_ONLY_ROLES


class AuditRefusals:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and getattr(request, "user", None) and request.user.is_authenticated:
            AuditEvent.record(request, AuditEvent.REFUSED, status=response.status_code)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or not getattr(request, "user", None):
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in OWN_ACCOUNT:
            return None
        allowed = hooks.READ_ONLY_WRITES.get(match.view_name) if match is not None else None
        if allowed and request.user.has_perm(allowed):
            return None
        if read_only(request.user):
            raise PermissionDenied
        return None
