"""Judging a match: confirm or reject a family report's candidate, or dismiss a duplicate-file warning.
Each decision comes with its reason and is taken at the station where the resident lives."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.http import next_url
from shelter.models import AuditEvent
from shelter.steps import take_step, then

from .. import services
from ..forms.review import ConfirmForm, DismissForm, ReasonForm
from ..selectors import candidate_for_review, warning_for


def back(request, default):
    """Where to return after a step taken from the report page or from a person's file."""
    return redirect(next_url(request, default))


@login_required
@permission_required("family.review_candidate", raise_exception=True)
@require_POST
def review(request, pk, name):
    """Confirm or reject a candidate, with a reason: only at the station where the resident lives."""
    candidate = candidate_for_review(request.user, pk)
    if name not in ("confirm", "reject"):
        return back(request, candidate.report)
    form = (ConfirmForm if name == "confirm" else ReasonForm)(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for your decision; nothing was changed."))
        return back(request, candidate.report)
    reason = form.cleaned_data["reason"]
    step = {"channel": form.cleaned_data["channel"], "facts": form.cleaned_data["facts"],
            "awaiting": form.cleaned_data["awaiting"]} if name == "confirm" else {}
    if name == "confirm":
        # Who is told, by name: the staff in charge may be nobody, and then the supervisors are (issue 25).
        told = ", ".join(str(user) for user in candidate.recipients())
        done = _("Confirmed: report %(ref)s is %(name)s (file %(file)s). The tracing case is marked “family found”; "
                 "notified: %(told)s.") % {"ref": candidate.report.reference, "name": candidate.person.display_name,
                                           "file": candidate.person.file_no, "told": told or "-"}
    else:
        done = _("Rejected: this resident will not be proposed again for report %(ref)s.") % {
            "ref": candidate.report.reference}
    service = services.confirm_candidate if name == "confirm" else services.reject_candidate
    outcome = take_step(request, candidate, name, person=candidate.person, done=done,
                        audit={"report": candidate.report.reference, "reason": reason, **step}, service=service,
                        candidate=candidate, reason=reason, **step)
    return then(request, outcome, back(request, candidate.report))


@login_required
@permission_required("shelter.merge_person", raise_exception=True)
@require_POST
def dismiss_duplicate(request, pk):
    """Two files are different people: the warning is closed with the reason."""
    warning = warning_for(request.user, pk)
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason why these are two different people."))
        return back(request, warning.person)
    reason = form.cleaned_data["reason"]
    outcome = take_step(request, warning, "dismiss", person=warning.person, action=AuditEvent.CHANGE,
                        done=_("Noted: these are two different people."),
                        audit={"duplicate": "dismissed", "other": warning.other.file_no, "reason": reason},
                        service=services.dismiss_duplicate, warning=warning, reason=reason,
                        awaiting=form.cleaned_data["awaiting"])
    return then(request, outcome, back(request, warning.person))
