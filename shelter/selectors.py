"""Reads that several views share. Each is scoped to what the user's station may see: anything else is
a 404, as if it did not exist."""

import datetime

from django.conf import settings
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from lib import workflow

from .filters import AuditFilter, PersonFilter
from .models import (
    AuditEvent,
    Body,
    BodyState,
    CheckState,
    Death,
    Departure,
    Person,
    SecondCheck,
    Service,
    StateLog,
    Stay,
    Transfer,
)


def person_for(user, pk):
    """The person, if the user's station may see the file."""
    return get_object_or_404(Person.objects.for_user(user), pk=pk)


def stay_for(user, pk):
    return get_object_or_404(Stay.objects.for_user(user).select_related("person"), pk=pk)


def taken_by(log):
    """Who took a step, as its history says it: a step the system took (its reason is a code: the search
    proposed a report) is the system's, started by the user, not the user's alone (issue 25)."""
    if not log.reason_code:
        return log.by
    if log.by is None:
        return _("automatically")
    return _("automatically, started by %(who)s") % {"who": log.by.get_full_name() or log.by.username}


def transition_history(obj):
    """The transition log of a workflow object as its page shows it, names translated:
    [(at, step, from, to, reason, by)]."""
    states = dict(obj._meta.get_field("state").flatchoices)
    return [
        (log.at, workflow.label(obj, log.transition), states.get(log.source_state, log.source_state),
         states.get(log.state, log.state), log.reason_text, taken_by(log))
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


def death_reports_due(stays, now):
    """{"overdue": [...], "due": [...]}: the deaths (of these stays, already scoped) whose report up the
    chain is not made, past its deadline or within DEATH_REPORT_WARN_HOURS of it; one range on its index."""
    soon = now + datetime.timedelta(hours=settings.DEATH_REPORT_WARN_HOURS)
    base = (Death.objects.filter(stay__in=stays, report_met_at__isnull=True, report_due_at__isnull=False)
            .select_related("stay__person").order_by("report_due_at", "pk"))
    return {"overdue": list(base.filter(report_due_at__lte=now)[:200]),
            "due": list(base.filter(report_due_at__gt=now, report_due_at__lte=soon)[:200])}


def bodies_due(stays, now):
    """{"overdue": [...], "due": [...]}: the unclaimed bodies (of these stays) past their claim deadline,
    or within BODY_CLAIM_WARN_DAYS of it."""
    soon = now + datetime.timedelta(days=settings.BODY_CLAIM_WARN_DAYS)
    base = (Body.objects.filter(death__stay__in=stays, state=BodyState.KEPT)
            .select_related("death__stay__person").order_by("claim_due_at", "pk"))
    return {"overdue": list(base.filter(claim_due_at__lte=now)[:200]),
            "due": list(base.filter(claim_due_at__gt=now, claim_due_at__lte=soon)[:200])}


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


def filtered_people(user, data):
    """The people list: (form, rows, counted), the files the user's station may see filtered by the
    query (`PersonFilter`), newest arrival first; `counted` the same files without the page's
    annotation, for the paginator's count. A merged file is kept but not listed: its stays are on the
    file it was merged into."""
    files = Person.objects.for_user(user).filter(merged_into__isnull=True)
    data = data or None
    shown = PersonFilter(data, files.with_current_stay().select_related("station"))
    rows = shown.qs.order_by(models.F("last_arrived_at").desc(nulls_last=True), "-pk")
    return shown.form, rows, PersonFilter(data, files, counting=True).qs


def filtered_audit(user, data):
    """The audit log: (form, events), the events the user's station may see filtered by the query
    (`AuditFilter`), newest first."""
    shown = AuditFilter(data or None, AuditEvent.objects.for_user(user).select_related("user", "person", "station"))
    return shown.form, shown.qs


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


def second_checks_for(user, state=CheckState.PENDING):
    """The decisions of the user's stations in this state (awaiting a second check by default), oldest
    first, with what they concern."""
    return (SecondCheck.objects.for_user(user).filter(state=state)
            .select_related("station", "entered_by", "checked_by", "content_type").prefetch_related("target")
            .order_by("entered_at", "pk"))


def second_check_for(user, pk):
    """One decision of the user's stations (404 otherwise)."""
    return get_object_or_404(SecondCheck.objects.for_user(user), pk=pk)
