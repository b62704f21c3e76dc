"""The people list and the intake (a new file, or a new stay on a returning person's file)."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.pagination import CappedPaginator

from .. import hooks
from ..forms import (
    PersonForm,
    StayForm,
    parse_uuid,
)
from ..held_scans import drop_held_scan, hold_scan, with_held_scan
from ..models import (
    ArrivalRefused,
    AuditEvent,
    Stay,
    StayState,
)
from ..selectors import filtered_people, person_for
from ..services import (
    register_arrival,
)


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def people(request):
    form, rows, counted = filtered_people(request.user, request.GET)
    page = CappedPaginator(rows, 50, count_from=counted).get_page(request.GET.get("page"))
    # Who listed or searched whom (an ID-number search included): the filters and the files shown.
    AuditEvent.record(request, AuditEvent.LIST, target="people", filters={k: v for k, v in request.GET.items() if v},
                      files=[p.file_no for p in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "shelter/people.html", {"form": form, "page": page, "query": query.urlencode(), "states": StayState.choices})


@login_required
@permission_required("shelter.add_stay", raise_exception=True)
def intake(request, pk=None):
    """Register an arrival: a new file, or a new stay on an existing file (a returning person)."""
    person = person_for(request.user, pk) if pk else None
    refusal = person.arrival_refusal() if person else None
    if refusal and person.merged_into_id:
        messages.info(request, refusal)
        return redirect(person.merged_into)
    if refusal:
        messages.error(request, refusal)
        return redirect(person)
    station = person.station if person else request.user.station
    if station is None:
        messages.error(request, _("Your account belongs to no station, so you cannot register arrivals."))
        return redirect("shelter:people")
    person_form = None if person else PersonForm(request.POST or None, prefix="p")
    files, held = with_held_scan(request, "s-handover_document")
    stay_form = StayForm(request.POST or None, files or None, prefix="s", station=station)
    if request.method == "POST":
        token = parse_uuid(request.POST.get("s-intake_token"))
        existing = Stay.objects.filter(intake_token=token).select_related("person").first() if token else None
        if existing:
            # A second click on the same form: the arrival is already registered once.
            messages.info(request, _("This arrival was already registered; it was not entered twice."))
            return redirect(existing.person)
        if (person_form is None or person_form.is_valid()) and stay_form.is_valid():
            new_person = person or person_form.instance
            # A new file: is it a person registered before, here or at another station?
            duplicates = [] if person else hooks.possible_duplicates(new_person)
            if duplicates and not request.POST.get("not_duplicate"):
                for duplicate in duplicates:  # part of each earlier file is shown: audited like a read
                    AuditEvent.record(request, AuditEvent.VIEW, duplicate.person, duplicate_check=True)
                messages.warning(request, _("This may be a person registered before: check the files below. "
                                            "Nothing was registered yet, and nothing you typed was lost."))
                return render(request, "shelter/intake.html", {
                    "person": person, "person_form": person_form, "stay_form": stay_form, "duplicates": duplicates,
                    "held_scan": hold_scan(request, stay_form, "handover_document", held)})
            try:
                stay = register_arrival(
                    person=new_person, stay=stay_form.instance, belongings=stay_form.belongings(),
                    by=request.user, token=stay_form.cleaned_data.get("intake_token"), duplicates=duplicates,
                    identity_basis=stay_form.cleaned_data.get("identity_basis") or "",
                    identity_reference=stay_form.cleaned_data.get("identity_reference") or "",
                )
            except (IntegrityError, ArrivalRefused):
                # Another desk was quicker: with this very form (the token), or with this person.
                existing = Stay.objects.filter(intake_token=token).select_related("person").first()
                if existing:
                    messages.info(request, _("This arrival was already registered; it was not entered twice."))
                    return redirect(existing.person)
                refusal = person.arrival_refusal() if person else None
                if refusal:
                    messages.error(request, refusal)
                    return redirect(person)
                raise
            AuditEvent.record(request, AuditEvent.CREATE, stay.person, target=stay, new_file=person is None)
            drop_held_scan(request, held)
            if stay_form.cleaned_data.get("identity_basis"):
                messages.info(request, _("The identity counts as confirmed once someone else has checked its basis "
                                         "(the list of second checks); until then the tracing clocks run."))
            if stay.handover_missing:
                messages.warning(request, HANDOVER_MISSING)
            if stay.late:
                messages.warning(request, _("Registered, but more than 24 hours after the arrival: the entry is flagged late."))
            else:
                messages.success(request, _("Arrival registered: file %(file)s.") % {"file": stay.person.file_no})
            return redirect(stay.person)
        messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    return render(request, "shelter/intake.html", {
        "person": person, "person_form": person_form, "stay_form": stay_form,
        "held_scan": hold_scan(request, stay_form, "handover_document", held) if request.method == "POST" else None,
    })


HANDOVER_MISSING = gettext_lazy("Brought by the police without the handover form's number and scan: ask the "
                                "police for the form and add it to the stay.")


@login_required
def home(request):
    """Each user lands on the first page an app offers for their permissions (hooks.HOME_PAGES:
    supervisors on the deadline board), everyone else on the people list."""
    for permission, url_name in hooks.HOME_PAGES:
        if request.user.has_perm(permission):
            try:
                return redirect(reverse(url_name))
            except NoReverseMatch:
                continue
    return redirect("shelter:people")
