from django.contrib import admin

from .models import Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """Partner systems are reference data, kept by administrators; their tokens are given on the tokens page."""

    list_display = ("code", "name", "kind", "sends_death_records")
    filter_horizontal = ("stations",)
