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


def _live():
    return Publication.objects.filter(case=OuterRef("pk")).exclude(state=PublicationState.WITHDRAWN)


def published():
    """The cases whose notice is out now, newest first, with what public_notice() reads."""
    main = Portrait.objects.filter(person=OuterRef("stay__person"), is_main=True)
    # Correlated subqueries, not a GROUP BY over the join: a page reads them for its 50 rows only.
    channels = Publication.objects.filter(case=OuterRef("pk"))
    return (TracingCase.objects.filter(Exists(_live()))
            .annotate(first_published=Subquery(channels.order_by("published_at").values("published_at")[:1]),
                      last_updated=Subquery(channels.filter(updated_at__isnull=False).order_by("-updated_at")
                                            .values("updated_at")[:1]),
                      has_photo=Exists(main))
            .select_related("stay__person", "station")
            .only("pk", "state", "stay__state", "station__code", "station__name", "station__phone", "stay__arrived_at", "stay__found_place",
                  "stay__clothing", "stay__person__name", "stay__person__sex", "stay__person__date_of_birth",
                  "stay__person__age_min", "stay__person__age_max", "stay__person__height_cm",
                  "stay__person__hair", "stay__person__marks", "stay__person__scars", "stay__person__tattoos",
                  "stay__person__disability")
            .order_by("-stay__arrived_at", "-pk"))


def published_notice(pk):
    """One published case, or None (never published, withdrawn everywhere, or no such case)."""
    return published().filter(pk=pk).first()


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
        cases = cases.filter(Q(station__name__icontains=region) | Q(station__address__icontains=region)
                             | Q(stay__found_place__icontains=region))
        used["region"] = region
    sex = (params.get("sex") or "").strip().upper()
    if sex in Sex.values:
        cases, used["sex"] = cases.filter(stay__person__sex=sex), sex
    youngest, oldest = _number(params.get("age_from")), _number(params.get("age_to"))
    if youngest is not None or oldest is not None:
        cases = cases.filter(age_overlaps((youngest, oldest), prefix="stay__person__"))
        used["age_from"], used["age_to"] = youngest, oldest
    for name, lookup in (("found_from", "gte"), ("found_to", "lte")):
        day = _day(params.get(name))
        if day:
            cases, used[name] = cases.filter(**{f"stay__arrived_at__date__{lookup}": day}), day.isoformat()
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


def page(cases, number):
    """The page `number` (from 1) of PAGE_SIZE notices, and whether another follows."""
    number = max(_number(number) or 1, 1) if str(number or "").isdigit() else 1
    rows = list(cases[(number - 1) * PAGE_SIZE:number * PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def public_notice(case, base=""):
    """The notice's public fields (PUBLIC_FIELDS), as plain values. `base`: the site's address before the
    paths (feeds and the API give absolute links)."""
    person, stay = case.stay.person, case.stay
    youngest, oldest = case.notice_age()
    found = timezone.localtime(stay.arrived_at)
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


def withdrawn_notices(since=None):
    """[(case pk, withdrawn at)] of the notices taken down on every channel since `since` (by default the
    last PFIF_EXPIRED_DAYS days): the PFIF feed repeats them as expired records so that the platforms
    that copied them delete them."""
    since = since or timezone.now() - datetime.timedelta(days=settings.PFIF_EXPIRED_DAYS)
    return list(TracingCase.objects.exclude(Exists(_live())).filter(publications__isnull=False)
                .annotate(gone=Max("publications__withdrawn_at")).filter(gone__gte=since)
                .order_by("-gone").values_list("pk", "gone"))


def stations():
    """The stations with a notice out, for the public search's list."""
    return Station.objects.filter(pk__in=published().values("station")).order_by("code")
