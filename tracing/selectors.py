"""Reads of tracing that views, template tags and the admin share. Each is scoped to what the user's
station may see: anything else is a 404, as if it did not exist."""

from dataclasses import dataclass

from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lib import workflow

from .models import Clue, ClueKind, ClueState, Deadline, Interview, Publication, TracingCase

# --- Tracing cases ----------------------------------------------------------------------------------


def case_for(user, pk):
    """The case, if the user's station may see it."""
    qs = TracingCase.objects.for_user(user).select_related("stay__person", "stay__staff_in_charge", "station")
    return get_object_or_404(qs, pk=pk)


def publication_for(user, pk):
    qs = Publication.objects.filter(case__in=TracingCase.objects.for_user(user)).select_related("case")
    return get_object_or_404(qs, pk=pk)


@dataclass(frozen=True)
class CaseStep:
    """A step staff take on a case with a form: the case transition it runs, or none for a record that
    is not a step of the workflow (the police's receipt of the DNA request, whose rule is the model's)."""

    title: str
    permission: str
    transition: str = ""

    def possible(self, case, user, transitions):
        if self.transition == "apply_household" and case.stay_ended:
            return False  # refused by the transition: the person is no longer in the station's care
        if self.transition:
            return self.transition in transitions
        if not user.has_perm(self.permission):
            return False
        if self.permission == "tracing.publish_without_portrait":
            return case.portrait_waiver_refusal(user) is None
        if self.permission == "tracing.add_householdapplication":
            return case.awaiting_household_application() is not None
        referral = getattr(case, "dna_referral", None)
        return referral is not None and referral.receipt_refusal() is None


CASE_STEPS = {
    "query": CaseStep(_("Record an identity query"), "tracing.add_quickquery", "record_query"),
    "publish": CaseStep(_("Publish the notice"), "tracing.publish_notice", "publish_notice"),
    "no-portrait": CaseStep(_("Allow the notice without a portrait"), "tracing.publish_without_portrait"),
    "dna": CaseStep(_("Send the DNA request"), "tracing.refer_dna", "refer_dna"),
    "dna-received": CaseStep(_("Record receipt by the police"), "tracing.refer_dna"),
    "dna-sample": CaseStep(_("Record the DNA sample"), "tracing.refer_dna", "record_sample"),
    "dna-result": CaseStep(_("Record the DNA result"), "tracing.refer_dna", "record_result"),
    "household": CaseStep(_("Record the household registration application"), "tracing.add_householdapplication",
                          "apply_household"),
    "household-answer": CaseStep(_("Record the answer to the household registration application"),
                                 "tracing.add_householdapplication"),
    "family-found": CaseStep(_("Family found"), "tracing.close_case", "find_family"),
    "close": CaseStep(_("Close the case"), "tracing.close_case", "close"),
}


def case_steps(case, user):
    """(slug, title) of the steps this user may take on the case now, for buttons."""
    transitions = {name for name, _label in workflow.available(case, user)}
    return [(slug, step.title) for slug, step in CASE_STEPS.items() if step.possible(case, user, transitions)]


def cases_of(person, user):
    """The person's tracing cases, newest first, with the deadlines and steps of the open ones."""
    cases = list(TracingCase.objects.filter(stay__person=person).select_related("stay", "station"))
    for case in cases:
        if case.is_open:
            case.deadline_rows = case.deadlines()
            case.actions = case_steps(case, user)
    return cases


def id_number_clue_for(user, case, pk):
    """An accepted, valid ID number from an interview of the case's person, seen by the user's station;
    None otherwise (an invalid number never proposes the identity check)."""
    if not str(pk or "").isdigit():
        return None
    return Clue.objects.for_user(user).filter(
        pk=pk, kind=ClueKind.ID_NUMBER, valid=True, state=ClueState.ACCEPTED, interview__stay__person=case.stay.person_id,
    ).select_related("interview").first()


def interview_for(user, pk):
    """An interview on a stay of the user's station (404 otherwise)."""
    return get_object_or_404(Interview.objects.for_user(user).select_related("stay__person__station"), pk=pk)


def after_the_fact_for(user):
    """Late-list rows (shelter.hooks.LATE_STEPS) of the user's stations' cases whose notice or DNA deadline
    was met only after the fact (TracingCase.met_after_the_fact), newest entry first."""
    cases = (TracingCase.objects.for_user(user)
             .filter(models.Q(notice_stated_at__lte=models.F("notice_due_at"),
                              notice_entered_at__gt=models.F("notice_due_at"))
                     | models.Q(dna_stated_at__lte=models.F("dna_due_at"), dna_entered_at__gt=models.F("dna_due_at")))
             .select_related("stay__person").order_by("-pk")[:200])
    rows = []
    for case in cases:
        for kind, label in ((Deadline.NOTICE, _("tracing notice")), (Deadline.DNA, _("DNA referral"))):
            if not case.met_after_the_fact(kind):
                continue
            accepted = case.stated_time_accepted(kind)
            by = case.step_entered_by(kind)
            rows.append({
                "label": label, "person": case.stay.person, "due": getattr(case, f"{kind}_due_at"),
                "stated": getattr(case, f"{kind}_stated_at"), "entered": getattr(case, f"{kind}_entered_at"),
                "by": by, "by_id": by.pk if by else None,
                "accepted": accepted["reason"] if accepted else None,
                "accept_url": reverse("tracing:accept_stated_time", args=[case.pk, kind]),
            })
    rows.sort(key=lambda r: r["entered"], reverse=True)
    return rows
