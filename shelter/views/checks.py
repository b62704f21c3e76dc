"""A second pair of eyes: the decisions of the station awaiting a second check, and that check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.errors import Refusal

from ..models import AuditEvent, CheckState, Decision
from ..selectors import second_check_for, second_checks_for
from ..services import record_check


@login_required
@permission_required("shelter.view_auditevent", raise_exception=True)
def checks(request):
    """Every decision of the list (Decision) that awaits a second check at the user's stations, oldest
    first; ?state=checked or rejected lists those judged."""
    state = request.GET.get("state")
    state = state if state in CheckState.values else CheckState.PENDING
    rows = list(second_checks_for(request.user, state)[:300])
    AuditEvent.record(request, AuditEvent.LIST, target="second checks", state=state, count=len(rows))
    return render(request, "shelter/checks.html", {
        "rows": rows, "state": state, "states": CheckState.choices, "decisions": Decision.choices,
        "can_check": request.user.has_perm("shelter.second_check"),
    })


@login_required
@require_POST
@permission_required("shelter.second_check", raise_exception=True)
def check(request, pk):
    """Someone other than the one who decided agrees, or does not (with a reason)."""
    second = second_check_for(request.user, pk)
    agreed = request.POST.get("agreed") == "1"
    try:
        record_check(check=second, by=request.user, agreed=agreed, reason=request.POST.get("reason", ""))
    except Refusal as e:
        messages.error(request, e.message)
        return redirect("shelter:checks")
    except ValidationError as e:  # a disagreement without its reason
        messages.error(request, " ".join(e.messages))
        return redirect("shelter:checks")
    AuditEvent.record(request, AuditEvent.CHANGE, target=second, second_check=second.decision, agreed=agreed)
    messages.success(request, _("Second check recorded: %(what)s.") % {"what": second.get_decision_display()})
    return redirect("shelter:checks")
