"""Two-factor devices in the admin."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from shelter.admin import NoDeleteMixin


@admin.register(TOTPDevice)
class TwoFactorDeviceAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Two-factor devices: an administrator can only unconfirm one (a lost phone); its owner turns it on
    again on the two-factor page. (Registered before django-otp's own admin, which would allow deletion.)"""

    list_display = ("user", "name", "confirmed")
    fields = ("user", "name", "confirmed")
    readonly_fields = ("user", "name")

    def has_add_permission(self, request):
        return False
