"""Data-quality problems (问题清单): warnings that get fixed.

The sweep (oversight.problem_sweep) finds the records that break a rule (oversight.checks) and keeps one
open Problem per broken record and rule, keyed by `key` ("<kind>:<model>:<pk>"). A problem is never
deleted, and the ledger says how it ended:
- fixed: the record was corrected (the next sweep no longer finds it);
- closed for another reason, named (`closed_because`): the rule no longer applies because the person
  left or died, the file was merged into another, the tracing case was closed; nothing was corrected;
- accepted by a supervisor with a reason, until `accepted_until` (PROBLEM_ACCEPTANCE_DAYS, 90 by
  default): then the acceptance lapses and the problem is looked at again (the sweep raises it anew if
  the record still breaks the rule; a problem no check finds, such as a comparison hit, is reopened).
A record that breaks the rule again opens a new problem: the old one stays in the ledger as it was closed.

What is wrong and how to fix it are codes (the kind) and parameters (`params`), worded in the reader's
language by tracing.templatetags / the ledger export, never stored as sentences.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from shelter.models import Person, Station, StationQuerySet, Stay


class ProblemKind(models.TextChoices):
    ID_CONTRADICTS = "id_contradicts", _("ID number contradicts the file")
    ID_TWICE = "id_twice", _("the same ID number in two open files")
    NO_PORTRAIT = "no_portrait", _("identity unknown and no main portrait")
    NOTICE_NO_PORTRAIT = "notice_no_portrait", _("notice published without portrait")
    DNA_NOT_SAMPLED = "dna_not_sampled", _("DNA referred but not sampled within a month")
    DNA_NO_RESULT = "dna_no_result", _("DNA sampled but no result recorded")
    REVIEW_OVERDUE = "review_overdue", _("long stay not reviewed")
    HANDOVER_MISSING = "handover_missing", _("police arrival without handover form")
    LATE_NOT_SEEN = "late_not_seen", _("late entry not seen by a supervisor")
    BELONGINGS = "belongings", _("belongings not counted out")
    DUPLICATE_DISMISSED = "duplicate_dismissed", _("duplicate warning dismissed by reception")
    MONTH_CHANGE = "month_change", _("large change from the month before")
    COMPARISON_HIT = "comparison_hit", _("found in another department's list")
    PAYMENT_MISSING = "payment_missing", _("payment not on the finance sheet")
    PAYMENT_EXTRA = "payment_extra", _("finance sheet payment not in the register")
    PAYMENT_AMOUNT = "payment_amount", _("payment of another amount on the finance sheet")
    PAYMENT_PAYEE = "payment_payee", _("payment to another payee on the finance sheet")
    INSPECTION_MISSING = "inspection_missing", _("monthly inspection not filed")
    INSPECTION_FINDING = "inspection_finding", _("inspection finding")


class Severity(models.IntegerChoices):
    LOW = 1, _("low")
    MEDIUM = 2, _("medium")
    HIGH = 3, _("high")


# (severity, days to fix) of each kind.
RULES = {
    ProblemKind.ID_CONTRADICTS: (Severity.HIGH, 3),
    ProblemKind.ID_TWICE: (Severity.HIGH, 3),
    ProblemKind.NO_PORTRAIT: (Severity.HIGH, 1),
    ProblemKind.NOTICE_NO_PORTRAIT: (Severity.MEDIUM, 3),
    ProblemKind.DNA_NOT_SAMPLED: (Severity.HIGH, 7),
    ProblemKind.DNA_NO_RESULT: (Severity.MEDIUM, 14),
    ProblemKind.REVIEW_OVERDUE: (Severity.MEDIUM, 3),
    ProblemKind.HANDOVER_MISSING: (Severity.MEDIUM, 7),
    ProblemKind.LATE_NOT_SEEN: (Severity.LOW, 7),
    ProblemKind.BELONGINGS: (Severity.MEDIUM, 7),
    ProblemKind.DUPLICATE_DISMISSED: (Severity.LOW, 7),
    ProblemKind.MONTH_CHANGE: (Severity.LOW, 14),
    ProblemKind.COMPARISON_HIT: (Severity.HIGH, 7),
    ProblemKind.PAYMENT_MISSING: (Severity.MEDIUM, 14),
    ProblemKind.PAYMENT_EXTRA: (Severity.HIGH, 14),
    ProblemKind.PAYMENT_AMOUNT: (Severity.HIGH, 14),
    ProblemKind.PAYMENT_PAYEE: (Severity.HIGH, 14),
    ProblemKind.INSPECTION_MISSING: (Severity.MEDIUM, 7),
    ProblemKind.INSPECTION_FINDING: (Severity.HIGH, 30),  # the inspector sets its fix-by date
}


class ProblemState(models.TextChoices):
    OPEN = "open", _("open")
    FIXED = "fixed", _("fixed")
    CLOSED = "closed", _("closed for another reason")
    ACCEPTED = "accepted", pgettext_lazy("problem", "accepted")
    LAPSED = "lapsed", _("acceptance lapsed")


class CloseReason(models.TextChoices):
    """Why a problem ended without the record being corrected."""
    PERSON_LEFT = "person_left", _("the person left")
    PERSON_DIED = "person_died", _("the person died")
    MERGED = "merged", _("the file was merged into another")
    CASE_CLOSED = "case_closed", _("the tracing case was closed")


def acceptance_days():
    return getattr(settings, "PROBLEM_ACCEPTANCE_DAYS", 90)


class ProblemQuerySet(StationQuerySet):
    def open(self):
        return self.filter(state=ProblemState.OPEN)

    def close_fixed(self, keys, now):
        """Close, as fixed, the open problems whose record no longer breaks the rule: one UPDATE, and
        only problems still open (a supervisor accepting one meanwhile keeps the acceptance)."""
        return self.filter(key__in=list(keys), state=ProblemState.OPEN).update(state=ProblemState.FIXED, closed_at=now)

    def close_because(self, keys, reason, now):
        """Close the open problems whose rule no longer applies to their record for `reason` (a
        CloseReason): one UPDATE, only problems still open."""
        return self.filter(key__in=list(keys), state=ProblemState.OPEN).update(
            state=ProblemState.CLOSED, closed_because=reason, closed_at=now)

    def accepted_until(self, now):
        """The acceptances still running at `now`."""
        return self.filter(state=ProblemState.ACCEPTED, accepted_until__gte=now)

    def lapsing(self, now):
        """The acceptances whose time is over: to be looked at again."""
        return self.filter(state=ProblemState.ACCEPTED, accepted_until__lt=now)

    def needing_reminder(self, now):
        return self.filter(state=ProblemState.OPEN, reminded_at__isnull=True)

    def needing_escalation(self, now):
        return self.filter(state=ProblemState.OPEN, escalated_at__isnull=True, fix_by__lt=now)


class Problem(ConcurrentTransitionMixin, models.Model):
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=ProblemKind.choices, db_index=True)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    # Which record and rule: "<kind>:<model>:<pk>"; one open problem per key (constraint below).
    key = models.CharField(max_length=80, editable=False)
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    stay = models.ForeignKey(Stay, verbose_name=_("stay"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    # The facts the wording needs (fields at fault, values found, months, percentages), never sentences.
    params = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              help_text="The staff member in charge; none: the station's supervisors.")
    state = FSMField(_("state"), default=ProblemState.OPEN, choices=ProblemState.choices, protected=True)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    fix_by = models.DateTimeField(_("fix by"), db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accept_reason = models.CharField(_("reason for accepting"), max_length=300, blank=True)
    accepted_until = models.DateTimeField(_("accepted until"), null=True, blank=True, db_index=True)
    closed_because = models.CharField(_("closed because"), max_length=20, choices=CloseReason.choices, blank=True)
    # An inspection's finding: the inspector who recorded it (told when it is fixed), and who fixed it, how.
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("fixed by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    fix_note = models.CharField(_("what was done"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-severity", "raised_at"]
        indexes = [models.Index(fields=["station", "state", "kind"])]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=models.Q(state="open"), name="one_open_problem_per_key"),
        ]
        permissions = [
            ("accept_problem", _("Can accept a data-quality problem with a reason")),
            ("record_finding", _("Can record an inspection finding on a station")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.key})"

    @classmethod
    def build(cls, *, kind, key, station_id, now, person_id=None, stay_id=None, owner_id=None, params=None):
        severity, days = RULES[kind]
        return cls(kind=kind, key=key, station_id=station_id, person_id=person_id, stay_id=stay_id,
                   owner_id=owner_id, params=params or {}, severity=severity, raised_at=now,
                   fix_by=now + datetime.timedelta(days=days))

    def age_days(self, now=None):
        return ((self.closed_at or now or timezone.now()) - self.raised_at).days

    @property
    def overdue(self):
        return self.state == ProblemState.OPEN and self.fix_by < timezone.now()

    @transition(field=state, source=ProblemState.OPEN, target=ProblemState.ACCEPTED,
                permission="oversight.accept_problem", custom={"label": _("Accept as it is")})
    def accept(self, by=None, reason=""):
        """A supervisor accepts the problem as it is (e.g. the ID number is right and the birth date
        on the police form was wrong): the reason is kept in the ledger, and the acceptance holds for
        PROBLEM_ACCEPTANCE_DAYS, then the problem is looked at again."""
        if not reason.strip():
            raise ValidationError({"reason": gettext("Say why this problem is accepted as it is.")})
        self.accepted_by, self.accept_reason, self.closed_at = by, reason.strip(), timezone.now()
        self.accepted_until = self.closed_at + datetime.timedelta(days=acceptance_days())

    def again(self, now):
        """A new open problem for this one's record and rule, when its acceptance lapsed and no check
        raises it again (a comparison hit, an inspection's finding): the same facts, a new fix-by date."""
        again = Problem.build(kind=self.kind, key=self.key, station_id=self.station_id, person_id=self.person_id,
                              stay_id=self.stay_id, owner_id=self.owner_id, now=now,
                              params={**self.params, "again_after": self.pk})
        again.severity, again.fix_by = self.severity, now + (self.fix_by - self.raised_at)
        again.raised_by_id = self.raised_by_id  # a finding stays the inspector's
        return again

    @classmethod
    def finding(cls, *, station, text, owner, fix_by, by, now):
        """An inspector's finding on a station: a problem in that station's list, with its owner and the
        fix-by date the inspector set (the text is the inspector's own words)."""
        problem = cls.build(kind=ProblemKind.INSPECTION_FINDING, key="", station_id=station.pk, owner_id=owner.pk,
                            now=now, params={"text": text})
        problem.key = f"inspection_finding:{station.pk}:{uuid.uuid4().hex[:16]}"
        problem.fix_by, problem.raised_by = fix_by, by
        return problem

    @property
    def is_finding(self):
        return self.kind == ProblemKind.INSPECTION_FINDING

    @transition(field=state, source=ProblemState.OPEN, target=ProblemState.FIXED, conditions=[lambda p: p.is_finding],
                permission=lambda p, user: can_fix(p, user), custom={"label": _("Mark fixed")})
    def fix(self, by=None, note=""):
        """The station says what it did about an inspection's finding (its owner or a supervisor): fixed,
        and the inspector who recorded it is told (oversight.services.fix_finding)."""
        if not note.strip():
            raise ValidationError({"note": gettext("Say what was done about the finding.")})
        self.fixed_by, self.fix_note, self.closed_at = by, note.strip(), timezone.now()

    @transition(field=state, source=ProblemState.ACCEPTED, target=ProblemState.OPEN,
                permission="shelter.second_check", custom={"label": _("Open again")})
    def reopen(self, by=None, reason=""):
        """An acceptance a second person did not agree with (oversight.services.problem_checked): open again."""
        self.accepted_by, self.accept_reason, self.accepted_until, self.closed_at = None, "", None, None

    def claim(self, field, now):
        """Claim this problem's reminder (field "reminded_at") or escalation ("escalated_at") once, even
        with two sweeps at once: a conditional UPDATE only one caller wins."""
        claimed = Problem.objects.filter(pk=self.pk, state=ProblemState.OPEN, **{f"{field}__isnull": True}).update(
            **{field: now})
        if claimed:
            setattr(self, field, now)
        return bool(claimed)



def can_fix(problem, user):
    """Who marks a finding fixed: its owner, or a supervisor of its station (the inspector does not)."""
    return user.station_id == problem.station_id and (
        user.pk == problem.owner_id or user.has_perm("oversight.accept_problem"))


class DataComparison(models.Model):
    """One upload of another department's list (the police's found identities, the cremation register,
    the household register's hits) compared with a station's files; kept with its rows and hits, each
    hit also a Problem (COMPARISON_HIT) to check."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(pgettext_lazy("source", "from"), max_length=120, help_text=_("The department the list comes from."))
    file_name = models.CharField(pgettext_lazy("uploaded file", "file"), max_length=200)
    columns = models.JSONField(default=dict)  # {"name": header, "id_number": header, "birth_date": header}
    rows = models.JSONField(default=list)  # [{"line", "name", "id_number", "birth_date"}]
    hits = models.JSONField(default=list)  # [{"line", "person", "how", "score"}]
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                    related_name="+")

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("data comparison")
        verbose_name_plural = _("data comparisons")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.station.code} {self.source} {self.uploaded_at:%Y-%m-%d}"


class MonthlyInspection(models.Model):
    """The month's check of a station's work (工作检查登记表): what a supervisor checked, what was found,
    signed off, with the problems open at that moment attached. One per station and month; the station
    head sees the months without one."""

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text="The first day of the month checked.")
    items = models.TextField(_("items checked"))
    findings = models.TextField(_("problems found"), blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed off by"), on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(_("signed off"), default=timezone.now)
    problems = models.ManyToManyField(Problem, verbose_name=_("open problems"), related_name="inspections",
                                      blank=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly inspection")
        verbose_name_plural = _("monthly inspections")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["station", "month"], name="one_inspection_per_month")]

    def __str__(self):
        return f"{self.station.code} {self.month:%Y-%m}"
