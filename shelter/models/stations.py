"""Stations and their users; the queryset every record of personal data is read through (for_user)."""


from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Station(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    next_file_seq = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def staff(self, *roles):
        """Active users of this station with any of these roles (group names), e.g. staff("supervisor")."""
        return User.objects.filter(station=self, is_active=True, groups__name__in=roles).distinct()

    def who_is_told(self, *users):
        """Who hears of something about one of this station's people: the given staff (the staff in
        charge, the one who took a report) who are still active, else the station's supervisors, so a
        message never goes to nobody or to a disabled account."""
        told = list({u.pk: u for u in users if u is not None and u.is_active}.values())
        return told or list(self.staff("supervisor"))

    def allocate_file_no(self, year):
        """Next file number, e.g. GZ-2026-00042; the row lock keeps two intakes from sharing one."""
        with transaction.atomic():
            station = Station.objects.select_for_update().get(pk=self.pk)
            seq = station.next_file_seq
            Station.objects.filter(pk=self.pk).update(next_file_seq=seq + 1)
        return f"{self.code}-{year}-{seq:05d}"


class User(AbstractUser):
    """A staff member belongs to one station; administrators (no station) see all stations."""

    station = models.ForeignKey(
        Station, verbose_name=_("station"), null=True, blank=True, on_delete=models.PROTECT
    )
    phone = models.CharField(_("mobile phone"), max_length=40, blank=True, help_text=_("For SMS reminders."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("view_all_stations", _("Can see every station's people")),
            ("unlock_account", _("Can unlock an account locked after failed log-ins")),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def sees_all_stations(self):
        return self.is_superuser or self.has_perm("shelter.view_all_stations")


class StationQuerySet(models.QuerySet):
    """Every query of personal data goes through for_user(): each station sees only its own people."""

    station_path = "station"

    def for_user(self, user):
        if user.sees_all_stations:
            return self
        if not user.station_id:
            return self.none()
        return self.filter(self.of_station(user.station_id))

    def of_station(self, station_id):
        """Q: the record belongs to this station's people (a subclass may name another path, or several)."""
        return models.Q(**{self.station_path: station_id})
