"""A person's file and the steps on its stays: correction, merge, admission, services, the handover
form, reviews, departure and death, the death report, the scans."""

import mimetypes
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib import workflow
from lib.http import download

from .. import documents, printed_forms, timeline
from ..forms import (
    BODY_STEP_FORMS,
    BodyForm,
    CorrectionForm,
    DeathBelongingsForm,
    DeathForm,
    DeathReportSendingForm,
    DepartureForm,
    HandoverForm,
    MergeForm,
    ServiceForm,
    StayReviewForm,
)
from ..models import (
    DOCUMENT_EXTENSIONS,
    AuditEvent,
    Body,
    BodyState,
    Death,
    MergeError,
    Person,
    ReviewError,
    Stay,
)
from ..selectors import person_for, stay_for
from ..services import (
    ServiceRefused,
    add_handover,
    admit_stay,
    body_step,
    correct_file,
    count_out_belongings,
    depart_stay,
    merge_files,
    record_body,
    record_death,
    record_death_report_sending,
    record_referrer_letter,
    record_review,
    record_service,
)
from ..steps import refused, take_step, then


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def person(request, pk):
    person = person_for(request.user, pk)
    AuditEvent.record(request, AuditEvent.VIEW, person)
    stays = list(person.stays.select_related("staff_in_charge").prefetch_related("belongings", "reviews__reviewer"))
    for stay in stays:
        stay.actions = [a for a in workflow.available(stay, request.user) if a[0] == "admit"]
        stay.can_depart = stay.is_open and request.user.has_perm("shelter.discharge_stay")
        stay.can_die = stay.is_open and request.user.has_perm("shelter.record_death")
        stay.can_review = stay.is_open and request.user.has_perm("shelter.review_stay")
        stay.printed_forms = [(slug, printed_forms.FORMS[slug]) for slug in printed_forms.available(stay)]
    return render(request, "shelter/person.html", {
        "person": person,
        "stays": stays,
        "events": timeline.for_person(person),
        "service_form": ServiceForm(prefix="svc"),
        "panels": timeline.panels(),
        "now": timezone.now(),
    })


@login_required
@permission_required("shelter.change_person", raise_exception=True)
def correct(request, pk):
    """Correct the file. The old values stay in the audit log with the reason; nothing is overwritten unseen."""
    person = person_for(request.user, pk)
    if request.method != "POST":
        AuditEvent.record(request, AuditEvent.VIEW, person, page="correction")  # the whole file, in a form
    before = model_to_dict(person, fields=Person.TRACKED_FIELDS)
    form = CorrectionForm(request.POST or None, instance=person)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                person = correct_file(person=form.instance)
                changes = AuditEvent.record_changes(request, person, before, form.cleaned_data["reason"])
            if changes:
                messages.success(request, _("The file was corrected; the previous values are kept in its history."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(person)
        messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    return render(request, "shelter/correct.html", {"person": person, "form": form})


@login_required
@permission_required("shelter.merge_person", raise_exception=True)
def merge(request, pk, other):
    """Two files of this station are one person: the chosen file survives, the other is kept, marked
    merged into it (Person.merge_into holds the rule)."""
    files = [person_for(request.user, pk), person_for(request.user, other)]
    form = MergeForm(request.POST or None, files=files)
    if request.method == "POST" and form.is_valid():
        survivor = form.cleaned_data["survivor"]
        merged = next(p for p in files if p.pk != survivor.pk)
        try:
            moved = merge_files(merged=merged, survivor=survivor, by=request.user, reason=form.cleaned_data["reason"])
        except MergeError as e:
            messages.error(request, e.message)
        else:
            for person, detail in ((merged, {"merged_into": survivor.file_no}), (survivor, {"merged_from": merged.file_no})):
                AuditEvent.record(request, AuditEvent.TRANSITION, person, transition="merge", stays_moved=moved,
                                  reason=merged.merge_reason, **detail)
            messages.success(request, _("File %(merged)s was merged into %(survivor)s; its history moved with it.") % {
                "merged": merged.file_no, "survivor": survivor.file_no})
            return redirect(survivor)
    elif request.method == "POST":
        messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    for person in files:
        AuditEvent.record(request, AuditEvent.VIEW, person, merge_page=True)
    return render(request, "shelter/merge.html", {"files": [(p, list(p.stays.all())) for p in files], "form": form})


@login_required
@permission_required("shelter.admit_stay", raise_exception=True)
@require_POST
def transition(request, pk, name):
    """Run a transition that needs no form (admit). Refusals come back as a message on the file."""
    stay = stay_for(request.user, pk)
    if name not in ("admit",):
        raise Http404
    outcome = take_step(request, stay, name, person=stay.person, service=admit_stay, stay=stay,
                        reason=request.POST.get("reason", ""))
    return then(request, outcome, redirect(stay.person))


@login_required
@permission_required("shelter.add_service", raise_exception=True)
@require_POST
def add_service(request, pk):
    stay = stay_for(request.user, pk)
    form = ServiceForm(request.POST, prefix="svc", stay=stay)
    refusal = stay.service_refusal()
    if refusal:
        messages.error(request, refusal)
    elif form.is_valid():
        try:
            service = record_service(stay=stay, service=form.instance, by=request.user)
        except ServiceRefused as e:  # the stay ended meanwhile
            messages.error(request, e.message)
            return redirect(stay.person)
        AuditEvent.record(request, AuditEvent.CREATE, stay.person, target=service)
        messages.success(request, _("Service recorded: %(kind)s.") % {"kind": service.get_kind_display()})
    else:
        # Shown again on its own page, each message beside its field, nothing typed lost.
        messages.error(request, _("The service was not recorded: please correct the fields marked below; "
                                  "nothing you typed was lost."))
        return render(request, "shelter/service.html", {"stay": stay, "person": stay.person, "form": form}, status=400)
    return redirect(stay.person)


@login_required
@permission_required("shelter.change_stay", raise_exception=True)
def handover(request, pk):
    """Add the police's handover form (number and scan) to a stay registered without it."""
    stay = stay_for(request.user, pk)
    form = HandoverForm(request.POST or None, request.FILES or None, instance=stay)
    if request.method == "POST":
        if form.is_valid():
            stay = add_handover(stay=stay, handover_ref=form.cleaned_data["handover_ref"],
                                handover_document=form.instance.handover_document)
            AuditEvent.record(request, AuditEvent.CHANGE, stay.person, target=stay, handover=stay.handover_ref)
            messages.success(request, _("Handover form added."))
            return redirect(stay.person)
        messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    return render(request, "shelter/handover.html", {"stay": stay, "person": stay.person, "form": form})


@login_required
@permission_required("shelter.review_stay", raise_exception=True)
def review(request, pk):
    """A long-stay review: reviewer, decision, next review date (shelter.services.record_review)."""
    stay = stay_for(request.user, pk)
    form = StayReviewForm(request.POST or None, stay=stay)
    if request.method == "POST":
        if form.is_valid():
            try:
                review = record_review(review=form.instance, by=request.user)
            except ReviewError as e:
                form.add_error(None, e.message)
            except ValidationError as e:
                refused(request, form, e)
            else:
                AuditEvent.record(request, AuditEvent.CREATE, stay.person, target=review, review=review.decision)
                messages.success(request, _("Review recorded: %(decision)s.") % {"decision": review.get_decision_display()})
                return redirect(stay.person)
        messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    return render(request, "shelter/review.html", {"stay": stay, "person": stay.person, "form": form})


@login_required
@permission_required("shelter.discharge_stay", raise_exception=True)
def depart(request, pk):
    return ending(request, pk, DepartureForm, "depart", "shelter/depart.html")


@login_required
@permission_required("shelter.record_death", raise_exception=True)
def death(request, pk):
    return ending(request, pk, DeathForm, "die", "shelter/death.html")


def ending(request, pk, form_class, name, template):
    """Departure and death: a form whose record the transition saves, in one transaction."""
    stay = stay_for(request.user, pk)
    form = form_class(request.POST or None, request.FILES or None, stay=stay)
    if request.method == "POST":
        if form.is_valid():
            if name == "depart":
                record = {"service": depart_stay, "departure": form.instance, "counted_out": form.counted_out()}
            else:
                record = {"service": record_death, "death": form.instance}
            outcome = take_step(request, stay, name, person=stay.person, form=form, stay=stay, **record)
            if outcome:
                return redirect(stay.person)
            # Refused: shown above the form, with everything typed kept.
            status = 409 if outcome.refusal in ("workflow", "conflict") else 400
            return render(request, template, {"stay": stay, "person": stay.person, "form": form}, status=status)
        messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    elif not stay.is_open:
        messages.error(request, workflow.not_from_state(stay, workflow.label(stay, name)))
        return redirect(stay.person)
    else:  # the form shows the file's facts and belongings
        AuditEvent.record(request, AuditEvent.VIEW, stay.person, target=stay, page=name)
    return render(request, template, {"stay": stay, "person": stay.person, "form": form})


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def death_report(request, pk):
    """The death report of a stay: its deadline, the PDF to send up the chain and when and to whom it was
    sent; the unclaimed body; the belongings still to count out."""
    stay = stay_for(request.user, pk)
    death = get_object_or_404(Death, stay=stay)
    can_record = request.user.has_perm("shelter.record_death")
    form = DeathReportSendingForm(request.POST or None, death=death) if can_record else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            sending = record_death_report_sending(sending=form.instance, by=request.user)
            AuditEvent.record(request, AuditEvent.CREATE, stay.person, target=sending, death_report_sent=sending.recipient_kind)
            messages.success(request, _("Recorded: the death report was sent to %(to)s.") % {"to": sending.recipient})
            return redirect("shelter:death_report", pk=stay.pk)
        messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
        return death_page(request, stay, death, form=form)
    AuditEvent.record(request, AuditEvent.VIEW, stay.person, target=death, page="death report")
    return death_page(request, stay, death, form=form)


def death_page(request, stay, death, status=200, **forms):
    """The death report's page with its forms (those given: one sent back with its errors)."""
    can_record = request.user.has_perm("shelter.record_death")
    body = Body.objects.filter(death=death).first()
    context = {"stay": stay, "person": stay.person, "death": death, "body": body, "now": timezone.now(),
               "sendings": death.sendings.select_related("entered_by"), "missing": death.report_missing(),
               "belongings": stay.belongings.all()}
    if can_record:
        context["form"] = forms.get("form") or DeathReportSendingForm(death=death)
        context["belongings_form"] = forms.get("belongings_form") or DeathBelongingsForm(stay=stay)
        if body is None:
            context["body_form"] = forms.get("body_form") or BodyForm(death=death)
        elif body.state == BodyState.KEPT:
            context["step_forms"] = [
                (name, workflow.label(body, name), forms.get(f"step_{name}") or form_class(prefix=name))
                for name, form_class in BODY_STEP_FORMS.items()]
    return render(request, "shelter/death_report.html", context, status=status)


@login_required
@permission_required("shelter.record_death", raise_exception=True)
@require_POST
def body(request, pk):
    """An unclaimed body recorded: where it is kept, the police told; its claim deadline starts."""
    stay = stay_for(request.user, pk)
    death = get_object_or_404(Death, stay=stay)
    if Body.objects.filter(death=death).exists():
        messages.error(request, _("The body is already recorded."))
        return redirect("shelter:death_report", pk=stay.pk)
    form = BodyForm(request.POST, death=death)
    if form.is_valid():
        try:
            kept = record_body(death=death, body=form.instance, by=request.user)
        except ValidationError as e:
            refused(request, form, e)
        else:
            AuditEvent.record(request, AuditEvent.CREATE, stay.person, target=kept, body_kept_at=kept.kept_at)
            messages.success(request, _("The body is recorded; its claim deadline is %(due)s.") % {
                "due": timezone.localtime(kept.claim_due_at).strftime("%Y-%m-%d %H:%M")})
            return redirect(reverse("shelter:death_report", args=[stay.pk]) + "#body")
    messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    return death_page(request, stay, death, body_form=form)


@login_required
@permission_required("shelter.record_death", raise_exception=True)
@require_POST
def body_step_view(request, pk, name):
    """A step on the unclaimed body: the notice for the unidentified deceased, the claim, the disposal."""
    stay = stay_for(request.user, pk)
    death = get_object_or_404(Death, stay=stay)
    kept = get_object_or_404(Body, death=death)
    if name not in BODY_STEP_FORMS:
        raise Http404
    form = BODY_STEP_FORMS[name](request.POST, request.FILES, prefix=name)
    if form.is_valid():
        record = {key: form.cleaned_data[key] for key in form.fields}
        outcome = take_step(request, kept, name, person=stay.person, form=form, service=body_step, body=kept,
                            step=name, **record)
        if outcome:
            return redirect(reverse("shelter:death_report", args=[stay.pk]) + "#body")
        return death_page(request, stay, death, status=outcome.status, **{f"step_{name}": form})
    messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    return death_page(request, stay, death, **{f"step_{name}": form})


@login_required
@permission_required("shelter.record_death", raise_exception=True)
@require_POST
def death_belongings(request, pk):
    """A dead person's belongings and cash counted out: to the family, the police, or kept with a reference."""
    stay = stay_for(request.user, pk)
    death = get_object_or_404(Death, stay=stay)
    form = DeathBelongingsForm(request.POST, stay=stay)
    if form.is_valid():
        try:
            items = count_out_belongings(stay=stay, counted_out=form.counted_out(), by=request.user)
        except ValidationError as e:
            refused(request, form, e)
        else:
            AuditEvent.record(request, AuditEvent.TRANSITION, stay.person, target=stay,
                              transition="count_out_belongings", belongings=[item.pk for item in items])
            messages.success(request, _("%(count)s item(s) counted out.") % {"count": len(items)})
            return redirect(reverse("shelter:death_report", args=[stay.pk]) + "#belongings")
    messages.error(request, _("Please correct the fields marked below; nothing you typed was lost."))
    return death_page(request, stay, death, belongings_form=form)


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def death_report_pdf(request, pk):
    stay = stay_for(request.user, pk)
    death = get_object_or_404(Death, stay=stay)
    AuditEvent.record(request, AuditEvent.EXPORT, stay.person, target=death, document="death-report.pdf")
    return download(documents.death_report_pdf(death), f"death-report-{stay.person.file_no}.pdf",
                    "application/pdf", inline=True)


@login_required
@permission_required("shelter.discharge_stay", raise_exception=True)
@require_POST
def referrer_letter(request, pk):
    """The letter back to the referring station sent after the departure: its number recorded (the
    return-home ledger stops chasing it)."""
    stay = stay_for(request.user, pk)
    departure = getattr(stay, "departure", None)
    if departure is None:
        raise Http404
    try:
        record_referrer_letter(departure=departure, reference=request.POST.get("reference", ""))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        AuditEvent.record(request, AuditEvent.CHANGE, stay.person, target=departure,
                          referrer_letter=departure.referrer_letter_no)
        messages.success(request, _("The letter back to the referring station is recorded."))
    return redirect(stay.person)


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def stay_form_pdf(request, pk, form):
    """One of the five standard forms of the stay (shelter.printed_forms), printed from the file; audited
    as an export. A form the stay cannot print yet (the departure's) is not found."""
    stay = stay_for(request.user, pk)
    if form not in printed_forms.available(stay):
        raise Http404
    AuditEvent.record(request, AuditEvent.EXPORT, stay.person, target=stay, document=f"{form}.pdf")
    return download(printed_forms.pdf_of(form, stay), f"{form}-{stay.person.file_no}.pdf", "application/pdf",
                    inline=True)


@login_required
def document(request, kind, pk):
    """An uploaded scan, served only to the person's station, and audited."""
    if kind == "handover":
        obj = get_object_or_404(Stay.objects.for_user(request.user), pk=pk)
        f, person = obj.handover_document, obj.person
    elif kind == "death":
        obj = get_object_or_404(Death.objects.filter(stay__in=Stay.objects.for_user(request.user)), pk=pk)
        f, person = obj.proof, obj.stay.person
    elif kind == "body":  # the proof of an unclaimed body's claim
        obj = get_object_or_404(Body.objects.filter(death__stay__in=Stay.objects.for_user(request.user)), pk=pk)
        f, person = obj.claim_proof, obj.death.stay.person
    else:
        raise Http404
    if not f:
        raise Http404
    AuditEvent.record(request, AuditEvent.VIEW, person, target=f.name, document=kind)
    # Only the kinds an upload may be (DOCUMENT_EXTENSIONS) are shown in the browser; anything else,
    # e.g. a file from before that rule, is downloaded, never rendered as a page of this site.
    content_type = mimetypes.guess_type(f.name)[0]
    shown = content_type in SHOWN_TYPES and f.name.rsplit(".", 1)[-1].lower() in DOCUMENT_EXTENSIONS.allowed_extensions
    return download(f.open("rb"), os.path.basename(f.name), content_type if shown else "application/octet-stream",
                    inline=shown)


SHOWN_TYPES = {"application/pdf", "image/jpeg", "image/png"}
