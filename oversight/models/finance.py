"""The finance comparison ("three accounts in one"): a month's sheet of payments from the finance office,
set against the money the departures of that month record, matched by receipt number. Kept as it was
computed, with the sheet's rows, so a later correction of a departure does not rewrite the record.

The results are data (receipt numbers and amounts), not sentences: the page words them in the reader's
language.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib.dates import in_register_years
from shelter.models import Station, StationQuerySet


class FinanceComparison(models.Model):
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text="The first day of the month compared.", validators=[in_register_years])
    file_name = models.CharField(pgettext_lazy("uploaded file", "file"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                    related_name="+")
    # [{"receipt_no", "amount" (text, 2 decimals), "name", "date", "line"}] as read from the sheet.
    sheet = models.JSONField(default=list)
    # {"missing": [{"receipt_no", "amount", "departure"}], "extra": [{"receipt_no", "amount", "line"}],
    #  "different": [{"receipt_no", "system", "sheet", "departure", "line"}], "matched": n}
    result = models.JSONField(default=dict)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("finance comparison")
        verbose_name_plural = _("finance comparisons")
        ordering = ["-uploaded_at"]
        permissions = [
            ("view_statistics", _("Can see the monthly statistics and ledgers")),
            ("export_ledger", _("Can export the ledgers")),
        ]

    def __str__(self):
        return f"{self.station.code} {self.month:%Y-%m}"

    @property
    def agrees(self):
        return not (self.result.get("missing") or self.result.get("extra") or self.result.get("different"))
