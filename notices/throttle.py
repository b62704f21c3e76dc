"""Rate limits of the public pages and the partner API: django-ninja's cache-based throttle (the same
one the API's operations use), keyed on the client's address as the audit log sees it (lib.http.client_ip:
a forwarded header counts only from TRUSTED_PROXIES) or on the partner's token."""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja.throttling import SimpleRateThrottle

from lib.http import client_ip


class AddressThrottle(SimpleRateThrottle):
    def __init__(self, rate, scope):
        self.scope = scope
        super().__init__(rate)

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


def too_many(wait):
    response = HttpResponse(_("Too many requests: please wait a moment and try again."), status=429,
                            content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(int(wait or 1) + 1)
    return response


def rate_limited(view):
    """A public view, PUBLIC_RATE requests per address (settings: "60/min")."""
    @wraps(view)
    def limited(request, *args, **kwargs):
        throttle = AddressThrottle(settings.PUBLIC_RATE, "public")
        if not throttle.allow_request(request):
            return too_many(throttle.wait())
        return view(request, *args, **kwargs)
    return limited
