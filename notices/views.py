"""The public side of the published notices: a page per station, a search over all stations, one page
per notice and its photo, and the feeds (Atom, JSON Feed, PFIF 1.4). No log-in, rate-limited
(throttle.rate_limited), and nothing but the notice's public fields (selectors.PUBLIC_FIELDS).
And for staff, the platform package of a case's notice (audited as an export)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from face.thumbnails import cached_thumbnail
from lib.http import download
from shelter.models import AuditEvent, Sex, Station
from tracing.selectors import case_for

from . import feeds, packages, selectors
from .throttle import rate_limited

PHOTO_SIZE = 600
# No cache may keep a page past a withdrawal: a withdrawn notice is gone at the next request.
public = cache_control(no_cache=True)


def _base(request):
    return request.build_absolute_uri("/").rstrip("/")


def _list(request, station=None):
    params = request.GET.copy()
    if station is not None:
        params["station"] = station.code
    cases, used = selectors.search(params)
    rows, more = selectors.notice_page(cases, request.GET.get("page"))
    number = selectors.page_number(request.GET.get("page"))
    query = {k: v for k, v in used.items() if v is not None and not (station is not None and k == "station")}
    return render(request, "notices/list.html", {
        "notices": [selectors.public_notice(c) for c in rows], "station": station, "used": used,
        "stations": selectors.stations() if station is None else [], "sexes": Sex.choices,
        "next_page": f"?{urlencode({**query, 'page': number + 1})}" if more else "",
        "previous_page": f"?{urlencode({**query, 'page': number - 1})}" if number > 1 else "",
    })


@require_GET
@rate_limited
@public
def search(request):
    return _list(request)


@require_GET
@rate_limited
@public
def station(request, code):
    return _list(request, get_object_or_404(Station, code=code))


@require_GET
@rate_limited
@public
def notice(request, pk):
    case = selectors.published_notice(pk)
    if case is None:
        raise Http404
    return render(request, "notices/notice.html", {"notice": selectors.public_notice(case)})


@require_GET
@rate_limited
@public
def photo(request, pk):
    """The notice's photo (the person's main portrait, made smaller): shown by the notice itself."""
    case = selectors.published_notice(pk)
    portrait = selectors.main_portrait(case) if case is not None else None
    data = cached_thumbnail(portrait.image, PHOTO_SIZE) if portrait else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _feed_notices(request):
    cases, used = selectors.search(request.GET)
    rows, more = selectors.notice_page(cases, request.GET.get("page"))
    base = _base(request)
    return [selectors.public_notice(c, base) for c in rows], more, used


def _next(request, more):
    if not more:
        return None
    params = request.GET.copy()
    params["page"] = selectors.page_number(params.get("page")) + 1
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _feed(body, content_type, next_url):
    """A feed's response; the next page, if any, in a Link header (RFC 8288) for every format."""
    response = HttpResponse(body, content_type=content_type)
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    return response


@require_GET
@rate_limited
@public
def atom(request):
    notices, more, _used = _feed_notices(request)
    body = feeds.atom(notices, feed_url=request.build_absolute_uri(),
                      site_url=request.build_absolute_uri(reverse("notices:search")))
    return _feed(body, "application/atom+xml; charset=utf-8", _next(request, more))


@require_GET
@rate_limited
@public
def json_feed(request):
    notices, more, _used = _feed_notices(request)
    next_url = _next(request, more)
    body = feeds.json_feed(notices, feed_url=request.build_absolute_uri(),
                           site_url=request.build_absolute_uri(reverse("notices:search")), next_url=next_url)
    return _feed(body, "application/feed+json; charset=utf-8", next_url)


@require_GET
@rate_limited
@public
def pfif(request):
    """PFIF 1.4: the notices out now, then those withdrawn lately as expired records (of the whole feed,
    or of the one station asked for; a feed narrowed otherwise has none). Each page carries up to
    PAGE_SIZE of each, and the pages go on while either has more."""
    notices, more, used = _feed_notices(request)
    expired = []
    if set(used) <= {"station"}:
        expired, more_expired = selectors.page(selectors.withdrawn_notices(station=used.get("station")),
                                               request.GET.get("page"))
        more = more or more_expired
    return _feed(feeds.pfif(notices, expired=expired), "application/xml; charset=utf-8", _next(request, more))


@login_required
@permission_required("tracing.publish_notice", raise_exception=True)
def package(request, pk, platform):
    """The upload package of the case's notice for one platform. The notice need not be out yet: the
    package is how it goes out."""
    if platform not in packages.PLATFORMS:
        raise Http404
    case = case_for(request.user, pk)
    notice = selectors.public_notice(selectors.published_notice(case.pk) or case,
                                     _base(request))
    portrait = selectors.main_portrait(case)
    photo = None
    if portrait:
        with portrait.image.open("rb") as f:
            photo = f.read()
    AuditEvent.record(request, AuditEvent.EXPORT, case.stay.person, target=case, document=f"package:{platform}",
                      photo=bool(photo))
    return download(packages.package(notice, platform, photo), f"notice-{case.pk}-{platform}.zip", "application/zip")
