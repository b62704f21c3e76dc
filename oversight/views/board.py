"""The supervisor's deadline board: overdue and at-risk cases by deadline kind, and the full lists."""

import datetime

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

from shelter.models import AuditEvent, SecondCheck, Stay
from shelter.selectors import bodies_due, death_reports_due, reviews_due
from tracing.models import Deadline, Stage, TracingCase

from ..forms.board import StationFilterForm
from ..models import Problem, ProblemState
from ..selectors import cases_in_stage, with_rows

BOARD_ROWS = 20
PAGE_ROWS = 50


def board_cases(request):
    """The cases the board shows: the user's station; administrators may pick one station."""
    cases = TracingCase.objects.for_user(request.user)
    form = None
    if request.user.sees_all_stations:
        form = StationFilterForm(request.GET or None)
        if form.is_valid() and form.cleaned_data["station"]:
            cases = cases.filter(station=form.cleaned_data["station"])
    return cases, form


def station_query(form):
    if form is not None and form.is_valid() and form.cleaned_data["station"]:
        return f"station={form.cleaned_data['station'].pk}"
    return ""


@login_required
@permission_required("tracing.view_board", raise_exception=True)
def board(request):
    """Overdue and at-risk cases by deadline kind, oldest first, each with one click to its action."""
    now = timezone.now()
    cases, form = board_cases(request)
    sections = []
    for kind, label in Deadline.choices:
        counts = cases.stage_counts(kind, now)
        for stage in (Stage.OVERDUE, Stage.AT_RISK):
            count = counts[stage]
            # Never ask for more rows than exist: the database can stop as soon as it has them.
            rows = with_rows(cases_in_stage(cases, kind, stage, now)[:min(count, BOARD_ROWS)], kind) if count else []
            sections.append({"kind": kind, "label": label, "stage": stage, "count": count, "rows": rows})
    summary = [
        (label, [s for s in sections if s["kind"] == kind]) for kind, label in Deadline.choices
    ]
    AuditEvent.record(request, AuditEvent.LIST, target="deadline board",
                      files=[case.stay.person.file_no for s in sections for case in s["rows"]])
    stays = board_stays(request, form)
    reviews = reviews_due(stays, now)
    # The register's own deadlines beside tracing's: a death's report up the chain, a body's claim.
    deaths, bodies = death_reports_due(stays, now), bodies_due(stays, now)
    problems = problem_counts(request.user, now) if request.user.has_perm("oversight.view_problem") else None
    awaiting = (SecondCheck.objects.for_user(request.user).pending().count()
                if request.user.has_perm("shelter.view_auditevent") else 0)
    return render(request, "oversight/board.html", {
        "problems": problems, "second_checks": awaiting, "sections": sections, "summary": summary, "form": form, "now": now, "query": station_query(form),
        "reviews": reviews, "deaths": deaths, "bodies": bodies,
        "any_due": any(s["count"] for s in sections) or any(reviews.values()) or any(deaths.values())
        or any(bodies.values()),
    })


def problem_counts(user, now):
    """The data-quality problems of the user's station(s): open, past their fix-by date, and those ended in
    the last 30 days by how they ended (fixed, closed for another reason, accepted), kept apart."""
    since = now - datetime.timedelta(days=30)
    ended = Q(closed_at__gte=since)
    return Problem.objects.for_user(user).aggregate(
        open=Count("pk", filter=Q(state=ProblemState.OPEN)),
        overdue=Count("pk", filter=Q(state=ProblemState.OPEN, fix_by__lt=now)),
        fixed=Count("pk", filter=ended & Q(state=ProblemState.FIXED)),
        closed=Count("pk", filter=ended & Q(state=ProblemState.CLOSED)),
        accepted=Count("pk", filter=ended & Q(state__in=[ProblemState.ACCEPTED, ProblemState.LAPSED])))


def board_stays(request, form):
    """The stays whose long-stay reviews the board shows beside the tracing deadlines: the same station."""
    stays = Stay.objects.for_user(request.user)
    if form is not None and form.is_valid() and form.cleaned_data["station"]:
        stays = stays.filter(person__station=form.cleaned_data["station"])
    return stays


class CountedPaginator(Paginator):
    """A paginator told the count (TracingCaseQuerySet.stage_counts computes it from the indexes)."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


@login_required
@permission_required("tracing.view_board", raise_exception=True)
def case_list(request, kind, stage):
    if kind not in Deadline.values or stage not in Stage.values:
        raise Http404
    now = timezone.now()
    cases, form = board_cases(request)
    count = cases.stage_counts(kind, now)[stage]
    page = CountedPaginator(cases_in_stage(cases, kind, stage, now), PAGE_ROWS, count).get_page(request.GET.get("page"))
    page.object_list = with_rows(page.object_list, kind)
    AuditEvent.record(request, AuditEvent.LIST, target=f"tracing {kind} {stage}",
                      files=[case.stay.person.file_no for case in page.object_list])
    return render(request, "oversight/list.html", {
        "page": page, "kind": kind, "label": Deadline(kind).label, "stage": stage, "form": form, "now": now,
        "query": station_query(form),
    })
