"""The admin, for reference data (stations, users) and for looking things up. Files are entered and
corrected through the pages, where the ledger rules and the audit log are; nothing is deleted."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Notification, Person, StateLog, Station, StationQuerySet, Stay, User


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Records made through the pages, where the workflow rules are: the admin only looks them up, and
    each station sees only its own people here too."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.for_user(request.user) if isinstance(qs, StationQuerySet) else qs

    # Reads in the admin are audited like reads on the pages.
    def changelist_view(self, request, extra_context=None):
        AuditEvent.record(request, AuditEvent.LIST, target=f"admin {self.model._meta.label}",
                          query=request.GET.urlencode()[:200])
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        AuditEvent.record(request, AuditEvent.VIEW, target=f"admin {self.model._meta.label} {object_id}"[:200])
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Station)
class StationAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "name", "phone")


@admin.register(User)
class UserAdmin(NoDeleteMixin, BaseUserAdmin):
    """Staff who leave are made inactive, never deleted: their names stay on what they recorded."""

    list_display = ("username", "get_full_name", "station", "is_active")
    list_filter = ("station", "groups", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Station"), {"fields": ("station", "phone")}),)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("file_no", "name", "sex", "station", "created_at")
    list_filter = ("station", "sex")
    search_fields = ("file_no", "name", "id_number")


@admin.register(Stay)
class StayAdmin(ReadOnlyAdmin):
    list_display = ("person", "arrived_at", "state", "identity", "late")
    list_filter = ("state", "identity", "late")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "action", "target", "ip")
    list_filter = ("action",)
    search_fields = ("target", "user__username")


@admin.register(StateLog)
class StateLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "content_type", "object_id", "source_state", "state", "by")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "worded_subject", "read_at")
    exclude = ("params", "stored_subject", "stored_body")
    readonly_fields = ("worded_subject", "worded_body")

    @admin.display(description=_("subject"))
    def worded_subject(self, obj):
        return obj.subject

    @admin.display(description=_("text"))
    def worded_body(self, obj):
        return obj.body
    list_filter = ("kind",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.sees_all_stations else qs.filter(station=request.user.station_id)


# The roles are shelter.roles' to define (synced after every migrate): looked at here, never deleted.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(NoDeleteMixin, BaseGroupAdmin):
    pass
admin.site.site_header = _("Homeward administration")
