"""A tracing case: its page, and the steps staff take on it with a form (one view, one table of what
each step needs), and the refresh or withdrawal of the notice on one channel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from face.selectors import main_image_url
from lib import workflow
from lib.errors import Refusal
from shelter.models import AuditEvent
from shelter.selectors import transition_history
from shelter.steps import Outcome, refused, take_step, then

from .. import services
from ..forms import cases as forms
from ..models import QueryKind
from ..selectors import CASE_STEPS, case_for, case_steps, id_number_clue_for, publication_for


@login_required
@permission_required("tracing.view_tracingcase", raise_exception=True)
def case(request, pk):
    case = case_for(request.user, pk)
    AuditEvent.record(request, AuditEvent.VIEW, case.stay.person, target=case)
    publications = list(case.publications.all())
    for p in publications:
        p.refresh_form = forms.RefreshForm(prefix=f"p{p.pk}")
    return render(request, "tracing/case.html", {
        "case": case,
        "person": case.stay.person,
        "portrait_url": main_image_url(case.stay.person, size=256),
        "deadlines": case.deadlines(),
        "queries": case.queries.select_related("entered_by"),
        "publications": publications,
        "referral": getattr(case, "dna_referral", None),
        "household_applications": case.household_applications.select_related("entered_by"),
        "history": case_history(case, publications),
        "actions": case_steps(case, request.user),
    })


def case_history(case, publications):
    """The case's steps and its notices' (refreshed, withdrawn: with the channel), in time order."""
    rows = list(transition_history(case))
    for p in publications:
        rows += [(at, f"{step} · {p}", source, target, reason, by)
                 for at, step, source, target, reason, by in transition_history(p)]
    return sorted(rows, key=lambda row: row[0])


def query_done(form):
    if form.instance.confirms_identity:
        return _("Query recorded. The identity counts as confirmed once someone else has checked it (the list of "
                 "second checks); until then the tracing goes on.")
    return _("Query recorded.")


# What each step's form gives the service that takes it, and what the page says once it is done. The
# steps themselves (title, permission, transition) are tracing.selectors.CASE_STEPS.
STEP_FORMS = {
    "query": (forms.QuickQueryForm, services.record_query, lambda form: {"query": form.instance},
              query_done),
    "publish": (forms.PublicationForm, services.publish_notice, lambda form: {"publication": form.instance},
                lambda form: _("Publication recorded: %(channel)s.") % {"channel": form.instance.get_channel_display()}),
    "dna": (forms.DnaReferralForm, services.refer_dna, lambda form: {"referral": form.instance},
            lambda form: _("DNA request %(ref)s recorded: print the letter and send it to the police.") % {
                "ref": form.instance.reference_no}),
    "dna-received": (forms.DnaReceivedForm, services.record_dna_receipt, lambda form: form.cleaned_data,
                     lambda form: _("Receipt by the police recorded.")),
    "dna-sample": (forms.DnaSampleForm, services.record_sample, lambda form: form.cleaned_data,
                   lambda form: _("DNA sample recorded.")),
    "dna-result": (forms.DnaResultForm, services.record_result, lambda form: form.cleaned_data,
                   lambda form: _("DNA result recorded.")),
    "household": (forms.HouseholdApplicationForm, services.apply_household,
                  lambda form: {"application": form.instance},
                  lambda form: _("Household registration application recorded.")),
    "household-answer": (forms.HouseholdAnswerForm, services.settle_household, lambda form: form.cleaned_data,
                         lambda form: _("The answer to the household registration application is recorded.")),
    "family-found": (forms.FamilyFoundForm, services.find_family, lambda form: form.cleaned_data,
                     lambda form: _("Family found: the case is closed and the notice withdrawn everywhere it was "
                                    "published.")),
    "close": (forms.CloseForm, services.close_case, lambda form: form.cleaned_data,
              lambda form: _("The tracing case is closed.")),
    "no-portrait": (forms.NoPortraitForm, services.allow_without_portrait, lambda form: form.cleaned_data,
                    lambda form: _("Recorded: the notice may go out without a portrait.")),
}


def step_form(action, case, data, initial=None):
    form_class = STEP_FORMS[action][0]
    if issubclass(form_class, forms.CaseRecordForm):  # a record of the case, saved by its transition
        return form_class(data, instance=form_class._meta.model(case=case), case=case, initial=initial)
    return form_class(data, initial=initial)


def query_from_clue(request, case):
    """The identity query proposed by an accepted, valid ID number of an interview (?clue=): the police
    identity check, with the number filled in."""
    clue = id_number_clue_for(request.user, case, request.GET.get("clue"))
    if clue is None:
        return None
    return {"kind": QueryKind.POLICE_ID, "details": _("ID number %(number)s, given in the interview of %(on)s") % {
        "number": clue.normalised, "on": f"{timezone.localtime(clue.interview.held_at):%Y-%m-%d}"}}


@login_required
def act(request, pk, action):
    if action not in CASE_STEPS:
        raise Http404
    step = CASE_STEPS[action]
    if not request.user.has_perm(step.permission):
        raise PermissionDenied
    case = case_for(request.user, pk)
    if request.method != "POST" and action not in dict(case_steps(case, request.user)):
        if step.transition:
            messages.error(request, workflow.not_from_state(case, workflow.label(case, step.transition)))
        else:
            messages.error(request, _("This step is not possible now."))
        return redirect(case)
    initial = query_from_clue(request, case) if action == "query" and request.method != "POST" else None
    form = step_form(action, case, request.POST or None, initial)
    if request.method != "POST":
        AuditEvent.record(request, AuditEvent.VIEW, case.stay.person, target=case, form=action)
    status = 200
    if request.method == "POST":
        # Refused, by the form, the model or the workflow: the same form again with the reason, nothing lost.
        status = 400
        if form.is_valid():
            outcome = run_step(request, case, action, form)
            if outcome:
                return redirect(case)
            status = outcome.status
        messages.error(request, _("Nothing was recorded: see the reason below; nothing you typed was lost."))
    return render(request, "tracing/act.html", {"case": case, "person": case.stay.person, "form": form,
                                                "title": step.title, "action": action}, status=status)


def run_step(request, case, action, form):
    """Take the step with what the form holds, through its service; the Outcome (true when it was recorded)."""
    step = CASE_STEPS[action]
    _form, service, kwargs, done = STEP_FORMS[action]
    person = case.stay.person
    if step.transition:
        return take_step(request, case, step.transition, person=person, form=form, done=done(form),
                         action=AuditEvent.CHANGE, audit={"tracing": action}, service=service, case=case,
                         **kwargs(form))
    # Records that are not steps of the workflow: the police's receipt on the sent request, a
    # supervisor's reason for a notice without a portrait, the answer to the household registration.
    values = kwargs(form)
    try:
        if action == "no-portrait":
            service(case=case, by=request.user, reason=values["reason"])
        elif action == "household-answer":
            service(case=case, by=request.user, **values)
        else:
            service(case=case, received_at=values["received_at"], received_by=values["received_by"])
    except ValidationError as e:
        refused(request, form, e)
        return Outcome(False, refusal="invalid")
    AuditEvent.record(request, AuditEvent.CHANGE, person, target=case, tracing=action)
    messages.success(request, done(form))
    return Outcome(True)


@login_required
@permission_required("tracing.publish_notice", raise_exception=True)
@require_POST
def publication_step(request, pk, name):
    """Refresh or withdraw the notice on one channel."""
    if name not in ("update", "withdraw"):
        raise Http404
    publication = publication_for(request.user, pk)
    case = publication.case
    at = timezone.now()
    if name == "update":
        form = forms.RefreshForm(request.POST, prefix=f"p{publication.pk}")
        if not form.is_valid():
            messages.error(request, _("The refresh was not recorded: %(errors)s") % {"errors": error_text(form.errors)})
            return redirect(case)
        at = form.cleaned_data["at"]
    service = services.refresh_notice if name == "update" else services.withdraw_notice
    outcome = take_step(request, publication, name, person=case.stay.person, action=AuditEvent.CHANGE,
                        audit={"tracing": name}, service=service, publication=publication, at=at,
                        reason=request.POST.get("reason", ""))
    return then(request, outcome, redirect(case))


def error_text(errors):
    return " ".join(str(e) for errs in errors.values() for e in errs)


@login_required
@require_POST
@permission_required("shelter.second_check", raise_exception=True)
def accept_stated_time(request, pk, kind):
    """A deadline met only after the fact counts by its stated time: accepted by someone other than the one
    who entered the step, with a reason (or awaiting a second check). Back to the late list."""
    case = case_for(request.user, pk)
    try:
        services.accept_stated_time(case=case, kind=kind, by=request.user, reason=request.POST.get("reason", ""),
                                    awaiting=bool(request.POST.get("awaiting")))
    except Refusal as e:
        messages.error(request, e.message)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        AuditEvent.record(request, AuditEvent.CHANGE, case.stay.person, target=case, stated_time_accepted=kind)
        messages.success(request, _("The stated time is accepted; the reason is kept."))
    return redirect("shelter:late")
