"""Interviews on a stay: record one, see the clues beside the words and accept or dismiss each, the
panels other apps add (tracing.hooks.INTERVIEW_PANELS: the family reports the accepted clues point to),
and the letter to the county's police."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.http import private
from shelter.models import AuditEvent
from shelter.selectors import stay_for
from shelter.steps import take_step

from .. import documents, hooks
from ..forms.interviews import ChoosePlaceForm, InterviewForm
from ..models import Clue, ClueKind, Interview
from ..selectors import case_steps, interview_for
from ..services import judge_clue, record_interview
from .documents import pdf_response

CLUE_STEPS = ("accept", "dismiss")


@login_required
@permission_required("tracing.view_interview", raise_exception=True)
def interviews(request, pk):
    """The stay's interviews, and the form to record one."""
    stay = stay_for(request.user, pk)
    form = InterviewForm(request.POST or None, request.FILES or None, stay=stay)
    if request.method == "POST":
        if not request.user.has_perm("tracing.add_interview"):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            interview = record_interview(
                stay=stay, by=request.user, words=data["words"], interviewer=data["interviewer"],
                held_at=data["held_at"], language=data["language"], interpreter=data["interpreter"],
                conclusion=data["conclusion"], show_on_notice=data["show_on_notice"], audio=data["audio"] or None)
            AuditEvent.record(request, AuditEvent.CREATE, stay.person, target=interview,
                              clues=interview.clues.count())
            messages.success(request, _("Interview recorded: %(n)s clue(s) found in the words. Accept or dismiss "
                                        "each.") % {"n": interview.clues.count()})
            return redirect(interview)
    AuditEvent.record(request, AuditEvent.VIEW, stay.person, target=f"interviews of stay {stay.pk}")
    return render(request, "tracing/interviews/list.html", {
        "stay": stay, "person": stay.person, "form": form,
        "interviews": Interview.objects.filter(stay__in=stay.handed_over()).select_related("stay__station", "entered_by")
        .prefetch_related("clues"),
    })


@login_required
@permission_required("tracing.view_interview", raise_exception=True)
def interview(request, pk):
    """The words with the clues beside them, and the family reports the accepted clues point to."""
    item = interview_for(request.user, pk)
    person = item.stay.person
    AuditEvent.record(request, AuditEvent.VIEW, person, target=item)
    panels = [render_to_string(name, context, request) for name, context in
              filter(None, (panel(request, person) for panel in hooks.INTERVIEW_PANELS))]
    clues = list(item.clues.select_related("decided_by"))
    case = getattr(item.stay, "tracing_case", None)
    may_query = case is not None and case.is_open and "query" in dict(case_steps(case, request.user))
    return render(request, "tracing/interviews/interview.html", {
        "interview": item, "stay": item.stay, "person": person, "clues": clues, "panels": panels,
        "identity_check": Interview.proposes_identity_check(clues),
        "query_url": reverse("tracing:act", args=[case.pk, "query"]) if may_query else "",
        "has_place": Interview.names_a_place(clues),
        "kinds": ClueKind,
    })


@login_required
@require_POST
def clue_step(request, pk, name):
    if name not in CLUE_STEPS:
        raise Http404
    clue = get_object_or_404(Clue.objects.for_user(request.user).select_related("interview__stay__person"), pk=pk)
    kwargs = {}
    if name == "accept":
        form = ChoosePlaceForm(request.POST)
        kwargs["code"] = form.cleaned_data["code"] if form.is_valid() else ""
    take_step(request, clue, name, person=clue.interview.stay.person,
              audit={"clue": clue.kind, "value": clue.normalised, **kwargs}, service=judge_clue, clue=clue, step=name,
              **kwargs)
    return redirect(f"{clue.interview.get_absolute_url()}#clue-{clue.pk}")


@login_required
@permission_required("tracing.view_interview", raise_exception=True)
def police_letter(request, pk):
    """The letter to the public-security bureau of the county the accepted clues name, listing them."""
    item = interview_for(request.user, pk)
    letter = documents.clue_letter(item.stay)
    if letter is None:
        messages.error(request, _("Accept a place first: the letter goes to the police of the county it names."))
        return redirect(item)
    AuditEvent.record(request, AuditEvent.EXPORT, item.stay.person, target=item, document="clue-letter.pdf",
                      county=letter.county.code)
    return pdf_response(documents.clue_letter_pdf(letter), f"clues-{item.stay.person.file_no}.pdf")


@login_required
@permission_required("tracing.view_interview", raise_exception=True)
def audio(request, pk):
    """The interview's recording, served only to the person's station, each listening audited."""
    item = interview_for(request.user, pk)
    if not item.audio:
        raise Http404
    AuditEvent.record(request, AuditEvent.VIEW, item.stay.person, target=item.audio.name, document="interview-audio")
    content_type = mimetypes.guess_type(item.audio.name)[0] or "application/octet-stream"
    return private(FileResponse(item.audio.open("rb"), content_type=content_type))
