"""Family reports: the list, taking a report at the counter or by phone, the report page with its
candidates, more photos, searching again, and the report's own steps (reunion, closing)."""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import IntegrityError, models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from face.selectors import image_url, thumbnail_size
from face.thumbnails import picture_response
from lib import workflow
from lib.http import origin
from shelter.models import AuditEvent
from shelter.selectors import transition_history
from shelter.steps import take_step, then

from ..finding import candidate_distance, face_evidence, face_score, in_language, old_photo
from ..forms.reports import AddPhotosForm, ClosingForm, FamilyReportForm
from ..forms.review import ConfirmForm
from ..models import Candidate, CandidateState, FamilyReport, ReportPhoto
from ..selectors import filtered_reports, handles, own_report, report_for
from ..services import add_report_photos, close_report, register_report, request_search

# The report's steps people take; the others are taken by the search and the candidates' review.
REPORT_STEPS = ("reunite", "close")


@login_required
@permission_required("family.view_familyreport", raise_exception=True)
def report_list(request):
    """The station's reports (open ones first, or all), and other stations' reports with a candidate here."""
    shown, reports, shared = filtered_reports(request.user, request.GET)
    show_all = shown.shows_all
    AuditEvent.record(request, AuditEvent.LIST, target="family reports", all=show_all)
    return render(request, "family/reports/list.html", {
        "reports": reports[:200], "shared": shared, "show_all": show_all,
    })


@login_required
@permission_required("family.add_familyreport", raise_exception=True)
def report_new(request):
    if request.user.station_id is None:
        messages.error(request, _("Your account belongs to no station, so you cannot take family reports."))
        return redirect("family:reports")
    form = FamilyReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        valid = form.is_valid()
        token = form.cleaned_data.get("submit_token")
        existing = FamilyReport.objects.filter(submit_token=token).first() if token else None
        if existing:  # a second click on the same form
            return already_registered(request, existing)
        if valid:
            try:
                # The form checked the report (form.instance holds the values); the service saves it.
                report = register_report(report=form.instance, photos=form.cleaned_data["photos"], origin=origin(request),
                                         by=request.user, **form.dating())
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
    return render(request, "family/reports/new.html", {"form": form})


def already_registered(request, report):
    messages.info(request, _("This report was already registered; it was not entered twice."))
    return redirect(report)


@login_required
@permission_required("family.view_familyreport", raise_exception=True)
def report(request, pk):
    report = report_for(request.user, pk)
    rows = candidate_rows(report, request.user)
    audit_rows(request, report, rows)
    AuditEvent.record(request, AuditEvent.VIEW, target=report, report=report.reference,
                      contact_shown=report.shows_contact_to(request.user))
    own = handles(report, request.user)
    return render(request, "family/reports/report.html", {
        "report": report, "photos": report.photos.all(), "rows": rows, "history": transition_history(report), "own": own,
        "contact": report.shows_contact_to(request.user), "steps": [s for s in workflow.available(report, request.user) if s[0] in REPORT_STEPS] if own else [],
        "photo_form": AddPhotosForm(), "age": report.age_range(),
        **face_scale(),
        "channels": ConfirmForm.base_fields["channel"].choices, **search_progress(report),
    })


@login_required
@permission_required("family.view_familyreport", raise_exception=True)
def report_candidates(request, pk):
    """The report page's candidates, polled by htmx while the report is searched for: nothing (204)
    while nothing changed, else the section again (audited as the page is); it stops polling once the
    search is over and the report no longer searched for."""
    report = report_for(request.user, pk)
    progress = search_progress(report)
    if request.GET.get("seen") == progress["seen"]:
        return HttpResponse(status=204)
    rows = candidate_rows(report, request.user)
    audit_rows(request, report, rows)
    return render(request, "family/reports/_candidates.html", {
        "report": report, "rows": rows, "own": handles(report, request.user),
        **face_scale(),
        "channels": ConfirmForm.base_fields["channel"].choices, **progress,
    })


def face_scale():
    """The help line's figures: the face score's 50 (the candidate decision) as a false-match rate."""
    return {"face_limit": f"{candidate_distance():.2f}", "face_rate": f"{settings.FACE_FALSE_MATCH_RATE:.0%}"}


def search_progress(report):
    """Whether the report's search is still to run or running, and a mark of what the candidates
    section shows (the page asks again until it changes)."""
    latest = report.candidates.aggregate(n=models.Count("pk"), last=models.Max("reviewed_at"), top=models.Max("pk"),
                                         scored=models.Max("scored_at"))
    pending = report.search_pending
    seen = "-".join(str(v) for v in (
        int(pending), report.state, latest["n"], latest["top"] or 0,
        int(latest["last"].timestamp()) if latest["last"] else 0,
        int(report.searched_at.timestamp()) if report.searched_at else 0,
        int(latest["scored"].timestamp()) if latest["scored"] else 0,  # re-ranked by an interview's clue
    ))
    return {"pending": pending, "seen": seen, "search_poll": settings.SEARCH_POLL_SECONDS}


def audit_rows(request, report, rows):
    """Each candidate shown in full is a read of that resident's file."""
    for row in rows:
        if row["full"]:
            AuditEvent.record(request, AuditEvent.VIEW, row["candidate"].person, target=report,
                              candidate=row["candidate"].pk, report=report.reference)


FIELD_LABELS = {
    "name": gettext_lazy("name"), "sex": gettext_lazy("sex"), "age": gettext_lazy("age"),
    "height": gettext_lazy("height"), "place": gettext_lazy("home place"), "dialect": gettext_lazy("dialect"),
    "id_number": gettext_lazy("ID number"),
}


def candidate_rows(report, user):
    """The report's candidates, best first, as the page shows them: in full (portrait, file, reasons)
    where the resident lives at the user's station, else only "possible match at station Y"."""
    mine = set(Candidate.objects.shown_in_full_to(user).filter(report=report).values_list("pk", flat=True))
    rows = []
    language = get_language()
    # The report's photos, beside each candidate's portraits (issue 25): a thumbnail and the full picture.
    photos = [(reverse("family:report_photo", args=[p.pk]) + "?size=240", reverse("family:report_photo", args=[p.pk]))
              for p in report.photos.all()]
    for rank, c in enumerate(report.candidates.select_related("person__station", "stay", "reviewed_by", "photo__report"),
                             1):
        full = c.pk in mine
        # The score as a sum that adds up on screen (issue 25): the rounded base and the clues' points.
        base = round(100 * ((c.score or 0) - (c.clue_score or 0)))
        clue_points = round(100 * (c.clue_score or 0))
        rows.append({
            "base": base, "clue_points": clue_points, "total": base + clue_points,
            "compared": len(c.reasons.get("fields", [])),
            "rank": rank, "candidate": c, "full": full, "station": c.person.station,
            "face": face_score(c.face_distance),
            "evidence": face_evidence(c.face_distance, c.photo.encoder if c.photo_id else "")
            if c.face_distance is not None else None,
            "old_photo": old_photo(c.photo) if c.photo_id else None,
            "fields": [{**f, "label": FIELD_LABELS.get(f["field"], f["field"]), "text": in_language(f["reason"], language)}
                       for f in c.reasons.get("fields", [])] if full else [],
            "thumbnail": image_url(c.portrait_id, size=160) if full and c.portrait_id else None,
            "photos": photos if full else [],
            "portraits": [(image_url(p.pk, size=240), image_url(p.pk)) for p in c.person.portraits.exclude(accepted=False)
                          ][:4] if full else [],
            "clues": c.clue_reasons() if full else [],
            "channel": c.suggested_channel() if full else "",
            "can_review": full and c.state == CandidateState.PROPOSED and report.is_searching
            and user.has_perm("family.review_candidate"),
        })
    return rows


@login_required
@permission_required("family.view_familyreport", raise_exception=True)
def photo_image(request, pk):
    """A report photo, to the stations that see the report; audited. ?size=N for a thumbnail."""
    photo = get_object_or_404(ReportPhoto.objects.select_related("report"),
                              pk=pk, report__in=FamilyReport.objects.visible_to(request.user))
    size = thumbnail_size(request.GET.get("size"))
    AuditEvent.record(request, AuditEvent.VIEW, target=photo, report=photo.report.reference, photo=photo.pk,
                      picture=size or "full")
    return picture_response(photo.image, size)


@login_required
@permission_required("family.change_familyreport", raise_exception=True)
@require_POST
def add_photos(request, pk):
    report = own_report(request.user, pk)
    form = AddPhotosForm(request.POST, request.FILES)
    if not report.is_searching:
        messages.error(request, _("This report is no longer searched; photos cannot be added."))
    elif form.is_valid():
        added = add_report_photos(report=report, photos=form.cleaned_data["photos"], by=request.user,
                                  origin=origin(request), **form.dating())
        AuditEvent.record(request, AuditEvent.CHANGE, target=report, report=report.reference, photos=[p.pk for p in added])
        poor = sum(p.poor for p in added)
        messages.success(request, _("%(n)s photo(s) added (%(poor)s poor). The search runs again.") % {
            "n": len(added), "poor": poor})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(report)


@login_required
@permission_required("family.search_faces", raise_exception=True)
@require_POST
def search_again(request, pk):
    report = own_report(request.user, pk)
    if not report.is_searching:
        messages.error(request, _("This report is no longer searched."))
    else:
        request_search(report=report, by=request.user, origin=origin(request))
        messages.success(request, _("The search runs again; new candidates appear on this page."))
    return redirect(report)


@login_required
@require_POST
def report_step(request, pk, name):
    """Record the reunion, or close the report (with a reason)."""
    report = own_report(request.user, pk)
    if name not in REPORT_STEPS:
        return redirect(report)
    form = ClosingForm(request.POST)
    form.is_valid()
    if name == "close" and not form.cleaned_data.get("confirm"):
        # The box is required in the page too; a request without it closes nothing, and keeps the reason.
        messages.error(request, _("Tick “Yes, close this family report” to close it."))
        return redirect(f"{report.get_absolute_url()}?{urlencode({'reason': form.cleaned_data.get('reason', '')})}"
                        "#close-report")
    outcome = take_step(request, report, name, audit={"report": report.reference}, service=close_report, report=report,
                        step=name, reason=form.cleaned_data.get("reason", ""))
    return then(request, outcome, redirect(report))
