from django.contrib import admin

from shelter.admin import NoDeleteMixin

from .models import Partner


@admin.register(Partner)
class PartnerAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Partner systems are reference data, kept by administrators; their tokens are given on the tokens page. A partner
    is never deleted (its lists, reports and audit entries name it)."""

    list_display = ("code", "name", "kind", "sends_death_records")
    filter_horizontal = ("stations",)
