"""Doubtful data back to its source: the queries to other departments (open ones with their age, the
answered ones), raising one from a problem or a comparison, its letter (PDF) and sheet of disputed items
(XLSX), and recording the answer. Every page and file is scoped to the user's station and audited."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.http import download
from shelter.models import AuditEvent
from shelter.steps import refused, take_step

from .. import documents, exports, hooks
from ..forms.problems import AnswerForm, QueryForm, department_of
from ..models import DataComparison, DataQuery, Problem
from ..problem_text import what_is_wrong
from ..services import answer_query, query_items, raise_query


def day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0)))


def stated_day(day, now):
    """A day the user gives as a time: today is now; another day its start (a day to come is refused by
    the model)."""
    return now if day == timezone.localdate(now) else day_start(day)


@login_required
@permission_required("oversight.view_dataquery", raise_exception=True)
def queries(request):
    """The queries of the user's station(s): those awaiting an answer, oldest first, with their age in days;
    then the answered ones."""
    rows = DataQuery.objects.for_user(request.user).select_related("station", "sent_by")
    now = timezone.now()
    waiting = list(rows.awaiting().order_by("sent_at", "pk")[:200])
    for q in waiting:
        q.age = q.age_days(now)
    answered = rows.exclude(pk__in=[q.pk for q in waiting]).filter(state="answered").order_by("-answered_at")[:100]
    AuditEvent.record(request, AuditEvent.LIST, target="data queries")
    return render(request, "oversight/queries.html", {"waiting": waiting, "answered": answered})


def source_of(request):
    """(problem, comparison) named by ?problem= or ?comparison= (or the form's hidden fields), of the user's
    station; 404 otherwise."""
    data = request.POST if request.method == "POST" else request.GET
    if data.get("problem"):
        return get_object_or_404(Problem.objects.for_user(request.user).select_related("person", "station"),
                                 pk=data["problem"]), None
    if data.get("comparison"):
        return None, get_object_or_404(DataComparison.objects.for_user(request.user).select_related("station"),
                                       pk=data["comparison"])
    raise Http404


@login_required
@permission_required("oversight.add_dataquery", raise_exception=True)
def query_new(request):
    """Raise a query from a problem or from a comparison (all its hits): the form, then the query's page."""
    problem, comparison = source_of(request)
    station = (problem or comparison).station
    items = query_items(problem=problem, comparison=comparison)
    source = comparison.source if comparison else (problem.params.get("source", "") if problem else "")
    form = QueryForm(request.POST or None, initial={
        "department": department_of(source), "department_name": source, "sent_on": timezone.localdate(),
        "question": what_is_wrong(problem) if problem else ""})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                query = raise_query(station=station, department=data["department"],
                                    department_name=data["department_name"], question=data["question"],
                                    items=items, by=request.user, problem=problem, comparison=comparison,
                                    sent_at=stated_day(data["sent_on"], timezone.now()))
            except ValidationError as e:
                refused(request, form, e)
            else:
                AuditEvent.record(request, AuditEvent.CREATE, target=query, query=query.pk, items=len(items))
                messages.success(request, _("The query is kept; print its letter and sheet of disputed items."))
                return redirect("oversight:query", pk=query.pk)
        messages.error(request, _("Please correct the fields marked below; nothing was sent."))
        status = 400
    return render(request, "oversight/query_new.html", {
        "form": form, "items": items, "problem": problem, "comparison": comparison, "station": station,
    }, status=status)


def query_for(request, pk):
    return get_object_or_404(DataQuery.objects.for_user(request.user).select_related("station", "sent_by"), pk=pk)


@login_required
@permission_required("oversight.view_dataquery", raise_exception=True)
def query(request, pk, answer_form=None, status=200):
    query = query_for(request, pk)
    AuditEvent.record(request, AuditEvent.VIEW, target=query, query=query.pk,
                      files=[i.get("file_no") for i in query.items if i.get("file_no")])
    return render(request, "oversight/query.html", {
        "query": query, "age": query.age_days(),
        "form": answer_form or AnswerForm(initial={"answered_on": timezone.localdate()}),
        "panels": hooks.query_panels(request, query),
    }, status=status)


@login_required
@permission_required("oversight.change_dataquery", raise_exception=True)
@require_POST
def query_answer(request, pk):
    item = query_for(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        done = take_step(request, item, "record_answer", form=form, service=answer_query, query=item,
                         answer=form.cleaned_data["answer"],
                         answered_at=stated_day(form.cleaned_data["answered_on"], timezone.now()),
                         done=_("The department's answer is recorded."))
        if done:
            return redirect("oversight:query", pk=item.pk)
        return query(request, pk, answer_form=form, status=done.status)
    return query(request, pk, answer_form=form, status=400)


def what_of(query):
    """{problem pk: what is doubtful}, worded now in the documents' language by the caller's override."""
    return {p.pk: what_is_wrong(p) for p in Problem.objects.filter(
        pk__in=[i["problem"] for i in query.items if i.get("problem")])}


@login_required
@permission_required("oversight.view_dataquery", raise_exception=True)
def query_letter(request, pk):
    query = query_for(request, pk)
    AuditEvent.record(request, AuditEvent.EXPORT, target=query, query=query.pk, file="letter")
    return download(documents.query_letter_pdf(query), f"{query.reference}.pdf", "application/pdf", inline=True)


@login_required
@permission_required("oversight.view_dataquery", raise_exception=True)
def query_items_sheet(request, pk):
    query = query_for(request, pk)
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        what = what_of(query)
    AuditEvent.record(request, AuditEvent.EXPORT, target=query, query=query.pk, file="items",
                      rows=len(query.items))
    return download(documents.query_items_xlsx(query, what), f"{query.reference}.xlsx", exports.CONTENT_TYPES["xlsx"])
