"""Family finding's records in the admin, to look things up. Steps go through the pages (the workflow),
and nothing is deleted."""

from django.contrib import admin

from shelter.admin import ReadOnlyAdmin

from .models import Candidate, FamilyReport, PossibleDuplicate


@admin.register(FamilyReport)
class FamilyReportAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "station", "state", "sex", "reported_at")
    list_filter = ("state", "station")


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ("report", "person", "face_distance", "description_score", "state")
    list_filter = ("state",)


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(ReadOnlyAdmin):
    list_display = ("person", "other", "found_by", "face_distance", "state", "found_at")
    list_filter = ("state", "found_by")
