"""Transfers between stations: the list, and one transfer with the receiving station's decision."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms import (
    RefuseTransferForm,
    TransferAcceptForm,
)
from ..models import (
    AuditEvent,
    Person,
    Transfer,
    TransferState,
)
from ..selectors import sent_stay, transfer_for
from ..services import (
    accept_transfer,
    refuse_transfer,
)
from ..steps import take_step


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def transfers(request):
    """Transfers between stations: those waiting for this station, and those it sent or received."""
    qs = Transfer.objects.for_user(request.user).select_related("person", "from_station", "to_station")
    station = request.user.station_id
    listed = list(qs[:100])
    AuditEvent.record(request, AuditEvent.LIST, target="transfers", files=[t.person.file_no for t in listed])
    return render(request, "shelter/transfers.html", {
        "waiting": [t for t in qs.filter(state=TransferState.PROPOSED) if request.user.sees_all_stations
                    or t.to_station_id == station],
        "transfers": listed,
    })


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def transfer(request, pk):
    """One transfer: the sending station's record of the stay (read-only for both stations), and for the
    receiving station the accept and refuse forms (Transfer.accept / refuse hold the rules)."""
    transfer = transfer_for(request.user, pk)
    deciding = (transfer.state == TransferState.PROPOSED and request.user.has_perm("shelter.receive_transfer")
                and transfer.of_receiving_station(request.user))
    accept_form = refuse_form = None
    if deciding:
        data = request.POST or None
        accept_form = TransferAcceptForm(data if request.POST.get("step") == "accept" else None, transfer=transfer)
        refuse_form = RefuseTransferForm(data if request.POST.get("step") == "refuse" else None)
    if request.method == "POST":
        if not deciding:
            raise PermissionDenied
        step = request.POST.get("step")
        form = accept_form if step == "accept" else refuse_form if step == "refuse" else None
        if form is None:
            raise Http404
        if form.is_valid():
            kwargs = ({"service": accept_transfer, "stay": form.instance} if step == "accept"
                      else {"service": refuse_transfer, "reason": form.cleaned_data["reason"]})
            done = (_("Transfer accepted: the file is now this station's, with its history and tracing case.")
                    if step == "accept" else _("Transfer refused; the sending station is told why."))
            if take_step(request, transfer, step, person=transfer.person, form=form, done=done, transfer=transfer,
                         **kwargs):
                return redirect(transfer.person if step == "accept" else transfer)
        else:
            messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    AuditEvent.record(request, AuditEvent.VIEW, transfer.person, target=transfer, transfer=True)
    stay = sent_stay(transfer)
    return render(request, "shelter/transfer.html", {
        "transfer": transfer, "stay": stay, "person": transfer.person, "accept_form": accept_form,
        "refuse_form": refuse_form,
        "can_open_file": Person.objects.for_user(request.user).filter(pk=transfer.person_id).exists(),
    }, status=400 if request.method == "POST" else 200)
