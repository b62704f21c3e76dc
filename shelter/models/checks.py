"""A second pair of eyes (输入与核查分离): the one list of decisions that need someone other than the one
who made the entry, and the record of each decision awaiting (or given) that second check.

`Decision` is the list, in one place. Each app's decision calls shelter.services.checks (`decide` for a
decision that checks someone else's entry, `request_check` for one whose maker needs a second person);
the page shelter:checks lists the checks still awaited, the sweep reminds once (SecondCheck.claim_reminder).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from lib.errors import Refusal
from lib.text import listed

from .stations import Station, StationQuerySet


class Decision(models.TextChoices):
    """Every decision that needs a second pair of eyes: the one list."""

    IDENTITY_CONFIRMED = "identity", _("identity confirmed")
    LATE_ENTRY_ACCEPTED = "late_entry", _("late entry accepted")
    PROBLEM_ACCEPTED = "problem", _("data-quality problem accepted")
    DUPLICATE_DISMISSED = "duplicate", _("duplicate warning dismissed")
    MATCH_CONFIRMED = "match", _("family report match confirmed")
    CASE_CLOSED = "case_closed", _("tracing case closed without the family found")
    STATED_TIME_ACCEPTED = "stated_time", _("stated time accepted for a late deadline step")




class CheckState(models.TextChoices):
    PENDING = "pending", _("awaiting a second check")
    CHECKED = "checked", _("checked")
    REJECTED = "rejected", _("not agreed")


class SelfApprovalRefused(Refusal):
    """A decision on one's own entry, refused with a message naming who can take it."""


def checkers(station, exclude=None):
    """Who can give a second check at this station: its active supervisors (heads read only) but `exclude`."""
    users = station.staff("supervisor") if station else []
    return [u for u in users if exclude is None or u.pk != exclude.pk]


def self_approval_message(decision, station, by, rejected=False):
    """Why `by` may not take `decision` on their own entry; `rejected`: a second check already did not agree
    with it on this record, so it is for someone else to take now, not to record as awaiting again."""
    names = listed(checkers(station, exclude=by))
    label = Decision(decision).label
    if rejected:
        return gettext("A second check did not agree with “%(decision)s” on this record: it is for someone other "
                       "than you to take it now (%(names)s).") % {"decision": label, "names": names or "–"}
    if names:
        return gettext("You entered this yourself: “%(decision)s” needs a second pair of eyes. It can be taken by "
                       "%(names)s; or record it as awaiting a second check.") % {"decision": label, "names": names}
    return gettext("You entered this yourself: “%(decision)s” needs a second pair of eyes. No other supervisor "
                   "of the station can take it now: record it as awaiting a second check.") % {"decision": label}


class SecondCheckQuerySet(StationQuerySet):
    def pending(self):
        return self.filter(state=CheckState.PENDING)


class SecondCheck(models.Model):
    """One decision that needs a second pair of eyes: what was decided on which record, by whom, and
    whether (and by whom) it was checked. Pending ones are listed to the station's supervisors."""

    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, db_index=True)
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # What the decision concerns beyond its record, as codes (e.g. {"deadline": "notice"}).
    params = models.JSONField(default=dict, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decision taken by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("decision taken"), default=timezone.now, editable=False)
    note = models.CharField(_("reason given"), max_length=300, blank=True)
    state = FSMField(_("state"), default=CheckState.PENDING, choices=CheckState.choices, protected=True,
                     db_index=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    check_reason = models.CharField(_("reason for the check"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SecondCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("second check")
        verbose_name_plural = _("second checks")
        ordering = ["entered_at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="second_check_target"),
            models.Index(fields=["entered_at"], condition=models.Q(state="pending", reminded_at__isnull=True),
                         name="second_check_to_remind"),
        ]
        permissions = [("second_check", _("Can give the second check of another person's decision"))]

    def __str__(self):
        return f"{self.get_decision_display()} · {self.get_state_display()}"

    @property
    def person(self):
        """The file the decision concerns, so that the checker knows whose it is: the target's own person,
        or its stay's or its case's (each app's records name one of these), or None."""
        target = self.target
        for path in (("person",), ("stay", "person"), ("case", "person")):
            value = target
            for name in path:
                value = getattr(value, name, None)
            if value is not None:
                return value
        return None

    def _judged(self, by, reason):
        if by is not None and self.entered_by_id and by.pk == self.entered_by_id:
            raise SelfApprovalRefused(self_approval_message(self.decision, self.station, by))
        self.checked_by, self.checked_at, self.check_reason = by, timezone.now(), (reason or "").strip()[:300]

    @transition(field=state, source=CheckState.PENDING, target=CheckState.CHECKED,
                permission="shelter.second_check", custom={"label": _("Checked: agree")})
    def agree(self, by=None, reason=""):
        """Someone other than the one who decided agrees: the decision stands (and, for an identity,
        takes effect now)."""
        self._judged(by, reason)

    @transition(field=state, source=CheckState.PENDING, target=CheckState.REJECTED,
                permission="shelter.second_check", custom={"label": _("Do not agree")})
    def disagree(self, by=None, reason=""):
        """Someone other than the one who decided does not agree, with a reason: what the decision did is
        undone where it can be (each app's hook, shelter.hooks.SECOND_CHECK_FOLLOWS)."""
        if not (reason or "").strip():
            raise ValidationError({"reason": gettext("Say why you do not agree.")})
        self._judged(by, reason)

    def claim_reminder(self, now):
        """The reminder of a check still awaited goes out once, even with two sweeps at once."""
        claimed = SecondCheck.objects.filter(pk=self.pk, state=CheckState.PENDING, reminded_at__isnull=True).update(
            reminded_at=now)
        if claimed:
            self.reminded_at = now
        return bool(claimed)


def target_key(obj):
    return {"content_type": ContentType.objects.get_for_model(type(obj)), "object_id": obj.pk}


def checks_of(obj, decision=None):
    rows = SecondCheck.objects.filter(**target_key(obj))
    return rows.filter(decision=decision) if decision else rows
