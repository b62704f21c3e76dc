"""The records of what happened to the records: the transition log, the audit trail, the heartbeats."""


import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib import messages
from lib.http import client_ip
from lib.text import storable

from ..hooks import AUDIT_TARGETS
from .people import Person
from .stations import Station, StationQuerySet


class StateLog(models.Model):
    """Transition history of every django-fsm workflow: who, when, from, to, why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(db_index=True)
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(max_length=50)
    source_state = models.CharField(max_length=30)
    state = models.CharField(max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)  # as the user typed it
    # A reason the system gave (lib.messages.Said): its code and parameters, worded when read.
    reason_code = models.CharField(max_length=40, blank=True)
    reason_params = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transition history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.source_state} → {self.state}"

    @property
    def reason_text(self):
        """The reason in the reader's language when the system gave it, else as typed."""
        if self.reason_code and messages.known(self.reason_code):
            return messages.render(self.reason_code, self.reason_params)[0]
        return self.reason

    @classmethod
    def for_object(cls, obj):
        return cls.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class AuditEvent(models.Model):
    """Every view and change of a person's file, every list and search of people, every face search and
    export, every log-in, log-out and refused request: who, what, when, from where. Never changed nor
    deleted: the database itself refuses it (migration shelter 0009: triggers on SQLite and PostgreSQL)."""

    objects = StationQuerySet.as_manager()  # a station's supervisors read their own station's log

    VIEW = "view"
    LIST = "list"
    CREATE = "create"
    CHANGE = "change"
    TRANSITION = "transition"
    FACE_SEARCH = "face_search"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    REFUSED = "refused"
    ACTIONS = [
        (VIEW, _("looked at a file")), (LIST, _("listed or searched")), (CREATE, pgettext_lazy("audit", "created")),
        (CHANGE, _("changed")), (TRANSITION, _("took a step")), (FACE_SEARCH, _("face search")),
        (EXPORT, _("exported or printed")), (LOGIN, _("logged in")), (LOGIN_FAILED, _("failed log-in")),
        (LOGOUT, _("logged out")), (REFUSED, _("refused request")),
    ]

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField(max_length=20, db_index=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events")
    target = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.target}"

    def detail_seen_by(self, user):
        """The detail as `user` may read it: a face search's results at other stations (kept in full for
        those who see every station) are said as the station and how many, without their file numbers."""
        if user.sees_all_stations or not isinstance(self.detail, dict):
            return self.detail
        own = getattr(user.station, "code", None)
        seen = dict(self.detail)
        for key in ("results", "people"):
            hits = seen.get(key)
            if isinstance(hits, list) and all(isinstance(h, dict) and "station" in h for h in hits):
                others = [h["station"] for h in hits if h["station"] != own]
                seen[key] = [h for h in hits if h["station"] == own] + [
                    {"station": code, "count": others.count(code)} for code in sorted(set(others))]
        return seen

    @property
    def target_label(self):
        """The target as the reader reads it (the audit page's 对象 column and its CSV): the fixed words a
        view records, in the reader's language; "<kind> <key>" said by the app that records it; an
        internal key in brackets left out (issue 25). What people typed is shown as it is."""
        marker = f"({self.person.file_no})" if self.person_id else None
        if marker and marker in self.target:
            # The person (or their stay: "<person> <arrival>") as named now, in the reader's language.
            return f"{self.person}{self.target.split(marker, 1)[1]}"
        if self.target in TARGET_WORDS:
            return TARGET_WORDS[self.target]
        kind, _space, key = self.target.partition(" ")
        if kind in TARGET_KINDS:
            return TARGET_KINDS[kind] % {"key": key}
        if kind in AUDIT_TARGETS:
            try:
                return AUDIT_TARGETS[kind](key)
            except (KeyError, ValueError):
                pass
        return INTERNAL_KEY.sub("", self.target)

    @classmethod
    def record(cls, request, action, person=None, target="", **detail):
        user = request.user if request.user.is_authenticated else None
        return cls.objects.create(
            user=user,
            station=getattr(user, "station", None),
            action=action,
            person=person,
            target=storable(str(target or person or ""))[:200],
            detail=storable(detail),
            ip=client_ip(request),
            path=request.get_full_path()[:300],
        )

    @classmethod
    def record_changes(cls, request, person, before, reason):
        """A correction of the file: the old and new value of each changed field, and why."""
        changes = {
            name: [str(before[name]) if before[name] is not None else "", str(getattr(person, name) or "")]
            for name in Person.TRACKED_FIELDS
            if before[name] != getattr(person, name)
        }
        if changes:
            cls.record(request, cls.CHANGE, person, changes=changes, reason=reason)
        return changes


# The fixed targets views record (AuditEvent.record(..., target="people")), as the audit page says them.
TARGET_WORDS = {
    "audit log": pgettext_lazy("audit target", "audit log"),
    "people": pgettext_lazy("audit target", "list of people"),
    "problems": pgettext_lazy("audit target", "list of problems"),
    "problem ledger": pgettext_lazy("audit target", "problem ledger"),
    "deadline board": pgettext_lazy("audit target", "deadline board"),
    "family reports": pgettext_lazy("audit target", "list of family reports"),
    "family reports fitting the clues": pgettext_lazy("audit target", "family reports fitting the clues"),
    "late entries": pgettext_lazy("audit target", "late entries"),
    "name leads at other stations": pgettext_lazy("audit target", "name leads at other stations"),
    "transfers": pgettext_lazy("audit target", "list of transfers"),
    "data queries": pgettext_lazy("audit target", "list of data queries"),
    "inspection findings": pgettext_lazy("audit target", "list of inspection findings"),
    "api tokens": pgettext_lazy("audit target", "partner systems' API tokens"),
    "exchange month": pgettext_lazy("audit target", "the month's exchange of death records"),
    "second checks": pgettext_lazy("audit target", "list of second checks"),
}
# Targets recorded as "<kind> <key>" whose key is a name or a number, said around it.
TARGET_KINDS = {
    "account": pgettext_lazy("audit target", "account %(key)s"),
    "two-factor": pgettext_lazy("audit target", "two-factor set-up of %(key)s"),
    "interviews": pgettext_lazy("audit target", "interviews of a stay"),
    "tracing": pgettext_lazy("audit target", "a list of the deadline board"),
}
# An internal key in brackets at the end of a record's name: "... (month_change:station:1:2026-11:arrivals)".
INTERNAL_KEY = re.compile(r"\s*\([a-z_]+:[^()\s\"']*\)$")


class Heartbeat(models.Model):
    """The last time a periodic piece of work ran (the deadline sweep, run by the worker when beat asks):
    the health check says the worker or beat is down when it is too old."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name, at=None):
        cls.objects.update_or_create(name=name, defaults={"at": at or timezone.now()})

    @classmethod
    def last(cls, name):
        return cls.objects.filter(name=name).values_list("at", flat=True).first()
