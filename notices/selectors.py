"""The published notices as the public sees them: a tracing case with a notice out on at least one
channel (a publication not withdrawn), shown with the notice's public fields only (PUBLIC_FIELDS).
Nothing else of the case, the stay or the file ever leaves through here: the pages, the feeds, the
platform packages and the partner API all read `public_notice()`.

A notice withdrawn on its last channel (or a case closed: tracing takes its notices down) is gone at
once; the PFIF feed says so with an expired record (`withdrawn_notices`)."""

import datetime

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from face.models import Portrait
from shelter.models import Sex, Station, age_overlaps
from tracing.models import Publication, PublicationState, TracingCase

# What a notice shows to anyone, and nothing else (tests/notices/test_public.py holds every output to it).
PUBLIC_FIELDS = ("id", "url", "photo_url", "name", "sex", "age_min", "age_max", "height_cm", "features", "clothing",
                 "found_on", "found_place", "station", "station_code", "station_phone", "published_at", "updated_at")
PAGE_SIZE = 50
MAX_PAGE = 1_000_000


def _live(case="pk"):
    """The publications still out (not withdrawn) of the case named by the outer query's `case` field."""
    return Publication.objects.filter(case=OuterRef(case)).exclude(state=PublicationState.WITHDRAWN)


def published():
    """The cases whose notice is out now, newest found first: the filter and the order only, on the
    case's own columns (search() narrows it; notice_page() reads a page of it)."""
    return TracingCase.objects.filter(Exists(_live())).order_by("-found_at", "-pk")


def with_public_fields(cases):
    """`cases` with what public_notice() reads, in the same query."""
    main = Portrait.objects.filter(person=OuterRef("stay__person"), is_main=True)
    # Correlated subqueries, not a GROUP BY over the join: they are asked for the page's rows only.
    channels = Publication.objects.filter(case=OuterRef("pk"))
    return (cases.annotate(first_published=Subquery(channels.order_by("published_at").values("published_at")[:1]),
                           last_updated=Subquery(channels.filter(updated_at__isnull=False).order_by("-updated_at")
                                                 .values("updated_at")[:1]),
                           has_photo=Exists(main))
            .select_related("stay__person", "station")
            .only("pk", "state", "found_at", "stay__state", "station__code", "station__name", "station__phone",
                  "stay__arrived_at", "stay__found_place", "stay__clothing", "stay__person__name",
                  "stay__person__sex", "stay__person__date_of_birth", "stay__person__age_min",
                  "stay__person__age_max", "stay__person__height_cm", "stay__person__hair", "stay__person__marks",
                  "stay__person__scars", "stay__person__tattoos", "stay__person__disability"))


def notice_page(cases, number):
    """The page `number` (from 1) of `cases` (published(), perhaps narrowed), read with what
    public_notice() reads, and whether another page follows. Two queries: the page's ids (the filters
    and the order alone), then those cases with their fields, so that a deep page or a broad search
    never reads the photo and the dates of the rows it passes over (docs/performance.md)."""
    ids, more = page(cases.values_list("pk", flat=True), number)
    found = with_public_fields(TracingCase.objects.filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids], more


def published_notice(pk):
    """One published case with what public_notice() reads, or None (never published, withdrawn
    everywhere, or no such case)."""
    return with_public_fields(published().filter(pk=pk)).first()


def search(params):
    """published() narrowed by the public search's parameters (all optional, a wrong value ignored):
    station (code), region (words in the station's name or address, or the place found), sex (M/F/U),
    age_from / age_to, found_from / found_to (YYYY-MM-DD). Returns (queryset, the parameters used)."""
    cases, used = published(), {}
    station = (params.get("station") or "").strip()
    if station:
        cases, used["station"] = cases.filter(station__code=station), station
    region = (params.get("region") or "").strip()[:40]
    if region:
        # Words of a station (a short table: asked first, for their ids) or of the place found. The case
        # then needs only its stay: no OR across three joined tables, which PostgreSQL could test only
        # after joining every case (153 ms at 100,000 notices; now a few: docs/performance.md). The
        # statistics of shelter's migration 0023 tell it how common the place's words are.
        named = list(Station.objects.filter(Q(name__icontains=region) | Q(address__icontains=region))
                     .values_list("pk", flat=True))
        cases = cases.filter(Q(station__in=named) | Q(stay__found_place__icontains=region))
        used["region"] = region
    sex = (params.get("sex") or "").strip().upper()
    if sex in Sex.values:
        cases, used["sex"] = cases.filter(stay__person__sex=sex), sex
    youngest, oldest = _number(params.get("age_from")), _number(params.get("age_to"))
    if youngest is not None or oldest is not None:
        cases = cases.filter(age_overlaps((youngest, oldest), prefix="stay__person__"))
        used["age_from"], used["age_to"] = youngest, oldest
    # Found on or after the first day, before the day after the last (local days), on the case's index.
    for name, lookup, days in (("found_from", "gte", 0), ("found_to", "lt", 1)):
        day = _day(params.get(name))
        if day:
            start = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time()))
            cases, used[name] = cases.filter(**{f"found_at__{lookup}": start}), day.isoformat()
    return cases, used


def _number(value):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= 130 else None


def _day(value):
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        return None


def page(rows, number, size=None):
    """The page `number` (from 1) of `size` (PAGE_SIZE) rows, and whether another follows."""
    number, size = page_number(number), size or PAGE_SIZE
    found = list(rows[(number - 1) * size:number * size + 1])
    return found[:size], len(found) > size


def page_number(value):
    """The page asked for: a whole number from 1 (at most MAX_PAGE), else 1."""
    text = str(value or "").strip()
    return min(max(int(text), 1), MAX_PAGE) if text.isdigit() and len(text) <= 9 else 1


def public_notice(case, base=""):
    """The notice's public fields (PUBLIC_FIELDS), as plain values. `base`: the site's address before the
    paths (feeds and the API give absolute links)."""
    person, stay = case.stay.person, case.stay
    youngest, oldest = case.notice_age()
    found = timezone.localtime(case.found_at)
    published_at = getattr(case, "first_published", None)
    updated_at = getattr(case, "last_updated", None) or published_at
    return {
        "id": case.pk,
        "url": base + reverse("notices:notice", args=[case.pk]),
        "photo_url": base + reverse("notices:photo", args=[case.pk]) if getattr(case, "has_photo", False) else "",
        "name": person.name,
        "sex": person.sex,
        "age_min": youngest,
        "age_max": oldest,
        "height_cm": person.height_cm,
        "features": case.notice_features(),
        "clothing": stay.clothing,
        "found_on": found.date(),
        "found_place": stay.found_place,
        "station": case.station.name,
        "station_code": case.station.code,
        "station_phone": case.station.phone,
        "published_at": published_at,
        "updated_at": updated_at,
    }


def main_portrait(case):
    return Portrait.objects.filter(person_id=case.stay.person_id, is_main=True).first()


def withdrawn_notices(since=None, station=None):
    """(case pk, withdrawn at) of the notices taken down on every channel, their withdrawal entered since
    `since` (by default the last PFIF_EXPIRED_DAYS days, whatever date the withdrawal states: a notice
    the feeds stopped showing today is expired today), of one station (code) or all, the latest first:
    the PFIF feed repeats them as expired records, a page at a time, so that the platforms that copied
    them delete them. Starts from the withdrawals entered since then (indexed), not from every case."""
    since = since or timezone.now() - datetime.timedelta(days=settings.PFIF_EXPIRED_DAYS)
    gone = Publication.objects.filter(withdrawal_entered_at__gte=since).exclude(Exists(_live("case")))
    if station:
        gone = gone.filter(case__station__code=station)
    return (gone.values("case").annotate(gone=Max("withdrawn_at"), entered=Max("withdrawal_entered_at"))
            .order_by("-entered", "-case").values_list("case", "gone"))


def stations():
    """The stations with a notice out, for the public search's list."""
    return Station.objects.filter(pk__in=published().order_by().values("station")).order_by("code")
