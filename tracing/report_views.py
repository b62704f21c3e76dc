"""Views of family reports, their candidates and duplicate-file warnings. Thin: the rules are on the
models (FamilyReport, Candidate, PossibleDuplicate) and steps go through lib.workflow.apply(); every
look at a file, a photo or a candidate is audited."""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from face.images import ImageRefused, thumbnail_jpeg
from face.views import THUMBNAIL_SIZES, private
from lib import workflow
from shelter.models import AuditEvent

from . import portraits
from .candidates import Candidate, CandidateState
from .duplicates import PossibleDuplicate
from .events import transition_history
from .finding import FACE_SCORE_SPAN, face_score, in_language
from .report_forms import AddPhotosForm, ClosingForm, FamilyReportForm, ReasonForm
from .reports import SEARCHING_STATES, FamilyReport, ReportPhoto, ReportState


# The report's steps people take; the others are taken by the search and the candidates' review.
REPORT_STEPS = ("reunite", "close")


def report_for(request, pk):
    """A report the user's station handles or has a candidate for: 404 otherwise."""
    qs = FamilyReport.objects.visible_to(request.user).select_related("station", "taken_by", "matched_person")
    return get_object_or_404(qs, pk=pk)


def own_report(request, pk):
    """A report the user's station handles (to change it): 404 otherwise."""
    return get_object_or_404(FamilyReport.objects.for_user(request.user), pk=pk)


def back(request, default):
    """Where to return after a step taken from the report page or from a person's file."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
@permission_required("tracing.view_familyreport", raise_exception=True)
def report_list(request):
    """The station's reports (open ones first, or all), and other stations' reports with a candidate here."""
    show_all = request.GET.get("all") == "1"
    proposed = models.Count("candidates", filter=models.Q(candidates__state=CandidateState.PROPOSED))
    mine = FamilyReport.objects.for_user(request.user).select_related("station", "taken_by").annotate(proposed=proposed)
    if not show_all:
        mine = mine.filter(state__in=[*SEARCHING_STATES, ReportState.CONFIRMED])
    shared = FamilyReport.objects.none()
    if request.user.station_id:
        shared = (FamilyReport.objects.visible_to(request.user).exclude(station=request.user.station_id)
                  .filter(state__in=SEARCHING_STATES).select_related("station"))
    return render(request, "tracing/reports/list.html", {
        "reports": mine.order_by("state", "-reported_at")[:200], "shared": shared, "show_all": show_all,
    })


@login_required
@permission_required("tracing.add_familyreport", raise_exception=True)
def report_new(request):
    if request.user.station_id is None:
        messages.error(request, _("Your account belongs to no station, so you cannot take family reports."))
        return redirect("tracing:reports")
    form = FamilyReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        valid = form.is_valid()
        token = form.cleaned_data.get("submit_token")
        existing = FamilyReport.objects.filter(submit_token=token).first() if token else None
        if existing:  # a second click on the same form
            return already_registered(request, existing)
        if valid:
            try:
                report = FamilyReport.register(form.save(commit=False), form.cleaned_data["photos"], request.user)
            except IntegrityError:  # two clicks at the same moment: the other one registered it
                existing = FamilyReport.objects.filter(submit_token=token).first() if token else None
                if existing is None:
                    raise
                return already_registered(request, existing)
            AuditEvent.record(request, AuditEvent.CREATE, target=report, report=report.reference,
                              photos=len(form.cleaned_data["photos"]))
            messages.success(request, _("Family report %(ref)s registered. The search runs now: candidates "
                                        "appear on this page.") % {"ref": report.reference})
            return redirect(report)
        messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    return render(request, "tracing/reports/new.html", {"form": form})


def already_registered(request, report):
    messages.info(request, _("This report was already registered; it was not entered twice."))
    return redirect(report)


@login_required
@permission_required("tracing.view_familyreport", raise_exception=True)
def report(request, pk):
    report = report_for(request, pk)
    rows = candidate_rows(report, request.user)
    for row in rows:
        if row["full"]:
            AuditEvent.record(request, AuditEvent.VIEW, row["candidate"].person, target=report,
                              candidate=row["candidate"].pk, report=report.reference)
    AuditEvent.record(request, AuditEvent.VIEW, target=report, report=report.reference,
                      contact_shown=report.shows_contact_to(request.user))
    own = report.station_id == request.user.station_id or request.user.sees_all_stations
    return render(request, "tracing/reports/report.html", {
        "report": report, "photos": report.photos.all(), "rows": rows, "history": transition_history(report), "own": own,
        "contact": report.shows_contact_to(request.user), "steps": [s for s in workflow.available(report, request.user) if s[0] in REPORT_STEPS] if own else [],
        "photo_form": AddPhotosForm(), "age": report.age_range(),
        "face_limit": f"{settings.FACE_MATCH_DISTANCE:.2f}", "face_sure": f"{settings.FACE_MATCH_DISTANCE - FACE_SCORE_SPAN:.2f}",
    })


FIELD_LABELS = {
    "name": gettext_lazy("name"), "sex": gettext_lazy("sex"), "age": gettext_lazy("age"),
    "height": gettext_lazy("height"), "place": gettext_lazy("home place"), "dialect": gettext_lazy("dialect"),
    "id_number": gettext_lazy("ID number"),
}


def candidate_rows(report, user):
    """The report's candidates, best first, as the page shows them: in full (portrait, file, reasons)
    where the resident lives at the user's station, else only "possible match at station Y"."""
    mine = set(Candidate.objects.for_user(user).filter(report=report).values_list("pk", flat=True))
    rows = []
    language = get_language()
    for rank, c in enumerate(report.candidates.select_related("person__station", "stay", "reviewed_by"), 1):
        full = c.pk in mine
        rows.append({
            "rank": rank, "candidate": c, "full": full, "station": c.person.station,
            "face": face_score(c.face_distance),
            "face_near": c.face_distance is not None and c.face_distance <= settings.FACE_MATCH_DISTANCE,
            "fields": [{**f, "label": FIELD_LABELS.get(f["field"], f["field"]), "text": in_language(f["reason"], language)}
                       for f in c.reasons.get("fields", [])] if full else [],
            "thumbnail": portraits.image_url(c.portrait_id, size=160) if full and c.portrait_id else None,
            "can_review": full and c.state == CandidateState.PROPOSED and report.is_searching
            and user.has_perm("tracing.review_candidate"),
        })
    return rows


@login_required
@permission_required("tracing.view_familyreport", raise_exception=True)
def photo_image(request, pk):
    """A report photo, to the stations that see the report; audited. ?size=N for a thumbnail."""
    photo = get_object_or_404(ReportPhoto.objects.select_related("report"),
                              pk=pk, report__in=FamilyReport.objects.visible_to(request.user))
    size = request.GET.get("size", "")
    size = int(size) if size.isdigit() and int(size) in THUMBNAIL_SIZES else None
    AuditEvent.record(request, AuditEvent.VIEW, target=photo, report=photo.report.reference, photo=photo.pk,
                      picture=size or "full")
    with photo.image.open("rb") as f:
        data = f.read()
    if size:
        try:
            return private(HttpResponse(thumbnail_jpeg(data, size), content_type="image/jpeg"))
        except ImageRefused:
            pass
    return private(HttpResponse(data, content_type=mimetypes.guess_type(photo.image.name)[0] or "image/jpeg"))


@login_required
@permission_required("tracing.change_familyreport", raise_exception=True)
@require_POST
def add_photos(request, pk):
    report = own_report(request, pk)
    form = AddPhotosForm(request.POST, request.FILES)
    if not report.is_searching:
        messages.error(request, _("This report is no longer searched; photos cannot be added."))
    elif form.is_valid():
        added = report.add_photos(form.cleaned_data["photos"], request.user)
        AuditEvent.record(request, AuditEvent.CHANGE, target=report, report=report.reference, photos=[p.pk for p in added])
        poor = sum(p.poor for p in added)
        messages.success(request, _("%(n)s photo(s) added (%(poor)s poor). The search runs again.") % {
            "n": len(added), "poor": poor})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(report)


@login_required
@permission_required("tracing.search_faces", raise_exception=True)
@require_POST
def search_again(request, pk):
    report = own_report(request, pk)
    if not report.is_searching:
        messages.error(request, _("This report is no longer searched."))
    else:
        report.schedule_search(request.user)
        messages.success(request, _("The search runs again; new candidates appear on this page."))
    return redirect(report)


@login_required
@require_POST
def report_step(request, pk, name):
    """Record the reunion, or close the report (with a reason)."""
    report = own_report(request, pk)
    if name not in REPORT_STEPS:
        return redirect(report)
    form = ClosingForm(request.POST)
    form.is_valid()
    try:
        workflow.apply(report, name, request.user, reason=form.cleaned_data.get("reason", ""))
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        AuditEvent.record(request, AuditEvent.TRANSITION, target=report, report=report.reference, transition=name)
        messages.success(request, _("Done: %(action)s.") % {"action": workflow.label(report, name)})
    return redirect(report)


@login_required
@permission_required("tracing.review_candidate", raise_exception=True)
@require_POST
def review(request, pk, name):
    """Confirm or reject a candidate, with a reason: only at the station where the resident lives."""
    candidate = get_object_or_404(Candidate.objects.for_user(request.user).select_related("report", "person"), pk=pk)
    if name not in ("confirm", "reject"):
        return back(request, candidate.report)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for your decision; nothing was changed."))
        return back(request, candidate.report)
    try:
        workflow.apply(candidate, name, request.user, reason=form.cleaned_data["reason"])
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        AuditEvent.record(request, AuditEvent.TRANSITION, candidate.person, target=candidate, transition=name,
                          report=candidate.report.reference, reason=form.cleaned_data["reason"])
        if name == "confirm":
            messages.success(request, _("Confirmed: report %(ref)s is %(name)s. The tracing case is marked "
                                        "“family found” and the staff in charge were notified.") % {
                "ref": candidate.report.reference, "name": candidate.person.display_name})
        else:
            messages.success(request, _("Rejected: this resident will not be proposed again for report %(ref)s.") % {
                "ref": candidate.report.reference})
    return back(request, candidate.report)


@login_required
@permission_required("shelter.merge_person", raise_exception=True)
@require_POST
def dismiss_duplicate(request, pk):
    """Two files are different people: the warning is closed with the reason."""
    station = request.user.station_id
    warnings = PossibleDuplicate.objects.select_related("person")
    if not request.user.sees_all_stations:
        warnings = warnings.filter(models.Q(person__station=station) | models.Q(other__station=station))
    warning = get_object_or_404(warnings, pk=pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason why these are two different people."))
        workflow.apply(warning, "dismiss", request.user, reason=form.cleaned_data["reason"])
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        AuditEvent.record(request, AuditEvent.CHANGE, warning.person, target=warning, duplicate="dismissed",
                          other=warning.other.file_no, reason=form.cleaned_data["reason"])
        messages.success(request, _("Noted: these are two different people."))
    return back(request, warning.person)
