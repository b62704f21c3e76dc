"""The ledger rule every record of something that happened follows: when it happened, when it was
entered, late entries with their reason until a supervisor has seen them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.errors import Refusal

# Scans are served back to staff: only kinds a browser shows safely (see shelter.views.document).
DOCUMENT_EXTENSIONS = FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])


FUTURE_MESSAGE = _("This time is in the future.")


class LedgerEntry(models.Model):
    """A record of something that happened: when it happened and when it was entered.

    "Enter one when one arrives", no silent back-filling: an entry made more than LATE_ENTRY_HOURS
    after the event needs a reason typed by the person entering it (clean() refuses it without one),
    is flagged late, and stays on the supervisors' list until a supervisor has marked it seen.
    Subclasses name the field that holds the event time.
    """

    OCCURRED_FIELD = None
    # A few minutes of clock drift between the desk and the server are not an error.
    CLOCK_DRIFT = datetime.timedelta(minutes=10)

    entered_at = models.DateTimeField(_("entered"), default=timezone.now, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )
    late = models.BooleanField(_("entered late"), default=False, editable=False, db_index=True)
    late_reason = models.CharField(
        _("reason for entering late"), max_length=300, blank=True,
        help_text=_("Needed only when this is entered long after it happened."),
    )
    late_seen_at = models.DateTimeField(_("seen by a supervisor"), null=True, blank=True, editable=False)
    late_seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("seen by"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def occurred_at(self):
        return getattr(self, self.OCCURRED_FIELD)

    @classmethod
    def is_future(cls, at, now=None):
        """Whether a time typed at the desk lies in the future, beyond the clock drift allowed. The one
        rule for every event time of the ledger and of the records that hang off it."""
        return at is not None and at > (now or timezone.now()) + cls.CLOCK_DRIFT

    def entered_late(self):
        """Whether this entry is made more than LATE_ENTRY_HOURS after its event: the one rule of lateness."""
        occurred = self.occurred_at
        limit = datetime.timedelta(hours=settings.LATE_ENTRY_HOURS)
        return bool(occurred and self.entered_at and self.entered_at - occurred > limit)

    def clean(self):
        super().clean()
        if self.is_future(self.occurred_at, now=self.entered_at):
            raise ValidationError({self.OCCURRED_FIELD: FUTURE_MESSAGE})
        self.late_reason = (self.late_reason or "").strip()
        if self.entered_late() and not self.late_reason:
            raise ValidationError({"late_reason": late_reason_message()})

    def save(self, *args, **kwargs):
        self.late = self.entered_late()
        super().save(*args, **kwargs)

    def mark_late_seen(self, by):
        """A supervisor has seen this late entry: it leaves the list. Once; the conditional UPDATE keeps
        the first supervisor's name when two mark it at once. Returns whether this call marked it."""
        if not by.has_perm("shelter.review_late_entry"):
            raise LateEntryError(gettext("Only a supervisor may mark a late entry as seen."))
        now = timezone.now()
        marked = type(self).objects.filter(pk=self.pk, late=True, late_seen_at__isnull=True).update(
            late_seen_at=now, late_seen_by=by)
        if marked:
            self.late_seen_at, self.late_seen_by = now, by
        return bool(marked)


def late_reason_message():
    return gettext(
        "This is entered more than %(hours)s hours after it happened: say why it is entered late "
        "(it will be shown to a supervisor)."
    ) % {"hours": settings.LATE_ENTRY_HOURS}


class LateEntryError(Refusal):
    """A late entry's review refused, with a message for the user."""
