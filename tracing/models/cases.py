"""Tracing cases: family tracing against the clock.

A TracingCase is opened for every stay whose identity a quick query has not confirmed (tracing.receivers
opens it when the stay is registered) and follows its own workflow: open -> notice published -> DNA
referred -> DNA sampled -> result received -> family found, or closed (identity confirmed, stay ended).

Deadlines are data, not timers. Each kind (the 24-hour notice, the 7-day DNA referral, the monthly
refresh of the notice) has its due time and the start of its "at risk" window in indexed columns, set
by the deadline rules below from the arrival time. The sweep (tracing.sweep) finds what became at risk
or overdue with one indexed query per kind and claims each reminder with a conditional UPDATE, so a
reminder goes out once even with two workers, and a sweep after a day of downtime still finds all.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from face.models import Portrait
from lib import idcard
from lib.dates import in_register_years
from shelter.models import (
    FUTURE_MESSAGE,
    ID_NUMBER_MESSAGES,
    FoundChannel,
    Identity,
    LedgerEntry,
    StateLog,
    Station,
    StationQuerySet,
    Stay,
    StayState,
    identity_basis_errors,
)

from .. import workdays


class CaseState(models.TextChoices):
    OPEN = "open", _("open")
    NOTICE_PUBLISHED = "notice_published", _("notice published")
    DNA_REFERRED = "dna_referred", _("DNA referred")
    DNA_SAMPLED = "dna_sampled", _("DNA sampled")
    RESULT_RECEIVED = "result_received", _("DNA result received")
    FAMILY_FOUND = "family_found", _("family found")
    CLOSED = "closed", _("closed")


OPEN_STATES = [
    CaseState.OPEN, CaseState.NOTICE_PUBLISHED, CaseState.DNA_REFERRED, CaseState.DNA_SAMPLED,
    CaseState.RESULT_RECEIVED,
]


class CloseCause(models.TextChoices):
    IDENTITY_CONFIRMED = "identity", _("identity confirmed")
    FAMILY_FOUND = "family", _("family found")
    STAY_ENDED = "stay_ended", _("stay ended")
    OTHER = "other", _("other")


class Deadline(models.TextChoices):
    NOTICE = "notice", _("tracing notice")
    DNA = "dna", _("DNA referral")
    REFRESH = "refresh", _("monthly notice refresh")
    SAMPLE = "sample", _("police DNA sample")
    HOUSEHOLD = "household", _("household registration application")
    INTERVIEW = "interview", _("interview")


# Deadlines that come back once met (the next falls due from the step that met it): pending as long as the
# case is open and has a due time. The others are met once (their *_met_at).
RECURRING = (Deadline.REFRESH, Deadline.INTERVIEW)


class Stage(models.TextChoices):
    AT_RISK = "at_risk", _("at risk")
    OVERDUE = "overdue", _("overdue")


def due_field(kind):
    return f"{kind}_due_at"


def warn_field(kind):
    return f"{kind}_warn_at"


def sent_field(kind, stage):
    return f"{kind}_{stage}_sent_at"


def pending(kind):
    """Cases whose deadline of this kind still has to be met: open, and (notice, DNA) not yet met.

    The refresh and interview deadlines recur: pending as long as the case is open and has one.
    These Q objects are also the conditions of the partial indexes, so the queries use them.
    """
    if kind in RECURRING:
        return models.Q(closed_at__isnull=True)
    return models.Q(closed_at__isnull=True, **{f"{kind}_met_at__isnull": True})


def started(kind, now):
    """Pending and in its at-risk window or past it (at risk or overdue): one range on the warn index."""
    return pending(kind) & models.Q(**{f"{warn_field(kind)}__lte": now})


def at_risk(kind, now):
    return started(kind, now) & models.Q(**{f"{due_field(kind)}__gt": now})


def overdue(kind, now):
    return pending(kind) & models.Q(**{f"{due_field(kind)}__lte": now})


def in_stage(kind, stage, now):
    return at_risk(kind, now) if stage == Stage.AT_RISK else overdue(kind, now)


def deadline_indexes():
    """Partial indexes, per kind, over the pending part only (they stay small as closed cases pile up):

    - by due time and by start of the at-risk window, led by the station for a station's board and
      without it for the all-stations board: every count the board makes is read from an index;
    - over the cases whose reminder is not yet claimed, for the sweep: a steady sweep reads only what
      became due since the last one, not every case already reminded.
    """
    indexes = []
    for kind in Deadline.values:
        due, warn = due_field(kind), warn_field(kind)
        for name, fields in (("due", [due]), ("warn", [warn, due]), ("st_due", ["station", due]),
                             ("st_warn", ["station", warn, due])):
            indexes.append(models.Index(fields=fields, condition=pending(kind), name=f"tc_{kind}_{name}"))
        for stage, field in ((Stage.OVERDUE, due), (Stage.AT_RISK, warn)):
            unsent = models.Q(**{f"{sent_field(kind, stage)}__isnull": True})
            indexes.append(models.Index(fields=[field], condition=pending(kind) & unsent, name=f"tc_{kind}_{stage}_unsent"))
    return indexes


class TracingCaseQuerySet(StationQuerySet):
    station_path = "station"

    def open(self):
        return self.filter(closed_at__isnull=True)

    def in_stage(self, kind, stage, now):
        return self.filter(in_stage(kind, stage, now))

    def stage_counts(self, kind, now):
        """{stage: count}, each count one range over one index. (Asking for "warn <= now < due" at once
        leaves SQLite, which keeps no statistics, free to walk the wrong index: every future deadline.)
        A deadline's window starts before it falls due, so at risk = started - overdue."""
        late = self.filter(overdue(kind, now)).count()
        return {Stage.OVERDUE: late, Stage.AT_RISK: self.filter(started(kind, now)).count() - late}

    def needing_reminder(self, kind, stage, now):
        """The one indexed query of the sweep for a kind and stage: reminders not yet claimed. At risk
        reads the warn index alone: the overdue reminder also closes the at-risk one (see claim_reminder)."""
        unsent = models.Q(**{f"{sent_field(kind, stage)}__isnull": True})
        return self.filter((started(kind, now) if stage == Stage.AT_RISK else overdue(kind, now)) & unsent)


class TracingCase(ConcurrentTransitionMixin, models.Model):
    stay = models.OneToOneField(Stay, verbose_name=_("stay"), on_delete=models.PROTECT, related_name="tracing_case")
    # The person's station, kept on the case so the board filters and counts from one index.
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="+")
    # The stay whose arrival opened the case. `stay` and `station` follow the person when a transfer is
    # accepted (tracing.services.follow_transfer); the month's tracing figures and ledger count the case
    # where its deadlines began, at this stay's arrival and station, so a transfer never changes the
    # sending station's past months.
    arrival = models.ForeignKey(Stay, verbose_name=_("arrival"), on_delete=models.PROTECT, related_name="+",
                                editable=False)
    # Deadlines already missed when the case moved with an accepted transfer, and whose they were:
    # {kind: {"station": the sending station's id, "due": the due time missed (ISO)}} (missed_at).
    missed_elsewhere = models.JSONField(default=dict, blank=True, editable=False)
    # When the person was found: the arrival's time (set on the first save, following a corrected arrival:
    # tracing.services.follow_stay), kept on the case so that the published notices are listed newest
    # first by one index of the case's own columns (notices.selectors), and say the day the person was
    # found, not the day a transfer brought them.
    found_at = models.DateTimeField(_("time found"), editable=False)
    state = FSMField(_("state"), default=CaseState.OPEN, choices=CaseState.choices, protected=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_cause = models.CharField(_("closed because"), max_length=12, choices=CloseCause.choices, blank=True)
    found_channel = models.CharField(_("how the family was found"), max_length=12, choices=FoundChannel.choices,
                                     blank=True)

    # Deadlines (see "Deadline rules"). *_warn_at: start of the at-risk window; *_met_at: when it was met;
    # *_<stage>_sent_at: the reminder was claimed (only the sweep writes these, see save()); at-risk is
    # also set, without a message, when the overdue reminder supersedes it.
    notice_due_at = models.DateTimeField(_("notice due"))
    notice_warn_at = models.DateTimeField()
    # When a deadline counts as met: the step's entry time (server) or its stated time if later; the stated
    # time only once someone other than the one who entered it accepted it (stated_accepted). Kept apart:
    # the stated time and the entry time of the step that met it (met after the fact: stated before the
    # deadline, entered after it).
    notice_met_at = models.DateTimeField(_("notice first published"), null=True, blank=True)
    notice_stated_at = models.DateTimeField(_("notice published (as stated)"), null=True, blank=True)
    notice_entered_at = models.DateTimeField(_("notice entered"), null=True, blank=True)
    notice_at_risk_sent_at = models.DateTimeField(null=True, blank=True)
    notice_overdue_sent_at = models.DateTimeField(null=True, blank=True)
    dna_due_at = models.DateTimeField(_("DNA referral due"))
    dna_warn_at = models.DateTimeField()
    dna_met_at = models.DateTimeField(_("DNA referral sent"), null=True, blank=True)
    dna_stated_at = models.DateTimeField(_("DNA referral sent (as stated)"), null=True, blank=True)
    dna_entered_at = models.DateTimeField(_("DNA referral entered"), null=True, blank=True)
    dna_at_risk_sent_at = models.DateTimeField(null=True, blank=True)
    dna_overdue_sent_at = models.DateTimeField(null=True, blank=True)
    refresh_due_at = models.DateTimeField(_("notice refresh due"), null=True, blank=True)
    refresh_warn_at = models.DateTimeField(null=True, blank=True)
    refresh_at_risk_sent_at = models.DateTimeField(null=True, blank=True)
    refresh_overdue_sent_at = models.DateTimeField(null=True, blank=True)
    # The police take the DNA sample within a month of the request: due from the request, met by the sample.
    sample_due_at = models.DateTimeField(_("police DNA sample due"), null=True, blank=True)
    sample_warn_at = models.DateTimeField(null=True, blank=True)
    sample_met_at = models.DateTimeField(_("police DNA sample taken"), null=True, blank=True)
    sample_at_risk_sent_at = models.DateTimeField(null=True, blank=True)
    sample_overdue_sent_at = models.DateTimeField(null=True, blank=True)
    # Three months unidentified: the household registration is applied for (HouseholdApplication). No due
    # time once the stay has ended (the person is no longer in the station's care).
    household_due_at = models.DateTimeField(_("household registration application due"), null=True, blank=True)
    household_warn_at = models.DateTimeField(null=True, blank=True)
    household_met_at = models.DateTimeField(_("household registration applied for"), null=True, blank=True)
    household_at_risk_sent_at = models.DateTimeField(null=True, blank=True)
    household_overdue_sent_at = models.DateTimeField(null=True, blank=True)
    # The first interview within days of the arrival, then one every month while the person is unidentified
    # and in the station: due from the arrival, then from the latest interview (restart_interview).
    # The first interview's own due time and when it was held, kept for the month's figures (on time, late,
    # missing) after the recurring due time has moved on.
    interview_first_due_at = models.DateTimeField(_("first interview due"), null=True, blank=True)
    interview_first_at = models.DateTimeField(_("first interview held"), null=True, blank=True)
    interview_due_at = models.DateTimeField(_("interview due"), null=True, blank=True)
    interview_warn_at = models.DateTimeField(null=True, blank=True)
    interview_at_risk_sent_at = models.DateTimeField(null=True, blank=True)
    interview_overdue_sent_at = models.DateTimeField(null=True, blank=True)
    # A notice goes out with the main portrait, unless a supervisor has recorded why it cannot wait for one.
    no_portrait_reason = models.CharField(_("why the notice goes out without a portrait"), max_length=300, blank=True)
    no_portrait_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("allowed by"))
    no_portrait_at = models.DateTimeField(null=True, blank=True)
    # A stated time accepted for a deadline met after the fact: {kind: {"by": user id, "reason", "at"}}
    # (tracing.services.accept_stated_time, a decision of the second pair of eyes).
    stated_accepted = models.JSONField(default=dict, blank=True, editable=False)

    objects = TracingCaseQuerySet.as_manager()

    SENT_FIELDS = tuple(sent_field(k, s) for k in Deadline.values for s in Stage.values)

    class Meta:
        verbose_name = _("tracing case")
        verbose_name_plural = _("tracing cases")
        ordering = ["-opened_at"]
        indexes = deadline_indexes() + [models.Index(fields=["closed_at"], name="tc_closed_at"),
                                         models.Index(fields=["found_at", "id"], name="tc_found_at")]
        permissions = [
            ("view_board", _("Can see the deadline board")),
            ("publish_notice", _("Can publish, refresh and withdraw tracing notices")),
            ("refer_dna", _("Can send DNA referrals and record their outcome")),
            ("close_case", _("Can record that the family was found or close a case")),
            ("publish_without_portrait", _("Can let a notice be published without a main portrait")),
        ]

    def __str__(self):
        return f"{self.stay.person} · {self.get_state_display()}"

    def get_absolute_url(self):
        return reverse("tracing:case", args=[self.pk])

    @property
    def person(self):
        return self.stay.person

    @property
    def is_open(self):
        return self.closed_at is None

    # --- Deadline rules: the one place that says when each deadline falls. -------------------------

    @staticmethod
    def notice_due(arrived_at):
        """The notice is registered and published within 24 hours of the arrival."""
        return arrived_at + datetime.timedelta(hours=settings.TRACING_NOTICE_HOURS)

    @staticmethod
    def dna_due(arrived_at):
        """Family not found within 7 days: calendar days, or working days if the setting says so."""
        if settings.TRACING_DNA_WORKING_DAYS:
            return workdays.add_working_days(arrived_at, settings.TRACING_DNA_DAYS)
        return arrived_at + datetime.timedelta(days=settings.TRACING_DNA_DAYS)

    @staticmethod
    def refresh_due(published_at):
        """The notice is refreshed every month for people still in the station."""
        return published_at + datetime.timedelta(days=settings.TRACING_REFRESH_DAYS)

    @staticmethod
    def sample_due(sent_at):
        """The police take the DNA sample within a month of the request."""
        return sent_at + datetime.timedelta(days=settings.TRACING_SAMPLE_DAYS)

    @staticmethod
    def household_due(arrived_at):
        """Unidentified three months after the arrival: the household registration is applied for."""
        return arrived_at + datetime.timedelta(days=settings.TRACING_HOUSEHOLD_DAYS)

    @staticmethod
    def interview_due(arrived_at, last_held_at=None):
        """The first interview within days of the arrival; the next a month after the latest one."""
        if last_held_at is None:
            return arrived_at + datetime.timedelta(days=settings.TRACING_FIRST_INTERVIEW_DAYS)
        return last_held_at + datetime.timedelta(days=settings.TRACING_INTERVIEW_DAYS)

    @staticmethod
    def warn_from(start, due):
        """A deadline is at risk in the last quarter of its window, overdue after it."""
        return due - (due - start) * settings.TRACING_AT_RISK_FRACTION

    def plan(self):
        """Set the notice, DNA, household registration and first interview deadlines from the arrival time."""
        arrived = self.stay.arrived_at
        self.notice_due_at = self.notice_due(arrived)
        self.notice_warn_at = self.warn_from(arrived, self.notice_due_at)
        self.dna_due_at = self.dna_due(arrived)
        self.dna_warn_at = self.warn_from(arrived, self.dna_due_at)
        self.household_due_at = self.household_due(arrived)
        self.household_warn_at = self.warn_from(arrived, self.household_due_at)
        self.interview_due_at = self.interview_first_due_at = self.interview_due(arrived)
        self.interview_warn_at = self.warn_from(arrived, self.interview_due_at)

    def restart_interview(self, held_at):
        """An interview recorded: the first one is kept (for the month's figures); the next is due a month
        after the latest one (an older interview entered late does not move it back); its reminders may go
        out again. Nothing once the case is closed; no next one once the stay has ended."""
        if not self.is_open:
            return
        if self.interview_first_at is None or held_at < self.interview_first_at:
            TracingCase.objects.filter(pk=self.pk).update(interview_first_at=held_at)
            self.interview_first_at = held_at
        if not self.stay.is_open:
            return
        latest = max(held_at, self.stay.interviews.aggregate(latest=models.Max("held_at"))["latest"] or held_at)
        due = self.interview_due(self.stay.arrived_at, latest)
        values = {"interview_due_at": due, "interview_warn_at": self.warn_from(latest, due)}
        values.update({sent_field(Deadline.INTERVIEW, s): None for s in Stage.values})
        TracingCase.objects.filter(pk=self.pk).update(**values)
        for name, value in values.items():
            setattr(self, name, value)

    def stop_stay_clocks(self):
        """The stay ended while the person is still unknown (a departure not with the family, a death):
        the clocks of a person in the station's care stop (household registration, interviews); the
        notice, its refresh and the DNA steps go on."""
        values = {"household_due_at": None, "household_warn_at": None,
                  "interview_due_at": None, "interview_warn_at": None}
        TracingCase.objects.filter(pk=self.pk).update(**values)
        for name, value in values.items():
            setattr(self, name, value)

    def restart_refresh(self, published_at):
        """A publication or an update restarts the month; its reminders may go out again."""
        values = {"refresh_due_at": self.refresh_due(published_at)}
        if self.refresh_due_at and values["refresh_due_at"] <= self.refresh_due_at:
            return  # an older publication recorded late does not move the deadline back
        values["refresh_warn_at"] = self.warn_from(published_at, values["refresh_due_at"])
        values.update({sent_field(Deadline.REFRESH, s): None for s in Stage.values})
        TracingCase.objects.filter(pk=self.pk).update(**values)
        for name, value in values.items():
            setattr(self, name, value)

    @staticmethod
    def counted_at(stated, entered):
        """When a step counts for its deadline: as entered (the server's time), never before what it states."""
        if stated is None or entered is None:
            return stated or entered
        return max(stated, entered)

    def meet(self, kind, stated, entered):
        """The deadline of this kind (notice, DNA) met by a step stating `stated`, entered at `entered`."""
        entered = entered or timezone.now()
        setattr(self, f"{kind}_stated_at", stated)
        setattr(self, f"{kind}_entered_at", entered)
        accepted = kind in (self.stated_accepted or {})
        setattr(self, f"{kind}_met_at", stated if accepted else self.counted_at(stated, entered))

    def met_after_the_fact(self, kind):
        """Stated before the deadline, entered after it: met on paper only (unless a stated time accepted)."""
        stated, entered = getattr(self, f"{kind}_stated_at", None), getattr(self, f"{kind}_entered_at", None)
        due = getattr(self, due_field(kind))
        return bool(stated and entered and due and stated <= due < entered)

    def step_entered_by(self, kind):
        """Who entered the step that met the deadline of this kind (the first notice still out, the DNA request)."""
        if kind == Deadline.DNA:
            referral = DnaReferral.objects.filter(case=self).select_related("entered_by").first()
            return referral.entered_by if referral else None
        first = (self.publications.exclude(state=PublicationState.WITHDRAWN).order_by("published_at", "pk")
                 .select_related("entered_by").first())
        return first.entered_by if first else None

    def stated_time_accepted(self, kind):
        return (self.stated_accepted or {}).get(kind)

    def recount_notice(self, without=None):
        """A notice withdrawn (`without`, not yet saved so) from a case still open, or a case opened again
        after its notices were taken down: the notice deadline is met by the first notice still out (else
        it is due again, and the case is back to "open"), and the refresh month runs from the newest
        publication or refresh still out (else there is none)."""
        out = [p for p in self.publications.exclude(state=PublicationState.WITHDRAWN)
               if without is None or p.pk != without.pk]
        earliest = min(out, key=lambda p: p.published_at, default=None)
        first = earliest.published_at if earliest else None
        latest = max((p.updated_at or p.published_at for p in out), default=None)
        self.meet(Deadline.NOTICE, first, earliest.entered_at if earliest else None)
        values = {"notice_met_at": self.notice_met_at if earliest else None,
                  "notice_stated_at": first, "notice_entered_at": earliest.entered_at if earliest else None,
                  "refresh_due_at": None, "refresh_warn_at": None}
        if latest is not None:
            values["refresh_due_at"] = self.refresh_due(latest)
            values["refresh_warn_at"] = self.warn_from(latest, values["refresh_due_at"])
        values.update({sent_field(Deadline.REFRESH, s): None for s in Stage.values})
        if first is None and self.state == CaseState.NOTICE_PUBLISHED:
            values["state"] = CaseState.OPEN
        TracingCase.objects.filter(pk=self.pk).update(**values)
        for name, value in values.items():
            self.__dict__[name] = value  # state is protected against assignment; this copy follows the row

    def deadline_status(self, kind, now=None):
        """One of "met", "overdue", "at_risk", "running", or None when there is no such deadline."""
        now = now or timezone.now()
        due, warn = getattr(self, due_field(kind)), getattr(self, warn_field(kind))
        if kind not in RECURRING and getattr(self, f"{kind}_met_at"):
            return "met"
        if due is None or not self.is_open:
            return None
        if due <= now:
            return Stage.OVERDUE.value
        return Stage.AT_RISK.value if warn <= now else "running"

    def deadlines(self, now=None):
        """[(kind, label, due, met_at, status)] for the file and the case page."""
        now = now or timezone.now()
        rows = []
        for kind, label in Deadline.choices:
            met = getattr(self, f"{kind}_met_at", None)
            rows.append((kind, label, getattr(self, due_field(kind)), met, self.deadline_status(kind, now)))
        return rows

    # --- Reminders -------------------------------------------------------------------------------

    def claim_reminder(self, kind, stage, now):
        """Whether this worker sends the reminder: a conditional UPDATE that only one caller can win
        (sent_at still NULL and the case still in that stage), as healthchecks' sendalerts does.
        Claiming the overdue reminder also closes the at-risk one if it never went out (workers were
        down): a case past its deadline is escalated, not reported "at risk" afterwards."""
        sent = sent_field(kind, stage)
        values = {sent: now}
        if stage == Stage.OVERDUE:
            skipped = sent_field(kind, Stage.AT_RISK)
            values[skipped] = Coalesce(skipped, models.Value(now, output_field=models.DateTimeField()))
        claimed = (
            TracingCase.objects.filter(pk=self.pk, **{f"{sent}__isnull": True})
            .filter(in_stage(kind, stage, now))
            .update(**values)
        )
        if claimed:
            setattr(self, sent, now)
        return bool(claimed)

    def reminder_recipients(self, stage):
        """At risk: the staff member in charge (else the supervisors); overdue: the station's supervisors."""
        if stage == Stage.AT_RISK:
            return self.station.who_is_told(self.stay.staff_in_charge)
        return self.station.who_is_told()

    # --- Workflow. Views run these through lib.workflow.apply(); each takes `by` and `reason`. ----

    @transition(
        field=state, source=OPEN_STATES, target=RETURN_VALUE(*OPEN_STATES),
        permission="tracing.add_quickquery", custom={"label": _("Record an identity query")},
    )
    def record_query(self, query, by=None, reason=""):
        """A quick identity query (checked here, saved by tracing.services.record_query). One that confirms
        who the person is (on a basis, with its reference) leaves the case open: the identity counts only
        once someone else has checked it (tracing.services.identity_checked closes the case then)."""
        query.case = self
        query.entered_by = by
        query.full_clean()
        return self.state

    @transition(
        field=state, source=OPEN_STATES, target=RETURN_VALUE(*OPEN_STATES),
        permission="tracing.publish_notice", custom={"label": _("Publish the notice")},
    )
    def publish_notice(self, publication, by=None, reason=""):
        """Record a publication on one channel. The first one meets the 24-hour deadline and starts
        the monthly refresh; later ones (other channels) restart the refresh month (tracing.services
        .publish_notice saves the publication). A notice needs the
        main portrait, unless a supervisor recorded why it goes out without one (allow_without_portrait)."""
        if not self.no_portrait_reason and not self.has_main_portrait():
            raise ValidationError(_("This person has no main portrait: take one first, or a supervisor records on "
                                    "the case why the notice goes out without one."))
        publication.case = self
        publication.entered_by = by
        publication.full_clean(exclude=["state"])  # the status is the workflow's (protected); saved by the service
        at = publication.published_at
        if self.notice_stated_at is None or at < self.notice_stated_at:
            self.meet(Deadline.NOTICE, at, publication.entered_at)
        self.restart_refresh(at)
        return CaseState.NOTICE_PUBLISHED if self.state == CaseState.OPEN else self.state

    @transition(
        field=state, source=[CaseState.OPEN, CaseState.NOTICE_PUBLISHED], target=CaseState.DNA_REFERRED,
        permission="tracing.refer_dna", custom={"label": _("Send the DNA request")},
    )
    def refer_dna(self, referral, by=None, reason=""):
        """The written request to the police to collect a DNA sample: meets the 7-day deadline (checked
        here, saved by tracing.services.refer_dna)."""
        referral.case = self
        referral.entered_by = by
        referral.no_query_reason = (referral.no_query_reason or "").strip()
        if not referral.no_query_reason and not self.queries.exists():
            raise ValidationError({"no_query_reason": _(
                "No quick identity query is recorded on this case: record it first, or say why none was "
                "possible (the letter says so).")})
        if not referral.reference_no:
            referral.reference_no = DnaReferral.next_reference(self)
        referral.full_clean()
        self.meet(Deadline.DNA, referral.sent_at, referral.entered_at)
        self.sample_due_at = self.sample_due(referral.sent_at)
        self.sample_warn_at = self.warn_from(referral.sent_at, self.sample_due_at)

    @transition(
        field=state, source=CaseState.DNA_REFERRED, target=CaseState.DNA_SAMPLED,
        permission="tracing.refer_dna", custom={"label": _("Record the DNA sample")},
    )
    def record_sample(self, sampled_at, sampled_by, database, by=None, reason=""):
        """The sample, on the referral (checked here, saved by tracing.services.record_sample)."""
        referral = self.dna_referral
        referral.sampled_at, referral.sampled_by, referral.database = sampled_at, sampled_by, database
        referral.sample_entered_at = timezone.now()  # kept apart from the time the sample states
        referral.full_clean()
        # Met when entered, if that is later than the time the sample states (issue 21).
        self.sample_met_at = self.counted_at(sampled_at, referral.sample_entered_at)

    @transition(
        field=state, source=CaseState.DNA_SAMPLED, target=CaseState.RESULT_RECEIVED,
        permission="tracing.refer_dna", custom={"label": _("Record the DNA result")},
    )
    def record_result(self, result, result_at, result_notes="", by=None, reason=""):
        """The result, on the referral (checked here, saved by tracing.services.record_result)."""
        referral = self.dna_referral
        referral.result, referral.result_at, referral.result_notes = result, result_at, result_notes
        referral.full_clean()

    @transition(
        field=state, source=OPEN_STATES, target=CaseState.FAMILY_FOUND,
        permission="tracing.close_case", custom={"label": _("Family found")},
    )
    def find_family(self, by=None, reason="", at=None, channel=""):
        """Reunification: the case closes (tracing.services.find_family takes the notice down everywhere it
        was published). How the family was found (shelter.models.FoundChannel) is asked every time: it is
        counted each month."""
        if channel not in FoundChannel.values or channel == FoundChannel.UNKNOWN:
            raise ValidationError({"channel": _("Say how the family was found.")})
        self.found_channel = channel
        self._close(CloseCause.FAMILY_FOUND, at or timezone.now())

    @transition(
        field=state, source=OPEN_STATES, target=RETURN_VALUE(*OPEN_STATES),
        permission="tracing.add_householdapplication",
        custom={"label": _("Record the household registration application")},
    )
    def apply_household(self, application, by=None, reason=""):
        """The household registration (落户安置) applied for: the earliest application meets the deadline
        (checked here, saved by tracing.services.apply_household). The case's state does not change. Not
        once the stay has ended: the person is no longer in this station's care."""
        if self.stay_ended:
            raise ValidationError(_("The person is no longer in the station's care: this station does not apply "
                                    "for their household registration."))
        application.case = self
        application.entered_by = by
        application.full_clean()
        if self.household_met_at is None or application.applied_at < self.household_met_at:
            self.household_met_at = application.applied_at
        return self.state

    @transition(
        field=state, source=OPEN_STATES, target=CaseState.CLOSED,
        permission="tracing.close_case", custom={"label": _("Close the case")},
    )
    def close(self, cause=CloseCause.OTHER, by=None, reason="", at=None):
        """The case closes (tracing.services.close_case takes the notice down)."""
        self._close(cause, at or timezone.now())

    def awaiting_household_application(self):
        """The latest household registration application still awaiting its answer, or None."""
        return self.household_applications.filter(outcome=HouseholdOutcome.AWAITING).order_by(
            "-applied_at", "-pk").first()

    @transition(
        field=state, source=[CaseState.CLOSED, CaseState.FAMILY_FOUND], target=RETURN_VALUE(*OPEN_STATES),
        permission="shelter.second_check", custom={"label": _("Open the case again")},
    )
    def reopen(self, by=None, reason=""):
        """A closing a second person did not agree with (tracing.services.case_close_checked), or a family
        found by a family report's match that the second check undid (tracing.services.reopen_case): the
        case is open again, its deadlines running, at the step it had reached (state_before_closing)."""
        self.closed_at = None
        self.close_cause = ""
        self.found_channel = ""
        self.recount_notice()  # its notices were taken down at the closing: the notice is due again
        return self.state_before_closing()

    def state_before_closing(self):
        """The open state the case was in when it closed (its transition log): its DNA steps stand; a case
        whose notice was published is open again, its notices having been taken down when it closed."""
        log = StateLog.for_object(self).filter(state=self.state).order_by("-at", "-pk").first()
        before = log.source_state if log is not None else CaseState.OPEN
        if before not in OPEN_STATES or before == CaseState.NOTICE_PUBLISHED:
            return CaseState.OPEN
        return before

    def _close(self, cause, at):
        self.closed_at = at
        self.close_cause = cause

    def save(self, *args, **kwargs):
        """A save never writes the reminder claims: a copy loaded before the sweep claimed one must
        not set it back to NULL (that would send the reminder twice)."""
        if self.pk and not self._state.adding and "update_fields" not in kwargs:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.SENT_FIELDS
            ]
        if self.arrival_id is None:
            self.arrival_id = self.stay_id  # the stay the case is opened for; it keeps it when it moves
        if self.found_at is None:
            self.found_at = self.arrival.arrived_at
        super().save(*args, **kwargs)

    def missed_at(self, kind):
        """The id of the station where this deadline, as it stands, was missed before the case moved with a
        transfer, or None (missed here, or not missed)."""
        entry = (self.missed_elsewhere or {}).get(kind) or {}
        due = getattr(self, due_field(kind))
        return entry.get("station") if due is not None and entry.get("due") == due.isoformat() else None

    @classmethod
    def open_for(cls, stay):
        """Open the case of a stay whose identity is not confirmed, with its deadlines."""
        case = cls(stay=stay, station_id=stay.person.station_id, opened_at=stay.entered_at or timezone.now())
        case.plan()
        case.save()
        return case

    # --- The notice -------------------------------------------------------------------------------

    def has_main_portrait(self):
        return Portrait.objects.filter(person_id=self.stay.person_id, is_main=True).exists()

    def portrait_waiver_refusal(self, by=None):
        """Why a notice without a portrait cannot be allowed now, or None."""
        if by is not None and not by.has_perm("tracing.publish_without_portrait"):
            return _("Only a supervisor may let a notice go out without a portrait.")
        if not self.is_open:
            return _("The tracing case is closed.")
        if self.no_portrait_reason:
            return _("A notice without a portrait is already allowed for this case.")
        if self.has_main_portrait():
            return _("This person has a main portrait: the notice uses it.")
        return None

    def allow_without_portrait(self, by, reason):
        """A supervisor records why the notice goes out without a main portrait (a record, not a step)."""
        reason = (reason or "").strip()
        refusal = self.portrait_waiver_refusal(by)
        if refusal:
            raise ValidationError(refusal)
        if not reason:
            raise ValidationError({"reason": _("Say why the notice cannot wait for a portrait.")})
        self.no_portrait_reason, self.no_portrait_by, self.no_portrait_at = reason, by, timezone.now()
        TracingCase.objects.filter(pk=self.pk).update(
            no_portrait_reason=reason, no_portrait_by=by, no_portrait_at=self.no_portrait_at)

    @property
    def person_died(self):
        """The person died while still unknown: the notice is one for the unidentified deceased."""
        return self.stay.state == StayState.DECEASED

    @property
    def stay_ended(self):
        return not self.stay.is_open

    def notice_title(self):
        return _("Notice for an unidentified deceased person") if self.person_died else _("Family tracing notice")

    def notice_age(self):
        """(youngest, oldest) the notice says: the person's age on the day they were found."""
        return self.stay.person.age_range(timezone.localtime(self.found_at).date())

    def notice_features(self):
        """The distinguishing features the notice shows, in one line."""
        person = self.stay.person
        return "；".join(v for v in (person.hair, person.marks, person.scars, person.tattoos, person.disability) if v)

    def notice_facts(self, with_station=True):
        """[(label, value)] of the tracing notice, in the order of the national tracing website."""
        person, stay = self.stay.person, self.stay
        youngest, oldest = self.notice_age()
        if youngest is None:
            age = _("unknown")
        elif youngest == oldest:
            age = _("about %(age)s") % {"age": youngest}
        else:
            age = _("%(low)s to %(high)s") % {"low": youngest, "high": oldest}
        features = self.notice_features()
        found = timezone.localtime(self.found_at)  # where the person was found, not where a transfer brought them
        facts = [
            (_("Name"), person.name or _("unknown")),
            (_("Sex"), person.get_sex_display()),
            (_("Ethnicity"), person.ethnicity or _("unknown")),
            (_("Estimated age"), age),
            (_("Height"), _("about %(cm)s cm") % {"cm": person.height_cm} if person.height_cm else _("unknown")),
            (_("Build"), person.get_build_display() or _("unknown")),
            (_("Health"), stay.health_at_intake or _("unknown")),
            (_("Mental and intellectual state"), stay.get_mental_state_display()),
            (_("Accent"), person.dialect or _("unknown")),
            (_("Native place"), person.native_place or _("unknown")),
            (_("Distinguishing features"), features or _("none noted")),
            (_("Clothing"), stay.clothing or _("unknown")),
            (_("Date found"), found.strftime("%Y-%m-%d")),
            (_("Place found"), stay.found_place),
            (_("File number"), person.file_no),
        ]
        death = getattr(stay, "death", None) if self.person_died else None
        if death is not None:
            facts += [
                (_("Date of death"), timezone.localtime(death.died_at).strftime("%Y-%m-%d")),
                (_("Place of death"), death.place),
            ]
        if with_station:
            facts += [
                (_("Station"), self.station.name),
                (_("Contact"), " ".join(v for v in (self.station.phone, self.station.address) if v) or "-"),
            ]
        return facts


class QueryKind(models.TextChoices):
    POLICE_ID = "police_id", _("police identity check")
    ID_CARD = "id_card", _("ID card seen")
    FAMILY = "family", _("the family's confirmation")
    NATIONAL = "national", _("match in the national system")
    FACE = "face", _("face comparison")
    PHONE = "phone", _("phone call")
    OTHER = "other", _("other")


class QueryResult(models.TextChoices):
    CONFIRMED = "confirmed", _("identity confirmed")
    NOT_CONFIRMED = "not_confirmed", _("not confirmed")
    NO_RESULT = "no_result", _("no answer or no result")


class QuickQuery(LedgerEntry):
    """A quick identity query (police check, face comparison, calls): what was asked and what came back."""

    OCCURRED_FIELD = "made_at"

    case = models.ForeignKey(TracingCase, on_delete=models.PROTECT, related_name="queries")
    kind = models.CharField(_("query"), max_length=10, choices=QueryKind.choices)
    made_at = models.DateTimeField(_("when"), default=timezone.now, validators=[in_register_years])
    result = models.CharField(_("result"), max_length=15, choices=QueryResult.choices)
    details = models.CharField(
        _("details"), max_length=300, blank=True, help_text=_("Who was asked, number called, what was found.")
    )
    reference = models.CharField(
        _("reference"), max_length=120, blank=True,
        help_text=_("Needed to confirm an identity: the police check's reference, the ID card's number, who in "
                    "the family confirmed, the national system's record."),
    )
    name = models.CharField(_("name confirmed"), max_length=60, blank=True,
                            help_text=_("The name the query confirmed: it goes onto the file once checked."))

    class Meta:
        verbose_name = _("identity query")
        verbose_name_plural = _("identity queries")
        ordering = ["-made_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_result_display()}"

    def get_absolute_url(self):
        return self.case.get_absolute_url()

    @property
    def confirms_identity(self):
        return self.result == QueryResult.CONFIRMED

    def clean(self):
        """An identity is confirmed only on a basis (IdentityBasis: police check, ID card, the family, the
        national system) with its reference; then a second person checks it (tracing.services.record_query)."""
        super().clean()
        if self.confirms_identity:
            errors = identity_basis_errors(Identity.CONFIRMED, self.kind, self.reference)
            if "identity" in errors:
                errors = {"kind": errors["identity"]}
            if "identity_reference" in errors:
                errors = {"reference": errors["identity_reference"]}
            if not errors and self.kind == QueryKind.ID_CARD:
                try:
                    self.reference = idcard.validate(self.reference)
                except idcard.IdNumberError as e:
                    errors = {"reference": ID_NUMBER_MESSAGES[e.code]}
            if errors:
                raise ValidationError(errors)


class Channel(models.TextChoices):
    NATIONAL_WEBSITE = "national", _("national rescue tracing website")
    TOUTIAO = "toutiao", _("Toutiao")
    WECHAT = "wechat", _("WeChat official account")
    NEWSPAPER = "newspaper", _("newspaper")
    TV = "tv", _("television")
    OTHER = "other", _("other")


class PublicationState(models.TextChoices):
    PUBLISHED = "published", _("published")
    UPDATED = "updated", _("updated")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Publication(LedgerEntry):
    """The notice on one channel, with its reference or link; updated and withdrawn by transitions,
    so the transition log keeps each change."""

    OCCURRED_FIELD = "published_at"

    case = models.ForeignKey(TracingCase, on_delete=models.PROTECT, related_name="publications")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    published_at = models.DateTimeField(_("published"), default=timezone.now, validators=[in_register_years])
    reference = models.CharField(
        pgettext_lazy("publication", "reference"), max_length=120, blank=True, help_text=_("Notice number, newspaper issue, programme…")
    )
    url = models.URLField(_("link"), max_length=300, blank=True)
    state = FSMField(_("status"), default=PublicationState.PUBLISHED, choices=PublicationState.choices, protected=True)
    updated_at = models.DateTimeField(_("last updated"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # When the withdrawal was entered, apart from the time it states (withdrawn_at): the notices the
    # public feeds stopped showing lately, whatever date their withdrawal gives (PFIF's expired records).
    withdrawal_entered_at = models.DateTimeField(_("withdrawal entered"), null=True, blank=True, editable=False,
                                                 db_index=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["published_at", "pk"]

    def __str__(self):
        return f"{self.get_channel_display()} {self.reference}".strip()

    def clean(self):
        super().clean()
        if self.case_id and self.published_at and self.published_at < self.case.found_at:
            raise ValidationError({"published_at": _("The notice cannot be published before the arrival.")})
        if not self.reference and not self.url:
            raise ValidationError({"reference": _("Give the notice's reference or its link, so it can be found again.")})

    @transition(
        field=state, source=[PublicationState.PUBLISHED, PublicationState.UPDATED], target=PublicationState.UPDATED,
        permission="tracing.publish_notice", custom={"label": _("Record a refresh")},
    )
    def update(self, at, by=None, reason=""):
        """The notice was refreshed on this channel: the monthly refresh starts again (the case's, by
        tracing.services.refresh_notice)."""
        if at < self.published_at:
            raise ValidationError({"at": _("The refresh cannot be before the publication.")})
        if LedgerEntry.is_future(at):
            raise ValidationError({"at": FUTURE_MESSAGE})
        self.updated_at = at

    @transition(
        field=state, source=[PublicationState.PUBLISHED, PublicationState.UPDATED], target=PublicationState.WITHDRAWN,
        permission="tracing.publish_notice", custom={"label": _("Withdraw")},
    )
    def withdraw(self, at, by=None, reason=""):
        """The notice is taken down on this channel, for a reason the history keeps. Unless the case is
        closing, a withdrawn notice no longer meets the notice deadline nor starts the refresh month
        (TracingCase.recount_notice, called by tracing.services.withdraw_notice)."""
        if not str(reason).strip():
            raise ValidationError({"reason": _("Say why the notice is withdrawn.")})
        self.withdrawn_at, self.withdrawal_entered_at = at, timezone.now()


class DnaDatabase(models.TextChoices):
    NATIONAL = "national", _("national police DNA database for missing persons")
    PROVINCIAL = "provincial", _("provincial police DNA database")
    OTHER = "other", _("other")


class DnaResult(models.TextChoices):
    MATCH = "match", _("match found")
    NO_MATCH = "no_match", _("no match")
    INCONCLUSIVE = "inconclusive", _("inconclusive")


class DnaReferral(LedgerEntry):
    """The written request to the police to collect a DNA sample, and what came of it."""

    OCCURRED_FIELD = "sent_at"

    case = models.OneToOneField(TracingCase, on_delete=models.PROTECT, related_name="dna_referral")
    reference_no = models.CharField(_("reference number"), max_length=40, unique=True)
    police_unit = models.CharField(_("police unit"), max_length=120, help_text=_("The police station or bureau written to."))
    sent_at = models.DateTimeField(pgettext_lazy("letter", "sent"), default=timezone.now, validators=[in_register_years])
    received_at = models.DateTimeField(_("received by the police"), null=True, blank=True, validators=[in_register_years])
    received_by = models.CharField(pgettext_lazy("letter", "received by"), max_length=60, blank=True)
    sampled_at = models.DateTimeField(_("sample taken"), null=True, blank=True, validators=[in_register_years])
    sampled_by = models.CharField(_("sample taken by"), max_length=100, blank=True)
    sample_entered_at = models.DateTimeField(_("sample entered"), null=True, blank=True, editable=False)
    database = models.CharField(_("database"), max_length=12, choices=DnaDatabase.choices, blank=True)
    result = models.CharField(_("comparison result"), max_length=12, choices=DnaResult.choices, blank=True)
    result_at = models.DateTimeField(_("result received"), null=True, blank=True, validators=[in_register_years])
    result_notes = models.TextField(_("notes on the result"), blank=True)
    # The letter lists the quick queries recorded on the case; with none, it says why none was possible.
    no_query_reason = models.CharField(
        _("why no quick identity query was possible"), max_length=300, blank=True,
        help_text=_("Needed only when no quick identity query is recorded on the case: it goes in the letter."))

    class Meta:
        verbose_name = _("DNA referral")
        verbose_name_plural = _("DNA referrals")

    def __str__(self):
        return self.reference_no

    @staticmethod
    def next_reference(case):
        return f"DNA-{case.station.code}-{timezone.localdate().year}-{case.pk:06d}"

    def clean(self):
        super().clean()
        errors = {}
        arrived = self.case.stay.arrived_at if self.case_id else None
        if arrived and self.sent_at and self.sent_at < arrived:
            errors["sent_at"] = _("The request cannot be sent before the arrival.")
        if self.received_at and self.sent_at and self.received_at < self.sent_at:
            errors["received_at"] = _("The police cannot receive the request before it was sent.")
        if self.sampled_at and self.sent_at and self.sampled_at < self.sent_at:
            errors["sampled_at"] = _("The sample cannot be taken before the request was sent.")
        if self.result_at and self.sampled_at and self.result_at < self.sampled_at:
            errors["result_at"] = _("The result cannot come before the sample was taken.")
        for name in ("received_at", "sampled_at", "result_at"):
            if self.is_future(getattr(self, name)) and name not in errors:
                errors[name] = FUTURE_MESSAGE
        if errors:
            raise ValidationError(errors)

    def receipt_refusal(self):
        """Why the police's receipt cannot be recorded now, or None: it is recorded once, on an open case."""
        if not self.case.is_open:
            return _("The tracing case is closed: the receipt by the police can no longer be recorded.")
        if self.received_at:
            return _("The receipt by the police is already recorded; it was not changed.")
        return None

    def mark_received(self, at, received_by):
        """The police acknowledged the request (a record, not a step of the workflow). Refused on a
        closed case and once recorded; the conditional UPDATE keeps two people at once from both writing."""
        refusal = self.receipt_refusal()
        if refusal:
            raise ValidationError(refusal)
        self.received_at, self.received_by = at, received_by
        try:
            self.full_clean()
        except ValidationError:
            self.received_at, self.received_by = None, ""
            raise
        written = DnaReferral.objects.filter(
            pk=self.pk, received_at__isnull=True, case__closed_at__isnull=True,
        ).update(received_at=at, received_by=received_by)
        if not written:
            self.refresh_from_db()
            self.case.refresh_from_db()
            raise ValidationError(self.receipt_refusal() or _("The receipt by the police could not be recorded."))


class HouseholdOutcome(models.TextChoices):
    AWAITING = "awaiting", _("submitted, awaiting the answer")
    REGISTERED = "registered", pgettext_lazy("household registration", "registered")
    REFUSED = "refused", pgettext_lazy("household registration", "refused")


class HouseholdApplication(LedgerEntry):
    """The application for household registration (落户安置) of a person still unidentified after three
    months: when, to whom, its reference and what came of it. The time it states (applied_at) is kept
    apart from the time it was entered (entered_at, set by the server)."""

    OCCURRED_FIELD = "applied_at"

    case = models.ForeignKey(TracingCase, on_delete=models.PROTECT, related_name="household_applications")
    applied_at = models.DateTimeField(_("applied on"), default=timezone.now, validators=[in_register_years])
    applied_to = models.CharField(_("applied to"), max_length=120,
                                  help_text=_("The public security household registration office or the "
                                              "civil affairs bureau written to."))
    reference = models.CharField(_("reference"), max_length=60, blank=True,
                                 help_text=_("The application's or the letter's number."))
    outcome = models.CharField(_("outcome"), max_length=12, choices=HouseholdOutcome.choices,
                               default=HouseholdOutcome.AWAITING)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    # The answer, when it comes after the application (HouseholdApplication.settle): when it came (stated),
    # when it was entered (the server's time) and by whom.
    outcome_at = models.DateTimeField(_("answer received"), null=True, blank=True, validators=[in_register_years])
    outcome_entered_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("household registration application")
        verbose_name_plural = _("household registration applications")
        ordering = ["applied_at", "pk"]

    def __str__(self):
        return f"{self.applied_to} {self.reference}".strip()

    def clean(self):
        super().clean()
        if self.case_id and self.applied_at and self.applied_at < self.case.stay.arrival_minute:
            raise ValidationError({"applied_at": _("The application cannot be made before the arrival.")})

    def settle_refusal(self):
        """Why the answer cannot be recorded now, or None: once, on an application still awaiting it."""
        if self.outcome != HouseholdOutcome.AWAITING:
            return _("The answer to this application is already recorded; it was not changed.")
        return None

    def settle(self, outcome, at, by):
        """The answer to the application came (registered or refused), at the time stated; entered now by
        `by`. Once: the conditional UPDATE keeps two people at once from both writing."""
        refusal = self.settle_refusal()
        if refusal:
            raise ValidationError(refusal)
        if outcome not in (HouseholdOutcome.REGISTERED, HouseholdOutcome.REFUSED):
            raise ValidationError({"outcome": _("Say whether the person was registered or the application refused.")})
        if at is None or at < self.applied_at:
            raise ValidationError({"outcome_at": _("The answer cannot come before the application.")})
        if LedgerEntry.is_future(at):
            raise ValidationError({"outcome_at": FUTURE_MESSAGE})
        now = timezone.now()
        written = HouseholdApplication.objects.filter(pk=self.pk, outcome=HouseholdOutcome.AWAITING).update(
            outcome=outcome, outcome_at=at, outcome_entered_at=now, outcome_by=by)
        if not written:
            self.refresh_from_db()
            raise ValidationError(self.settle_refusal() or _("The answer could not be recorded."))
        self.outcome, self.outcome_at, self.outcome_entered_at, self.outcome_by = outcome, at, now, by
