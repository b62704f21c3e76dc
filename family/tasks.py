"""Celery tasks of family finding. Thin: each loads its rows and calls the search."""

from celery import shared_task
from django.conf import settings

from face.models import Portrait
from lib.queue import claim, overdue
from shelter.models import User

from . import finding
from .models import FamilyReport


@shared_task(ignore_result=True)
def search_report(report_id, user_id=None, origin=None):
    """Encode a family report's new photos and search for the missing person (family.finding)."""
    report = FamilyReport.objects.filter(pk=report_id).select_related("station", "taken_by").first()
    if report is None:
        return 0
    request = claim(FamilyReport.objects, "search_requested_at", report.pk, report.search_requested_at)
    if not request.mine:
        return 0  # another worker is at it
    by = User.objects.filter(pk=user_id).first() if user_id else None
    found = finding.search_report(report, by, origin=origin)  # a crash here leaves the request for the catch-up
    request.done()
    return len(found)


@shared_task(ignore_result=True)
def search_portrait(portrait_id, origin=None):
    """A resident's new portrait against the open family reports and the other files."""
    portrait = Portrait.objects.filter(pk=portrait_id).select_related("person", "taken_by").first()
    return len(finding.search_portrait(portrait, origin=origin)) if portrait else 0


@shared_task(ignore_result=True)
def catch_up_searches():
    """Beat, every CATCH_UP_SECONDS: run the family-report searches whose request waited longer than
    that (the queue lost it, or was down), as the person who asked. Each is claimed once."""
    done = 0
    waiting = overdue(FamilyReport.objects, "search_requested_at", settings.CATCH_UP_SECONDS)
    for pk, _requested_at in list(waiting):
        by_id = FamilyReport.objects.filter(pk=pk).values_list("search_requested_by", flat=True).first()
        before = FamilyReport.objects.filter(pk=pk).values_list("searched_at", flat=True).first()
        search_report(pk, by_id)  # which claims the request, once
        done += FamilyReport.objects.filter(pk=pk).values_list("searched_at", flat=True).first() != before
    return done
