"""The admin, for reference data (stations, users) and for looking things up. Nothing is deleted."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Notification, Person, StateLog, Station, Stay, User


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Station)
class StationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "name", "phone")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "station", "is_active")
    list_filter = ("station", "groups", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Station"), {"fields": ("station", "phone")}),)


@admin.register(Person)
class PersonAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("file_no", "name", "sex", "station", "created_at")
    list_filter = ("station", "sex")
    search_fields = ("file_no", "name", "id_number")

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


@admin.register(Stay)
class StayAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("person", "arrived_at", "state", "identity", "late")
    list_filter = ("state", "identity", "late")
    readonly_fields = ("state",)

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("at", "user", "action", "target", "ip")
    list_filter = ("action",)
    search_fields = ("target", "user__username")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StateLog)
class StateLogAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("at", "content_type", "object_id", "source_state", "state", "by")

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Notification)
admin.site.site_header = _("Homeward administration")
