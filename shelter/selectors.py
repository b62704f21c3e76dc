"""Reads that several views share. Each is scoped to what the user's station may see: anything else is
a 404, as if it did not exist."""

import datetime

from django.conf import settings
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lib import workflow

from .models import Death, Departure, Person, Service, StateLog, Stay, Transfer, age_overlaps


def person_for(user, pk):
    """The person, if the user's station may see the file."""
    return get_object_or_404(Person.objects.for_user(user), pk=pk)


def stay_for(user, pk):
    return get_object_or_404(Stay.objects.for_user(user).select_related("person"), pk=pk)


def transition_history(obj):
    """The transition log of a workflow object as its page shows it, names translated:
    [(at, step, from, to, reason, by)]."""
    states = dict(obj._meta.get_field("state").flatchoices)
    return [
        (log.at, workflow.label(obj, log.transition), states.get(log.source_state, log.source_state),
         states.get(log.state, log.state), log.reason_text, log.by)
        for log in StateLog.for_object(obj).select_related("by")
    ]


def reviews_due(stays, now):
    """{"overdue": [...], "due": [...]}: the stays (already scoped) whose long-stay review has fallen due,
    and those due within STAY_REVIEW_WARN_DAYS, the oldest first; one range on the review index each."""
    soon = now + datetime.timedelta(days=settings.STAY_REVIEW_WARN_DAYS)
    base = stays.filter(review_due_at__isnull=False).select_related("person", "staff_in_charge").order_by(
        "review_due_at", "pk")
    return {"overdue": list(base.filter(review_due_at__lte=now)[:200]),
            "due": list(base.filter(review_due_at__gt=now, review_due_at__lte=soon)[:200])}


def transfer_for(user, pk):
    """A transfer, seen by the sending and the receiving station."""
    qs = Transfer.objects.for_user(user).select_related("person", "from_station", "to_station", "stay__departure",
                                                          "requested_by", "decided_by")
    return get_object_or_404(qs, pk=pk)


def sent_stay(transfer):
    """What the sending station recorded of the stay it transferred, for its read-only view (and for the
    receiving station deciding): the stay with its services, belongings, reviews and departure."""
    return (Stay.objects.select_related("person", "staff_in_charge", "departure", "entered_by")
            .prefetch_related("belongings", "services", "reviews__reviewer").get(pk=transfer.stay_id))


def filter_people(qs, data, counting=False):
    """The list's filters. The state is the latest stay's: the page reads it from the annotation of
    with_current_stay (the database works it out for the rows it walks, newest first, until the page is
    full); `counting` asks it as EXISTS on the stay of the file's last arrival, which the database joins
    in one go (bench_pages: 70 ms where a subquery per file took 320 ms)."""
    if data["q"]:
        q = data["q"].strip()
        qs = qs.filter(
            models.Q(name__icontains=q) | models.Q(aliases__icontains=q) | models.Q(file_no__icontains=q)
            | models.Q(id_number__iexact=q.upper())
        )
    if data["state"] and counting:
        qs = qs.filter(models.Exists(Stay.objects.filter(
            person=models.OuterRef("pk"), arrived_at=models.OuterRef("last_arrived_at"), state=data["state"])))
    elif data["state"]:
        qs = qs.filter(current_state=data["state"])
    if data["sex"]:
        qs = qs.filter(sex=data["sex"])
    if data["age"] is not None:
        qs = qs.filter(age_overlaps(data["age"]))
    # A stay in the period: its days are the station's (local midnight to midnight), compared as times so
    # that the index on arrived_at serves, and asked with EXISTS rather than a join made distinct.
    arrived = {}
    if data["arrived_from"]:
        arrived["arrived_at__gte"] = start_of_day(data["arrived_from"])
    if data["arrived_to"]:
        arrived["arrived_at__lt"] = start_of_day(data["arrived_to"] + datetime.timedelta(days=1))
    if arrived:
        qs = qs.filter(models.Exists(Stay.objects.filter(person=models.OuterRef("pk"), **arrived)))
    return qs


def start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


LATE_KINDS = {"arrival": Stay, "service": Service, "departure": Departure, "death": Death}


def late_entries_for(user, show_seen=False):
    """[(kind, entry, person)] of the entries made more than LATE_ENTRY_HOURS after the event in the
    user's stations, newest entry first: those no supervisor has marked seen yet (or all, `show_seen`)."""
    stays = Stay.objects.for_user(user)
    rows = []
    for kind, model in LATE_KINDS.items():
        qs = model.objects.filter(late=True).select_related("entered_by", "late_seen_by")
        if not show_seen:
            qs = qs.filter(late_seen_at__isnull=True)
        if model is Stay:
            qs = qs.filter(pk__in=stays).select_related("person")
        else:
            qs = qs.filter(stay__in=stays).select_related("stay__person")
        for entry in qs.order_by("-entered_at")[:200]:
            stay = entry if model is Stay else entry.stay
            rows.append((kind, entry, stay.person))
    rows.sort(key=lambda r: r[1].entered_at, reverse=True)
    return rows


def late_entry_for(user, kind, pk):
    """A late entry of this kind in the user's stations (404 otherwise), and its stay."""
    model = LATE_KINDS.get(kind)
    if model is None:
        raise Http404
    stays = Stay.objects.for_user(user)
    qs = model.objects.filter(pk__in=stays) if model is Stay else model.objects.filter(stay__in=stays)
    entry = get_object_or_404(qs.filter(late=True), pk=pk)
    return entry, (entry if model is Stay else entry.stay)
