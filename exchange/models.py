"""Partner systems (a police unit, a hospital, the province's platform, a tracing hotline) and what they
exchange with Homeward: their API tokens, the family reports they filed, and the lists they sent for
comparison (the monthly death records among them).

A token is given by a supervisor or an administrator (exchange.services.issue_token): scoped to stations
and capabilities, with an expiry, revocable with a reason. Only a hash of its secret is kept: the token
itself is shown once."""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from family.models import FamilyReport
from oversight.models import DataComparison, DataQuery
from shelter.models import Station


class Capability(models.TextChoices):
    READ_NOTICES = "read_notices", _("read the published notices")
    FILE_REPORTS = "file_reports", _("file family reports")
    READ_REPORTS = "read_reports", _("read the status of its own family reports")
    SUBMIT_LISTS = "submit_lists", _("submit lists for comparison (death records, household records)")
    ANSWER_QUERIES = "answer_queries", _("read and answer the queries about doubtful data sent to it")


class PartnerKind(models.TextChoices):
    POLICE = "police", _("police")
    HOSPITAL = "hospital", _("hospital or health department")
    PROVINCE = "province", _("provincial platform")
    HOTLINE = "hotline", _("tracing hotline or volunteers")
    FUNERAL = "funeral", _("funeral home or civil affairs")
    OTHER = "other", _("other")


class Partner(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True,
                            help_text=_("Short name in Latin letters; also the name of its folder for dropped files."))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=PartnerKind.choices)
    stations = models.ManyToManyField(Station, verbose_name=_("stations it exchanges with"), related_name="+")
    sends_death_records = models.BooleanField(
        _("sends death records every month"), default=False,
        help_text=_("The month's exchange page shows whether its list arrived."))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible staff member"), on_delete=models.PROTECT,
        related_name="+", help_text=_("Named as the uploader of the lists this partner drops in its folder."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("partner system")
        verbose_name_plural = _("partner systems")
        ordering = ["name"]
        permissions = [("issue_token", _("Can give and revoke partner systems' API tokens"))]

    def __str__(self):
        return self.name


def secret_hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A partner's key to the API: "hw_<prefix>_<secret>"; the prefix finds the row, the secret's SHA-256
    is compared (the secret is 256 random bits: no slow hash is needed against guessing)."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner system"), on_delete=models.PROTECT,
                                related_name="tokens")
    label = models.CharField(_("label"), max_length=80, blank=True)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    stations = models.ManyToManyField(Station, verbose_name=_("stations"), related_name="+")
    capabilities = models.JSONField(_("capabilities"), default=list)
    created_at = models.DateTimeField(_("given"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("given by"), on_delete=models.PROTECT,
                                   related_name="+")
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoke_reason = models.CharField(_("why revoked"), max_length=300, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.partner} hw_{self.prefix}"

    def matches(self, secret):
        return hmac.compare_digest(self.key_hash, secret_hash(secret))

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    def allows(self, capability):
        return capability in self.capabilities

    def station_ids(self):
        return set(self.stations.values_list("pk", flat=True))

    def capability_labels(self):
        names = dict(Capability.choices)
        return [names.get(c, c) for c in self.capabilities]


class PartnerReport(models.Model):
    """A family report a partner filed by the API: only that partner reads its status."""

    report = models.OneToOneField(FamilyReport, on_delete=models.PROTECT, related_name="partner_filing")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="reports")
    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("family report from a partner")
        verbose_name_plural = _("family reports from partners")


class ListKind(models.TextChoices):
    DEATHS = "deaths", _("death records")
    HOUSEHOLD = "household", _("household records")


class ListVia(models.TextChoices):
    API = "api", _("by the API")
    FOLDER = "folder", _("a file dropped in the folder")


class ListSubmission(models.Model):
    """A list a partner sent (by the API, or a file dropped in its folder), compared on arrival with one
    station's files: the comparison (oversight.DataComparison) keeps the rows and hits, each hit a problem
    naming the partner as its source. `month`: the month the list is for (the month's exchange page)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="submissions")
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("list"), max_length=10, choices=ListKind.choices)
    month = models.DateField(_("month"), db_index=True)
    via = models.CharField(_("received"), max_length=8, choices=ListVia.choices)
    file_name = models.CharField(_("file"), max_length=200)
    comparison = models.OneToOneField(DataComparison, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("list from a partner")
        verbose_name_plural = _("lists from partners")
        ordering = ["-received_at"]


class PartnerQuery(models.Model):
    """A query about doubtful data (oversight.DataQuery) sent to a partner system: the partner reads it and
    answers it by the API (capability answer_queries). The link is kept here: oversight knows no partner."""

    query = models.OneToOneField(DataQuery, on_delete=models.PROTECT, related_name="partner_sending")
    partner = models.ForeignKey(Partner, verbose_name=_("partner system"), on_delete=models.PROTECT,
                                related_name="queries")
    sent_at = models.DateTimeField(_("sent to the partner system"), default=timezone.now, editable=False)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer_token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_by_api_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("query sent to a partner system")
        verbose_name_plural = _("queries sent to partner systems")
        ordering = ["-sent_at"]


class PickedFile(models.Model):
    """A file of the drop folder already read (its path and content hash): picked up once."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    picked_at = models.DateTimeField(default=timezone.now)
    refusal = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "sha256"], name="exchange_file_once")]
