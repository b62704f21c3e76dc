"""Reads of family finding that views, template tags and the admin share. Each is scoped to what the
user's station may see: anything else is a 404, as if it did not exist."""

from django.db import models
from django.shortcuts import get_object_or_404

from .filters import ReportFilter
from .models import SEARCHING_STATES, Candidate, CandidateState, FamilyReport, PossibleDuplicate, ReportState


def filtered_reports(user, data):
    """The family reports list: (filter, reports, shared). The station's reports with the number of
    candidates to review, filtered by the query (`ReportFilter`: the open ones, or all); and other
    stations' searching reports with a candidate here."""
    proposed = models.Count("candidates", filter=models.Q(candidates__state=CandidateState.PROPOSED))
    mine = FamilyReport.objects.for_user(user).select_related("station", "taken_by").annotate(proposed=proposed)
    shown = ReportFilter(data, mine)
    shared = FamilyReport.objects.none()
    if user.station_id:
        shared = (FamilyReport.objects.visible_to(user).exclude(station=user.station_id)
                  .filter(state__in=SEARCHING_STATES).select_related("station"))
    return shown, shown.qs.order_by("state", "-reported_at"), shared


def report_for(user, pk):
    """A report the user's station handles or has a candidate for."""
    qs = FamilyReport.objects.visible_to(user).select_related("station", "taken_by", "matched_person")
    return get_object_or_404(qs, pk=pk)


def own_report(user, pk):
    """A report the user's station handles (to change it)."""
    return get_object_or_404(FamilyReport.objects.for_user(user), pk=pk)


def handles(report, user):
    """Whether the user's station handles the report (or the user sees every station): it may take
    the report's steps."""
    return user.sees_all_stations or report.station_id == user.station_id


def candidate_for_review(user, pk):
    """A candidate living at the user's station: the one that confirms or rejects it."""
    qs = Candidate.objects.shown_in_full_to(user).select_related("report", "person")
    return get_object_or_404(qs, pk=pk)


def warning_for(user, pk):
    """A duplicate-file warning about one of the user's station's people."""
    return get_object_or_404(PossibleDuplicate.objects.for_user(user).select_related("person", "other"), pk=pk)


def family_panel(person, user):
    """The family panel of a file: open duplicate warnings, and the family reports it is a candidate for."""
    warnings = []
    for warning in PossibleDuplicate.objects.about(person):
        other = warning.other_side(person)
        warnings.append({"warning": warning, "other": other, "own": other.station_id == person.station_id,
                         "last_stay": other.current_stay})
    candidates = []
    if user.has_perm("family.view_familyreport"):
        candidates = list(
            Candidate.objects.filter(person=person, report__state__in=[*SEARCHING_STATES, ReportState.CONFIRMED])
            .exclude(state=CandidateState.REJECTED).select_related("report__station").order_by("-score")
        )
    return warnings, candidates
