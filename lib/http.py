"""HTTP helpers: responses that carry personal data, and the client's address behind a proxy."""

from django.conf import settings


def private(response):
    """Personal data: browsers may keep it a little, shared caches never; never sniffed into another type."""
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def client_ip(request):
    """The address of the person at the other end. Behind the station's proxy (settings.TRUSTED_PROXIES:
    nginx, the intranet's reverse proxy) it is the last address in X-Forwarded-For that is not one of
    those proxies; a forwarded header from anyone else is ignored, so nobody can choose the address the
    audit log and the login lockout see."""
    remote = request.META.get("REMOTE_ADDR") or None
    if remote not in settings.TRUSTED_PROXIES:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if address not in settings.TRUSTED_PROXIES:
            return address
    return remote


def client_ip_for_axes(request):
    return client_ip(request)
