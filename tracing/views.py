"""Views of family tracing. Thin: rules and deadlines are on the models, steps go through
lib.workflow.apply(), reads of a file and exports of documents are audited."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lib import workflow
from shelter.models import AuditEvent

from . import documents, forms, portraits
from .events import transition_history
from .models import Deadline, Publication, Stage, TracingCase, due_field

BOARD_ROWS = 20
PAGE_ROWS = 50


def case_for(request, pk):
    """The case, if the user's station may see it: 404 otherwise."""
    qs = TracingCase.objects.for_user(request.user).select_related("stay__person", "stay__staff_in_charge", "station")
    return get_object_or_404(qs, pk=pk)


def board_cases(request):
    """The cases the board shows: the user's station; administrators may pick one station."""
    cases = TracingCase.objects.for_user(request.user)
    form = None
    if request.user.sees_all_stations:
        form = forms.StationFilterForm(request.GET or None)
        if form.is_valid() and form.cleaned_data["station"]:
            cases = cases.filter(station=form.cleaned_data["station"])
    return cases, form


def with_rows(cases, kind):
    """Cases as rows for the lists, with their thumbnails fetched in one query."""
    cases = list(cases)
    thumbs = portraits.thumbnails(c.stay.person_id for c in cases)
    for case in cases:
        case.due = getattr(case, due_field(kind))
        case.thumbnail = thumbs.get(case.stay.person_id)
    return cases


def listed(cases, kind, stage, now):
    return (
        cases.in_stage(kind, stage, now)
        .select_related("stay__person", "stay__staff_in_charge", "station")
        .order_by(due_field(kind), "pk")
    )


@login_required
@permission_required("tracing.view_board", raise_exception=True)
def board(request):
    """Overdue and at-risk cases by deadline kind, oldest first, each with one click to its action."""
    now = timezone.now()
    cases, form = board_cases(request)
    sections = []
    for kind, label in Deadline.choices:
        counts = cases.stage_counts(kind, now)
        for stage in (Stage.OVERDUE, Stage.AT_RISK):
            count = counts[stage]
            # Never ask for more rows than exist: the database can stop as soon as it has them.
            rows = with_rows(listed(cases, kind, stage, now)[:min(count, BOARD_ROWS)], kind) if count else []
            sections.append({"kind": kind, "label": label, "stage": stage, "count": count, "rows": rows})
    summary = [
        (label, [s for s in sections if s["kind"] == kind]) for kind, label in Deadline.choices
    ]
    return render(request, "tracing/board.html", {
        "sections": sections, "summary": summary, "form": form, "now": now, "query": station_query(form),
        "any_due": any(s["count"] for s in sections),
    })


def station_query(form):
    if form is not None and form.is_valid() and form.cleaned_data["station"]:
        return f"station={form.cleaned_data['station'].pk}"
    return ""


class CountedPaginator(Paginator):
    """A paginator told the count (TracingCaseQuerySet.stage_counts computes it from the indexes)."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


@login_required
@permission_required("tracing.view_board", raise_exception=True)
def case_list(request, kind, stage):
    if kind not in Deadline.values or stage not in Stage.values:
        raise Http404
    now = timezone.now()
    cases, form = board_cases(request)
    count = cases.stage_counts(kind, now)[stage]
    page = CountedPaginator(listed(cases, kind, stage, now), PAGE_ROWS, count).get_page(request.GET.get("page"))
    page.object_list = with_rows(page.object_list, kind)
    return render(request, "tracing/list.html", {
        "page": page, "kind": kind, "label": Deadline(kind).label, "stage": stage, "form": form, "now": now,
        "query": station_query(form),
    })


@login_required
@permission_required("tracing.view_tracingcase", raise_exception=True)
def case(request, pk):
    case = case_for(request, pk)
    AuditEvent.record(request, AuditEvent.VIEW, case.stay.person, target=case)
    publications = list(case.publications.all())
    for p in publications:
        p.refresh_form = forms.RefreshForm(prefix=f"p{p.pk}")
    return render(request, "tracing/case.html", {
        "case": case,
        "person": case.stay.person,
        "portrait_url": portrait_url(case.stay.person, size=256),
        "deadlines": case.deadlines(),
        "queries": case.queries.select_related("entered_by"),
        "publications": publications,
        "referral": getattr(case, "dna_referral", None),
        "history": transition_history(case),
        "actions": available_actions(case, request.user),
    })


def portrait_url(person, size=None):
    portrait = portraits.main_portrait(person)
    return portraits.image_url(portrait.pk, size) if portrait else None


# --- Steps recorded with a form: one view, a table of what each step needs. -----------------------


@dataclass
class Action:
    title: str
    form: type
    permission: str
    transition: str = ""  # the case transition it runs, if any
    model_form: bool = False  # a ModelForm whose instance belongs to the case

    def possible(self, case, user, transitions):
        """Whether the step can be taken now (for buttons, and before showing its form)."""
        if self.transition:
            return self.transition in transitions
        # Receipt by the police: a record on a sent request, not a workflow step; its rule is the model's.
        referral = getattr(case, "dna_referral", None)
        return user.has_perm(self.permission) and referral is not None and referral.receipt_refusal() is None


def run_query(request, case, form):
    state = workflow.apply(case, "record_query", request.user, query=form.instance)
    if state == "closed":
        return _("Identity confirmed: the stay's identity is now confirmed and the tracing case is closed.")
    return _("Query recorded.")


def run_publish(request, case, form):
    workflow.apply(case, "publish_notice", request.user, publication=form.instance)
    return _("Publication recorded: %(channel)s.") % {"channel": form.instance.get_channel_display()}


def run_dna(request, case, form):
    workflow.apply(case, "refer_dna", request.user, referral=form.instance)
    return _("DNA request %(ref)s recorded: print the letter and send it to the police.") % {
        "ref": form.instance.reference_no}


def run_received(request, case, form):
    referral = getattr(case, "dna_referral", None)
    if referral is None:
        raise workflow.WorkflowError(_("There is no DNA request yet."))
    referral.mark_received(form.cleaned_data["received_at"], form.cleaned_data["received_by"])
    return _("Receipt by the police recorded.")


def run_sample(request, case, form):
    workflow.apply(case, "record_sample", request.user, **form.cleaned_data)
    return _("DNA sample recorded.")


def run_result(request, case, form):
    workflow.apply(case, "record_result", request.user, **form.cleaned_data)
    return _("DNA result recorded.")


def run_family_found(request, case, form):
    workflow.apply(case, "find_family", request.user, reason=form.cleaned_data["reason"])
    return _("Family found: the case is closed and the notice withdrawn everywhere it was published.")


def run_close(request, case, form):
    workflow.apply(case, "close", request.user, **form.cleaned_data)
    return _("The tracing case is closed.")


ACTIONS = {
    "query": (Action(gettext_lazy("Record an identity query"), forms.QuickQueryForm, "tracing.add_quickquery",
                     "record_query", model_form=True), run_query),
    "publish": (Action(gettext_lazy("Publish the notice"), forms.PublicationForm, "tracing.publish_notice",
                       "publish_notice", model_form=True), run_publish),
    "dna": (Action(gettext_lazy("Send the DNA request"), forms.DnaReferralForm, "tracing.refer_dna", "refer_dna",
                   model_form=True), run_dna),
    "dna-received": (Action(gettext_lazy("Record receipt by the police"), forms.DnaReceivedForm,
                            "tracing.refer_dna"), run_received),
    "dna-sample": (Action(gettext_lazy("Record the DNA sample"), forms.DnaSampleForm, "tracing.refer_dna",
                          "record_sample"), run_sample),
    "dna-result": (Action(gettext_lazy("Record the DNA result"), forms.DnaResultForm, "tracing.refer_dna",
                          "record_result"), run_result),
    "family-found": (Action(gettext_lazy("Family found"), forms.FamilyFoundForm, "tracing.close_case",
                            "find_family"), run_family_found),
    "close": (Action(gettext_lazy("Close the case"), forms.CloseForm, "tracing.close_case", "close"), run_close),
}


def available_actions(case, user):
    """(slug, title) of the steps this user may take on the case now, for buttons."""
    transitions = {name for name, _label in workflow.available(case, user)}
    return [(slug, action.title) for slug, (action, _run) in ACTIONS.items() if action.possible(case, user, transitions)]


@login_required
def act(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    spec, run = ACTIONS[action]
    if not request.user.has_perm(spec.permission):
        raise PermissionDenied
    case = case_for(request, pk)
    if request.method != "POST" and action not in dict(available_actions(case, request.user)):
        if spec.transition:
            messages.error(request, workflow.not_from_state(case, workflow.label(case, spec.transition)))
        else:
            messages.error(request, _("This step is not possible now."))
        return redirect(case)
    kwargs = {}
    if spec.model_form:
        instance = spec.form._meta.model(case=case)
        kwargs["instance"] = instance
        if spec.form is forms.PublicationForm:
            kwargs["case"] = case
    form = spec.form(request.POST or None, **kwargs)
    status = 200
    if request.method == "POST":
        # Refused, by the form, the model or the workflow: the same form again with the reason, nothing lost.
        status = 400
        if form.is_valid():
            try:
                message = run(request, case, form)
            except workflow.WorkflowError as e:
                form.add_error(None, e.message)
            except ValidationError as e:
                add_errors(form, e)
            else:
                AuditEvent.record(request, AuditEvent.CHANGE, case.stay.person, target=case, tracing=action)
                messages.success(request, message)
                return redirect(case)
        messages.error(request, _("Nothing was recorded: see the reason below; nothing you typed was lost."))
    return render(request, "tracing/act.html", {"case": case, "person": case.stay.person, "form": form,
                                                "title": spec.title, "action": action}, status=status)


def error_text(errors):
    return " ".join(str(e) for errs in errors.values() for e in errs)


def add_errors(form, error):
    """Errors found by the model while the step ran: beside their field when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
@permission_required("tracing.publish_notice", raise_exception=True)
@require_POST
def publication_step(request, pk, name):
    """Refresh or withdraw the notice on one channel."""
    if name not in ("update", "withdraw"):
        raise Http404
    qs = Publication.objects.filter(case__in=TracingCase.objects.for_user(request.user)).select_related("case")
    publication = get_object_or_404(qs, pk=pk)
    case = publication.case
    at = timezone.now()
    if name == "update":
        form = forms.RefreshForm(request.POST, prefix=f"p{publication.pk}")
        if not form.is_valid():
            messages.error(request, _("The refresh was not recorded: %(errors)s") % {"errors": error_text(form.errors)})
            return redirect(case)
        at = form.cleaned_data["at"]
    try:
        workflow.apply(publication, name, request.user, at=at, reason=request.POST.get("reason", ""))
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    except ValidationError as e:
        messages.error(request, _("The refresh was not recorded: %(errors)s") % {"errors": error_text(e.message_dict)})
    else:
        AuditEvent.record(request, AuditEvent.CHANGE, case.stay.person, target=publication, tracing=name)
        messages.success(request, _("Done: %(action)s.") % {"action": workflow.label(publication, name)})
    return redirect(case)


# --- Documents --------------------------------------------------------------------------------


@login_required
@permission_required("tracing.view_tracingcase", raise_exception=True)
def notice(request, pk):
    """The printable notice page, in Chinese like the PDF."""
    case = case_for(request, pk)
    AuditEvent.record(request, AuditEvent.EXPORT, case.stay.person, target=case, document="notice")
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        return render(request, "tracing/notice.html", {
            "case": case, "facts": case.notice_facts(), "text": documents.notice_text(case),
            "portrait_url": portrait_url(case.stay.person, size=800), "today": timezone.localdate(),
        })


@login_required
@permission_required("tracing.view_tracingcase", raise_exception=True)
def notice_pdf(request, pk):
    case = case_for(request, pk)
    AuditEvent.record(request, AuditEvent.EXPORT, case.stay.person, target=case, document="notice.pdf")
    return pdf_response(documents.notice_pdf(case), f"notice-{case.stay.person.file_no}.pdf")


@login_required
@permission_required("tracing.view_tracingcase", raise_exception=True)
def dna_letter(request, pk):
    case = case_for(request, pk)
    referral = getattr(case, "dna_referral", None)
    if referral is None:
        raise Http404
    AuditEvent.record(request, AuditEvent.EXPORT, case.stay.person, target=referral, document="dna-letter.pdf")
    return pdf_response(documents.dna_letter_pdf(referral), f"{referral.reference_no}.pdf")


def pdf_response(data, filename):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
