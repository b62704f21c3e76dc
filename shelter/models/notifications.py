"""Notifications to staff: message codes worded when read, delivered by e-mail and SMS after commit."""


from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib import messages
from lib.text import one_line

from ..delivery import after_commit as deliver_after_commit
from .stations import Station


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def unread_count(self, user):
        return self.filter(user=user).unread().count()

    def mark_read(self, user, pks=None):
        """Mark the user's unread notifications (or those among `pks`) read now; returns how many."""
        rows = self.filter(user=user).unread()
        if pks is not None:
            rows = rows.filter(pk__in=pks)
        return rows.update(read_at=timezone.now())


class Notification(models.Model):
    """A message to a staff member: kept as a record, and sent by e-mail and SMS after commit.
    Unread until its user opens it or marks it read (the header counts the unread ones).

    It stores a message code (`kind`, registered in lib.messages by the app that sends it) and its
    parameters, never a sentence: `subject` and `body` are worded when read, in the reader's language.
    Rows from before the codes (`params` NULL) keep the sentences they were written with."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=30, db_index=True)
    params = models.JSONField(null=True, blank=True)
    # The sentences of rows written before the codes (shown as they were stored).
    stored_subject = models.CharField(max_length=200, blank=True, db_column="subject")
    stored_body = models.TextField(blank=True, db_column="body")
    url = models.CharField(max_length=200, blank=True)
    # What an SMS may name: a file number or a report reference, never a name (lib.notify.sms_text).
    reference = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def worded(self, language=None):
        """(subject, body) in `language` (default: the active one, the reader's)."""
        if self.params is None or not messages.known(self.kind):
            return self.stored_subject, self.stored_body
        subject, body = messages.render(self.kind, self.params, language)
        return one_line(subject)[:200], body

    @property
    def subject(self):
        return self.worded()[0]

    @property
    def body(self):
        return self.worded()[1]

    @classmethod
    def send(cls, users, kind, params=None, url="", station=None, reference=""):
        """Record the messages (a registered code and its parameters, JSON); e-mail and SMS leave after
        the commit (shelter.delivery), worded in the recipient's language. The e-mail carries subject
        and body; the SMS only the `reference` (file number) and the link."""
        if not messages.known(kind):
            raise ValueError(f"unknown message code {kind!r}")
        params = dict(params or {})
        rows = [cls(user=u, station=station, kind=kind, params=params, url=url, reference=reference) for u in users]
        cls.objects.bulk_create(rows)
        deliver_after_commit(rows)
        return rows
