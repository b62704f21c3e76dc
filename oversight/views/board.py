"""The supervisor's deadline board: overdue and at-risk cases by deadline kind, and the full lists."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

from shelter.models import AuditEvent, SecondCheck, Stay
from shelter.selectors import reviews_due
from tracing.models import Deadline, Stage, TracingCase

from ..forms.board import StationFilterForm
from ..models import Problem
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
    reviews = reviews_due(board_stays(request, form), now)
    problems = problem_counts(request.user, now) if request.user.has_perm("oversight.view_problem") else None
    awaiting = (SecondCheck.objects.for_user(request.user).pending().count()
                if request.user.has_perm("shelter.view_auditevent") else 0)
    return render(request, "oversight/board.html", {
        "problems": problems, "second_checks": awaiting, "sections": sections, "summary": summary, "form": form, "now": now, "query": station_query(form),
        "reviews": reviews, "any_due": any(s["count"] for s in sections) or any(reviews.values()),
    })


def problem_counts(user, now):
    """The open data-quality problems of the user's station(s): all, and past their fix-by date."""
    rows = Problem.objects.for_user(user).open()
    return rows.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(fix_by__lt=now)))


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
