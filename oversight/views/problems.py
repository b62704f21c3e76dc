"""The data-quality problems (问题清单) of my station (every station for administrators and inspectors):
by kind, severity and age; a supervisor accepts one with a reason; the problem ledger (整改台账) as XLSX.
The list and the export are written to the audit log."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.http import download, next_url
from shelter.models import AuditEvent, Station
from shelter.steps import take_step

from .. import exports
from ..finance import SheetRefused
from ..forms.problems import AcceptProblemForm, ComparisonForm, FindingForm, FixFindingForm, InspectionForm
from ..models import DataComparison, MonthlyInspection, Problem, ProblemKind, ProblemState
from ..problem_text import how_to_fix, what_is_wrong
from ..selectors import filtered_problems, missing_inspections
from ..services import (
    FindingRefused,
    InspectionRefused,
    accept_problem,
    compare_list,
    file_inspection,
    fix_finding,
    record_finding,
)


@login_required
@permission_required("oversight.view_problem", raise_exception=True)
def problem_list(request):
    form, rows = filtered_problems(request.user, request.GET)
    counts = outcome_counts(request.user)
    page = Paginator(rows.order_by("-severity", "raised_at"), 50).get_page(request.GET.get("page"))
    for p in page:
        p.what, p.fix = what_is_wrong(p), how_to_fix(p)
    AuditEvent.record(request, AuditEvent.LIST, target="problems", **{k: v for k, v in request.GET.items()})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "oversight/problems.html", {
        "form": form, "page": page, "query": query.urlencode(), "now": timezone.now(),
        "counts": counts, "states": ProblemState.choices,
        "accept_form": AcceptProblemForm(),
    })


def outcome_counts(user):
    """[(kind's label, severity, [count of each state])]: the open ones and how the others ended, kept apart
    (fixed, closed for another reason, accepted, acceptance lapsed), one grouped query."""
    labels = dict(Problem._meta.get_field("kind").choices)
    rows = {}
    for c in (Problem.objects.for_user(user).values("kind", "severity", "state").annotate(n=Count("pk"))
              .order_by("-severity", "kind")):
        rows.setdefault((c["kind"], c["severity"]), {})[c["state"]] = c["n"]
    return [(labels[kind], severity, [by_state.get(state, 0) for state in ProblemState.values])
            for (kind, severity), by_state in rows.items()]


@login_required
@permission_required("oversight.accept_problem", raise_exception=True)
@require_POST
def accept(request, pk):
    problem = get_object_or_404(Problem.objects.for_user(request.user), pk=pk)
    form = AcceptProblemForm(request.POST)
    if form.is_valid():
        take_step(request, problem, "accept", person=problem.person, service=accept_problem, problem=problem,
                  reason=form.cleaned_data["reason"], awaiting=form.cleaned_data["awaiting"],
                  done=_("The problem is accepted as it is; the reason is in the ledger."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(next_url(request, "oversight:problems"))


@login_required
@permission_required("oversight.view_problem", raise_exception=True)
def ledger(request):
    _form, rows = filtered_problems(request.user, request.GET)
    zone = timezone.get_current_timezone()

    def local(at):
        return timezone.localtime(at, zone).replace(tzinfo=None) if at else None

    headers = [_("station"), _("file number"), _("kind"), _("severity"), _("what is wrong"), _("how to fix"),
               _("owner"), _("raised"), _("fix by"), _("state"), _("closed"), _("closed because"), _("accepted until"),
               _("accepted by"), _("reason")]
    data = [[p.station.name, p.person.file_no if p.person else "", p.get_kind_display(), p.get_severity_display(),
             what_is_wrong(p), how_to_fix(p), str(p.owner or _("supervisors")), local(p.raised_at), local(p.fix_by),
             p.get_state_display(), local(p.closed_at), p.get_closed_because_display(), local(p.accepted_until),
             str(p.accepted_by or ""), p.accept_reason]
            for p in rows.order_by("raised_at", "pk")]
    AuditEvent.record(request, AuditEvent.EXPORT, target="problem ledger", rows=len(data))
    return download(exports.to_xlsx(_("problem ledger"), [str(h) for h in headers], data),
                    f"problems-{timezone.localdate():%Y%m%d}.xlsx", exports.CONTENT_TYPES["xlsx"])


@login_required
@permission_required("oversight.view_datacomparison", raise_exception=True)
def comparisons(request):
    """The comparison ledger: each upload of another department's list, with its hits; the upload form."""
    form = ComparisonForm(user=request.user)
    return render_comparisons(request, form)


def render_comparisons(request, form, status=200):
    uploads = DataComparison.objects.for_user(request.user).select_related("station", "uploaded_by")[:100]
    return render(request, "oversight/comparisons.html", {"uploads": uploads, "form": form}, status=status)


@login_required
@permission_required("oversight.add_datacomparison", raise_exception=True)
@require_POST
def comparison_upload(request):
    form = ComparisonForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        upload = form.cleaned_data["sheet"]
        try:
            done = compare_list(station=form.cleaned_data["station"], source=form.cleaned_data["source"],
                                file_name=upload.name, data=upload.read(), columns=form.columns(), by=request.user)
        except SheetRefused as e:
            form.add_error("sheet", e.message)
        else:
            AuditEvent.record(request, AuditEvent.CREATE, target=done, comparison=done.pk, hits=len(done.hits))
            messages.success(request, _("The list was compared with the files; each hit is a problem to check."))
            return redirect("oversight:comparison", pk=done.pk)
    messages.error(request, _("Please correct the fields marked below; nothing was compared."))
    return render_comparisons(request, form, status=400)


@login_required
@permission_required("oversight.view_datacomparison", raise_exception=True)
def comparison(request, pk):
    upload = get_object_or_404(DataComparison.objects.for_user(request.user).select_related("station"), pk=pk)
    problems = (Problem.objects.for_user(request.user).filter(kind="comparison_hit", params__comparison=upload.pk)
                .select_related("person").order_by("pk"))
    for p in problems:
        p.what = what_is_wrong(p)
    AuditEvent.record(request, AuditEvent.LIST, target=upload, comparison=upload.pk)
    return render(request, "oversight/comparison.html", {"upload": upload, "problems": problems})


@login_required
@permission_required("oversight.view_monthlyinspection", raise_exception=True)
def inspections(request):
    """The monthly inspection register of the user's station(s), the months missing, and the form."""
    rows = (MonthlyInspection.objects.for_user(request.user).select_related("station", "signed_by")
            .annotate(open_problems=Count("problems"))[:60])
    stations = Station.objects.all() if request.user.sees_all_stations else Station.objects.filter(
        pk=request.user.station_id)
    missing = [(s, missing_inspections(s)) for s in stations]
    form = InspectionForm(request.POST or None, user=request.user, initial={"month": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("oversight.add_monthlyinspection"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = file_inspection(station=data["station"], month=data["month"], items=data["items"],
                                       findings=data["findings"], by=request.user)
            except InspectionRefused as e:
                form.add_error("month", e.message)
            else:
                AuditEvent.record(request, AuditEvent.CREATE, target=done, inspection=done.pk)
                messages.success(request, _("The month's inspection is filed and signed off."))
                return redirect("oversight:inspections")
        messages.error(request, _("Please correct the fields marked below; nothing was filed."))
        status = 400
    return render(request, "oversight/inspections.html", {"rows": rows, "missing": missing, "form": form},
                  status=status)


@login_required
@permission_required("oversight.view_problem", raise_exception=True)
def findings(request):
    """Inspection that acts: the monthly inspections due and not filed (the station head was told), and
    the inspectors' findings, open ones first, those past their fix-by date marked, fixed ones with what
    was done. The inspector records a finding here (oversight.record_finding); the station marks its own
    fixed."""
    form = FindingForm(request.POST or None, initial={"fix_by": timezone.localdate() + timezone.timedelta(days=30)})
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("oversight.record_finding"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            fix_by = timezone.make_aware(datetime.datetime.combine(data["fix_by"], datetime.time(23, 59)))
            try:
                done = record_finding(station=data["station"], text=data["text"], owner=data["owner"],
                                      fix_by=fix_by, by=request.user)
            except FindingRefused as e:
                form.add_error(e.field, e.message)
            else:
                AuditEvent.record(request, AuditEvent.CREATE, target=done, problem=done.pk)
                messages.success(request, _("The finding is in the station's problem list; its owner is told."))
                return redirect("oversight:findings")
        messages.error(request, _("Please correct the fields marked below; nothing was recorded."))
        status = 400
    rows = (Problem.objects.for_user(request.user).filter(kind=ProblemKind.INSPECTION_FINDING)
            .select_related("station", "owner", "raised_by", "fixed_by").order_by("state", "fix_by", "pk")[:200])
    missing = (Problem.objects.for_user(request.user).open().filter(kind=ProblemKind.INSPECTION_MISSING)
               .select_related("station", "owner").order_by("station__code", "key"))
    AuditEvent.record(request, AuditEvent.LIST, target="inspection findings")
    return render(request, "oversight/findings.html", {
        "form": form, "rows": rows, "missing": missing, "fix_form": FixFindingForm(), "now": timezone.now(),
        "overdue": sum(1 for p in rows if p.overdue),
    }, status=status)


@login_required
@require_POST
def finding_fixed(request, pk):
    problem = get_object_or_404(Problem.objects.for_user(request.user).filter(kind=ProblemKind.INSPECTION_FINDING),
                                pk=pk)
    form = FixFindingForm(request.POST)
    if form.is_valid():
        take_step(request, problem, "fix", service=fix_finding, problem=problem, note=form.cleaned_data["note"],
                  done=_("The finding is marked fixed; the inspector is told."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("oversight:findings")
