"""Doubtful data back to its source (数据核对双向反馈): a query to the department a record came from (the
police, health, another civil-affairs office), raised from a comparison hit or a data-quality problem.

The query goes out as a letter (PDF, in Chinese) with a sheet (XLSX) of the disputed items; the answer
is recorded when it comes. Open queries are listed with their age. The model is kept plain for a reader
outside the station (a partner department answering through an API later): `department` and
`department_name` say to whom, `items` what is disputed, `sent_at` / `answered_at` when, `answer` what
they said.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from shelter.models import Station, StationQuerySet

from .problems import DataComparison, Problem


class Department(models.TextChoices):
    POLICE = "police", _("police")
    HEALTH = "health", _("health")
    CIVIL_AFFAIRS = "civil_affairs", _("civil affairs")
    OTHER = "other", pgettext_lazy("department", "other")


class DataQueryState(models.TextChoices):
    SENT = "sent", _("sent, awaiting the answer")
    ANSWERED = "answered", _("answered")


class DataQueryQuerySet(StationQuerySet):
    def awaiting(self):
        return self.filter(state=DataQueryState.SENT)


class DataQuery(ConcurrentTransitionMixin, models.Model):
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="+")
    department = models.CharField(_("kind of department"), max_length=20, choices=Department.choices)
    department_name = models.CharField(_("department"), max_length=120,
                                       help_text=_("The department the data came from, e.g. 广州市公安局户籍科."))
    question = models.TextField(_("what is doubtful"), max_length=2000)
    # The disputed items, facts only: [{"file_no", "name", "id_number", "birth_date", "line", "source_values",
    # "problem", "person"}] ("line": the line of the department's own list, when the query comes from one).
    items = models.JSONField(default=list)
    problem = models.ForeignKey(Problem, verbose_name=_("problem"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="queries")
    comparison = models.ForeignKey(DataComparison, verbose_name=_("comparison"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="queries")
    state = FSMField(_("state"), default=DataQueryState.SENT, choices=DataQueryState.choices, protected=True)
    sent_at = models.DateTimeField(pgettext_lazy("letter", "sent"), default=timezone.now, db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                related_name="+")
    entered_at = models.DateTimeField(_("entered"), default=timezone.now, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, max_length=4000)
    answer_entered_at = models.DateTimeField(null=True, blank=True, editable=False)
    answer_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answer recorded by"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")

    objects = DataQueryQuerySet.as_manager()

    class Meta:
        verbose_name = _("data query")
        verbose_name_plural = _("data queries")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["station", "state"])]

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        """The letter's number: station, year and the query's id (HC: 核查)."""
        return f"{self.station.code}-HC-{timezone.localtime(self.sent_at):%Y}-{self.pk:05d}"

    def age_days(self, now=None):
        return ((self.answered_at or now or timezone.now()) - self.sent_at).days

    @transition(field=state, source=DataQueryState.SENT, target=DataQueryState.ANSWERED,
                permission="oversight.change_dataquery", custom={"label": _("Record the answer")})
    def record_answer(self, by=None, answer="", answered_at=None):
        """The department's answer, as it came (its words, the day it is dated); entered now by `by`."""
        now = timezone.now()
        errors = {}
        if not answer.strip():
            errors["answer"] = gettext("Write down what the department answered.")
        if answered_at is None or answered_at > now:
            errors["answered_at"] = gettext("The answer's date cannot be in the future.")
        elif timezone.localdate(answered_at) < timezone.localdate(self.sent_at):  # the station's days
            errors["answered_at"] = gettext("The answer cannot be dated before the query was sent.")
        if errors:
            raise ValidationError(errors)
        self.answer, self.answered_at = answer.strip(), answered_at
        self.answer_entered_at, self.answer_recorded_by = now, by
