"""HTTP helpers: responses that carry personal data, the client's address behind a proxy, and where a
`next` parameter may send the user."""

import ipaddress

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme


def download(data, filename, content_type, *, inline=False):
    """Every file the product hands out (ledgers, exports, PDFs, CSVs, uploaded scans): bytes or text, or
    an open file (streamed), named `filename` (a Chinese name too: plain ASCII where it can, else the
    UTF-8 form, quotes and line ends never reaching the header), shown in the browser (`inline`) or
    saved, and always `private`: it carries personal data."""
    if hasattr(data, "read"):
        response = FileResponse(data, content_type=content_type, as_attachment=not inline, filename=filename)
    else:
        response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return private(response)


def private(response):
    """Personal data: browsers may keep it a little, shared caches never; never sniffed into another type."""
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def client_ip(request):
    """The address of the person at the other end. Behind the station's proxy (settings.TRUSTED_PROXIES:
    addresses or networks of nginx, the intranet's reverse proxy) it is the last address in
    X-Forwarded-For that is not one of those proxies; a forwarded header from anyone else is ignored, so
    nobody can choose the address the audit log and the login lockout see."""
    remote = request.META.get("REMOTE_ADDR") or None
    if not is_trusted_proxy(remote):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if not is_trusted_proxy(address):
            return address if valid_address(address) else remote
    return remote


def valid_address(address):
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def is_trusted_proxy(address):
    if not address or not valid_address(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXIES)


def origin(request):
    """Where a request came from, for work done later on its behalf (a face search in a task): the
    client's address and the page, as the audit log records them."""
    return {"ip": client_ip(request), "path": request.get_full_path()[:300]}


def client_ip_for_axes(request):
    return client_ip(request)


def next_url(request, default, *, source=None):
    """Where a `next` parameter (from the POST, else the query string) asks to go, if that is on this site;
    else `default` (a URL or a URL name): never to another host or scheme (an open redirect)."""
    source = source if source is not None else (request.POST if request.method == "POST" else request.GET)
    target = source.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return resolve_url(default)
