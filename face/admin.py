from django.contrib import admin

from shelter.admin import ReadOnlyAdmin

from .models import Portrait


@admin.register(Portrait)
class PortraitAdmin(ReadOnlyAdmin):
    """Read-only: portraits are taken on the capture page and are evidence; the main one is chosen there
    (Portrait.make_main holds the rule)."""

    list_display = ["person", "taken_at", "source", "accepted", "is_main", "encoded_at"]
    list_filter = ["accepted", "is_main", "source"]
    search_fields = ["person__file_no", "person__name"]
    list_select_related = ["person"]
