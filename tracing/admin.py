"""Tracing records in the admin, to look things up. Steps go through the pages (the workflow), and
nothing is deleted."""

from django.contrib import admin

from shelter.admin import ReadOnlyAdmin

from .models import DnaReferral, Publication, QuickQuery, TracingCase


class CaseRecordAdmin(ReadOnlyAdmin):
    def get_queryset(self, request):
        """Records of a case: scoped through their case's station."""
        return super().get_queryset(request).filter(case__in=TracingCase.objects.for_user(request.user))


@admin.register(TracingCase)
class TracingCaseAdmin(ReadOnlyAdmin):
    list_display = ("stay", "station", "state", "notice_due_at", "notice_met_at", "dna_due_at", "dna_met_at", "closed_at")
    list_filter = ("state", "station", "close_cause")
    list_select_related = ("stay__person", "station")


@admin.register(QuickQuery)
class QuickQueryAdmin(CaseRecordAdmin):
    list_display = ("case", "kind", "result", "made_at", "entered_by", "late")
    list_filter = ("kind", "result")


@admin.register(Publication)
class PublicationAdmin(CaseRecordAdmin):
    list_display = ("case", "channel", "published_at", "reference", "state")
    list_filter = ("channel", "state")


@admin.register(DnaReferral)
class DnaReferralAdmin(CaseRecordAdmin):
    list_display = ("reference_no", "case", "sent_at", "sampled_at", "database", "result")
    list_filter = ("database", "result")
