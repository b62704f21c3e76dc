"""Views of the station register. Thin: the rules are on the models, transitions go through
lib.workflow.apply(), every read or change of a file is written to the audit log."""

import base64
import csv
import datetime
import io
import json
import mimetypes
import os
import uuid
from urllib.parse import urlencode

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lib import workflow
from lib.http import private
from lib.pagination import CappedPaginator

from . import documents, hooks, timeline
from .forms import (
    AuditFilterForm,
    CorrectionForm,
    DeathForm,
    DeathReportSendingForm,
    DepartureForm,
    HandoverForm,
    MergeForm,
    PersonFilterForm,
    PersonForm,
    RefuseTransferForm,
    ServiceForm,
    StayForm,
    StayReviewForm,
    TransferAcceptForm,
    TwoFactorCodeForm,
    parse_uuid,
)
from .models import (
    DOCUMENT_EXTENSIONS,
    ArrivalRefused,
    AuditEvent,
    Death,
    Departure,
    LateEntryError,
    MergeError,
    Notification,
    Person,
    ReviewError,
    Service,
    Stay,
    StayState,
    Transfer,
    TransferState,
    User,
    age_overlaps,
)
from .selectors import person_for, sent_stay, stay_for, transfer_for
from .services import (
    ServiceRefused,
    TwoFactorRefused,
    accept_transfer,
    add_handover,
    admit_stay,
    correct_file,
    depart_stay,
    mark_late_seen,
    mark_read,
    merge_files,
    record_death,
    record_death_report_sending,
    record_review,
    record_service,
    refuse_transfer,
    register_arrival,
    switch_two_factor,
    two_factor_device,
    unlock_account,
)
from .steps import refused, take_step, then


def locked_out(request, response, credentials):
    """What django-axes shows at a locked log-in (the site's or the admin's): in the user's language."""
    return render(request, "registration/locked.html", {"minutes": settings.LOGIN_LOCKOUT_MINUTES}, status=429)


@login_required
@permission_required("shelter.unlock_account", raise_exception=True)
def locked_accounts(request):
    """Accounts locked after failed log-ins: a supervisor unlocks their station's, an administrator any."""
    users = User.objects.all() if request.user.sees_all_stations else User.objects.filter(station=request.user.station_id)
    names = set(users.values_list("username", flat=True))
    attempts = AccessAttempt.objects.order_by("-attempt_time")
    if not request.user.sees_all_stations:
        attempts = attempts.filter(username__in=names)
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username not in names:
            raise Http404
        unlocked = unlock_account(username=username)
        AuditEvent.record(request, AuditEvent.CHANGE, target=f"account {username}", unlocked=unlocked)
        messages.success(request, _("%(user)s can log in again.") % {"user": username})
        return redirect("shelter:locked")
    rows = [{"attempt": a, "known": a.username in names,
             "locked": a.failures_since_start >= settings.LOGIN_MAX_FAILURES} for a in attempts[:200]]
    return render(request, "shelter/locked.html", {"rows": rows})


@login_required
@permission_required("shelter.view_auditevent", raise_exception=True)
def audit_log(request):
    """Who looked at which file, searched, exported or changed what, and who was refused or failed to
    log in: the station's own log (administrators: every station's), filterable, exportable as CSV."""
    form = AuditFilterForm(request.GET or None)
    events = form.filter(AuditEvent.objects.for_user(request.user).select_related("user", "person", "station"))
    if request.GET.get("format") == "csv":
        AuditEvent.record(request, AuditEvent.EXPORT, target="audit log", document="audit.csv",
                          filters={k: v for k, v in request.GET.items() if v and k != "format"})
        return audit_csv(events[:50_000])
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    AuditEvent.record(request, AuditEvent.LIST, target="audit log", filters={k: v for k, v in request.GET.items() if v})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "shelter/audit.html", {"form": form, "page": page, "query": query.urlencode(),
                                                  "actions": dict(AuditEvent.ACTIONS)})


def audit_csv(events):
    """UTF-8 with a byte-order mark, so that a spreadsheet opens the Chinese correctly."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    actions = dict(AuditEvent.ACTIONS)
    writer.writerow([_("time"), _("user"), _("station"), _("what"), _("file number"), _("target"), _("network address"),
                     _("page"), _("detail")])
    for e in events:
        writer.writerow([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.user.username if e.user else "",
                         e.station.code if e.station else "", str(actions.get(e.action, e.action)),
                         e.person.file_no if e.person else "", e.target, e.ip or "", e.path,
                         json.dumps(e.detail, ensure_ascii=False)])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return private(response)


@login_required
def two_factor(request):
    """Turn two-factor sign-in on (scan the code with an authenticator app, type the code it shows) or
    off (with a current code). Recommended for supervisors, station heads and administrators."""
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            on = switch_two_factor(user=request.user, code=form.cleaned_data["code"])
        except TwoFactorRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            AuditEvent.record(request, AuditEvent.CHANGE, target=f"two-factor {request.user.username}",
                              two_factor="on" if on else "off")
            messages.success(request, _("Two-factor sign-in is on: from now on the log-in asks for the code.") if on
                             else _("Two-factor sign-in is off."))
            return redirect("shelter:two_factor")
    device = two_factor_device(user=request.user)
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "shelter/two_factor.html", {
        "device": device, "form": form, "qr": None if device.confirmed else segno.make(device.config_url).svg_data_uri(scale=4),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })


def admin_login(request):
    """The admin logs in through the site's own form: one lockout and one two-factor check for every way in."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


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


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def people(request):
    form = PersonFilterForm(request.GET or None)
    # A merged file is kept but not listed: its stays are on the file it was merged into.
    files = Person.objects.for_user(request.user).filter(merged_into__isnull=True)
    qs, counted = files.with_current_stay().select_related("station"), files
    if form.is_valid():
        qs, counted = filter_people(qs, form.cleaned_data), filter_people(counted, form.cleaned_data, counting=True)
    qs = qs.order_by(models.F("last_arrived_at").desc(nulls_last=True), "-pk")
    page = CappedPaginator(qs, 50, count_from=counted).get_page(request.GET.get("page"))
    # Who listed or searched whom (an ID-number search included): the filters and the files shown.
    AuditEvent.record(request, AuditEvent.LIST, target="people", filters={k: v for k, v in request.GET.items() if v},
                      files=[p.file_no for p in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "shelter/people.html", {"form": form, "page": page, "query": query.urlencode(), "states": StayState.choices})


def filter_people(qs, data, counting=False):
    """The list's filters. The state is the latest stay's: the page reads it from the annotation of
    with_current_stay (the database works it out for the rows it walks, newest first, until the page is
    full); `counting` asks it as EXISTS on the stay of the file's last arrival, which the database joins
    in one go (bench_pages: 70 ms where a subquery per file took 320 ms)."""
    if data["q"]:
        q = data["q"].strip()
        qs = qs.filter(
            models.Q(name__icontains=q) | models.Q(aliases__icontains=q) | models.Q(file_no__icontains=q)
            | models.Q(id_number__iexact=q.upper())
        )
    if data["state"] and counting:
        qs = qs.filter(models.Exists(Stay.objects.filter(
            person=models.OuterRef("pk"), arrived_at=models.OuterRef("last_arrived_at"), state=data["state"])))
    elif data["state"]:
        qs = qs.filter(current_state=data["state"])
    if data["sex"]:
        qs = qs.filter(sex=data["sex"])
    if data["age"] is not None:
        qs = qs.filter(age_overlaps(data["age"]))
    # A stay in the period: its days are the station's (local midnight to midnight), compared as times so
    # that the index on arrived_at serves, and asked with EXISTS rather than a join made distinct.
    arrived = {}
    if data["arrived_from"]:
        arrived["arrived_at__gte"] = start_of_day(data["arrived_from"])
    if data["arrived_to"]:
        arrived["arrived_at__lt"] = start_of_day(data["arrived_to"] + datetime.timedelta(days=1))
    if arrived:
        qs = qs.filter(models.Exists(Stay.objects.filter(person=models.OuterRef("pk"), **arrived)))
    return qs


def start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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


# A scan chosen on a form that comes back (an error elsewhere, the duplicate warning) is held on the server
# for this session, shown as "attached: name.pdf" with a box to remove it, and used when the form is sent
# again without a new file. Held files are under HELD_DIR of the default storage, named by a random id.
HELD_SESSION_KEY = "held_scans"
HELD_DIR = "held"


def with_held_scan(request, name):
    """The request's files, with the held scan in `name` when the form sent back its id (and no new file
    and no "remove"); and the held scan's record (or None)."""
    if request.method != "POST":
        return request.FILES, None
    held = request.session.get(HELD_SESSION_KEY, {}).get(request.POST.get(f"{name}-held", ""))
    if held is None:
        return request.FILES, None
    if request.POST.get(f"{name}-held-remove") or name in request.FILES:
        drop_held_scan(request, held)
        return request.FILES, None
    try:
        with default_storage.open(held["path"]) as f:
            data = f.read()
    except OSError:
        drop_held_scan(request, held)
        return request.FILES, None
    files = request.FILES.copy()
    files[name] = SimpleUploadedFile(held["name"], data, held["type"])
    return files, held


def hold_scan(request, form, field, held):
    """Keep the form's scan (if it passed its own checks) for the next submission: {id, name} or None."""
    upload = form.files.get(form.add_prefix(field))
    if upload is None or form.errors.get(field):
        if held is not None and upload is None:
            drop_held_scan(request, held)
        return None
    if held is not None:
        return held
    upload.seek(0)
    key = uuid.uuid4().hex
    path = default_storage.save(f"{HELD_DIR}/{key}", ContentFile(upload.read()))
    held = {"id": key, "name": os.path.basename(upload.name)[:100], "type": upload.content_type or "", "path": path}
    request.session[HELD_SESSION_KEY] = {**request.session.get(HELD_SESSION_KEY, {}), key: held}
    return held


def drop_held_scan(request, held):
    if held is None:
        return
    default_storage.delete(held["path"])
    scans = dict(request.session.get(HELD_SESSION_KEY, {}))
    scans.pop(held["id"], None)
    request.session[HELD_SESSION_KEY] = scans


HANDOVER_MISSING = gettext_lazy("Brought by the police without the handover form's number and scan: ask the "
                                "police for the form and add it to the stay.")


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
    """A long-stay review: reviewer, decision, next review date (StayReview.record holds the rule)."""
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
    return render(request, template, {"stay": stay, "person": stay.person, "form": form})


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def death_report(request, pk):
    """The death report of a stay: the PDF to send up the chain, and when and to whom it was sent."""
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
    return render(request, "shelter/death_report.html", {
        "stay": stay, "person": stay.person, "death": death, "form": form,
        "sendings": death.sendings.select_related("entered_by")})


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def death_report_pdf(request, pk):
    stay = stay_for(request.user, pk)
    death = get_object_or_404(Death, stay=stay)
    AuditEvent.record(request, AuditEvent.EXPORT, stay.person, target=death, document="death-report.pdf")
    response = HttpResponse(documents.death_report_pdf(death), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="death-report-{stay.person.file_no}.pdf"'
    return private(response)


@login_required
def document(request, kind, pk):
    """An uploaded scan, served only to the person's station, and audited."""
    if kind == "handover":
        obj = get_object_or_404(Stay.objects.for_user(request.user), pk=pk)
        f, person = obj.handover_document, obj.person
    elif kind == "death":
        obj = get_object_or_404(Death.objects.filter(stay__in=Stay.objects.for_user(request.user)), pk=pk)
        f, person = obj.proof, obj.stay.person
    else:
        raise Http404
    if not f:
        raise Http404
    AuditEvent.record(request, AuditEvent.VIEW, person, target=f.name, document=kind)
    # Only the kinds an upload may be (DOCUMENT_EXTENSIONS) are shown in the browser; anything else,
    # e.g. a file from before that rule, is downloaded, never rendered as a page of this site.
    content_type = mimetypes.guess_type(f.name)[0]
    shown = content_type in SHOWN_TYPES and f.name.rsplit(".", 1)[-1].lower() in DOCUMENT_EXTENSIONS.allowed_extensions
    response = FileResponse(f.open("rb"), content_type=content_type if shown else "application/octet-stream",
                            as_attachment=not shown)
    return private(response)


SHOWN_TYPES = {"application/pdf", "image/jpeg", "image/png"}


LATE_KINDS = {"arrival": Stay, "service": Service, "departure": Departure, "death": Death}


def late_label(kind):
    return {"arrival": _("arrival"), "service": _("service"), "departure": _("departure"), "death": _("death")}[kind]


@login_required
def late_entries(request):
    """Entries made more than LATE_ENTRY_HOURS after the event, with the reason typed: what a supervisor
    must look into. Listed until a supervisor marks them seen (?seen=1 lists those seen too)."""
    if not request.user.has_perm("shelter.view_auditevent"):
        raise PermissionDenied
    show_seen = request.GET.get("seen") == "1"
    stays = Stay.objects.for_user(request.user)
    rows = []
    for kind, model in LATE_KINDS.items():
        qs = model.objects.filter(late=True).select_related("entered_by", "late_seen_by")
        if not show_seen:
            qs = qs.filter(late_seen_at__isnull=True)
        if model is Stay:
            qs = qs.filter(pk__in=stays).select_related("person")
        else:
            qs = qs.filter(stay__in=stays).select_related("stay__person")
        for entry in qs.order_by("-entered_at")[:200]:
            stay = entry if model is Stay else entry.stay
            rows.append({"kind": kind, "label": late_label(kind), "entry": entry, "person": stay.person})
    rows.sort(key=lambda r: r["entry"].entered_at, reverse=True)
    return render(request, "shelter/late.html", {
        "rows": rows, "late_hours": settings.LATE_ENTRY_HOURS, "show_seen": show_seen,
        "can_mark": request.user.has_perm("shelter.review_late_entry"),
    })


@login_required
@require_POST
def late_seen(request, kind, pk):
    """A supervisor has seen a late entry and its reason: it leaves the list."""
    model = LATE_KINDS.get(kind)
    if model is None:
        raise Http404
    stays = Stay.objects.for_user(request.user)
    qs = model.objects.filter(pk__in=stays) if model is Stay else model.objects.filter(stay__in=stays)
    entry = get_object_or_404(qs.filter(late=True), pk=pk)
    try:
        marked = mark_late_seen(entry=entry, by=request.user)
    except LateEntryError as e:
        raise PermissionDenied(e.message) from None
    stay = entry if model is Stay else entry.stay
    if marked:
        AuditEvent.record(request, AuditEvent.CHANGE, stay.person, target=entry, late_entry_seen=kind)
        messages.success(request, _("Marked as seen: %(what)s of %(person)s.") % {
            "what": late_label(kind), "person": stay.person})
    else:
        messages.info(request, _("This late entry was already marked as seen."))
    return redirect("shelter:late")


@login_required
@permission_required("shelter.view_person", raise_exception=True)
def transfers(request):
    """Transfers between stations: those waiting for this station, and those it sent or received."""
    qs = Transfer.objects.for_user(request.user).select_related("person", "from_station", "to_station")
    station = request.user.station_id
    return render(request, "shelter/transfers.html", {
        "waiting": [t for t in qs.filter(state=TransferState.PROPOSED) if request.user.sees_all_stations
                    or t.to_station_id == station],
        "transfers": qs[:100],
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


@login_required
def notifications(request):
    """The user's notifications, the unread ones marked until opened or marked read."""
    items = Notification.objects.filter(user=request.user)[:100]
    return render(request, "shelter/notifications.html", {"items": items})


@login_required
def notification_open(request, pk):
    """Open one notification: it is read now, and the user goes to its record (or back to the list)."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    mark_read(user=request.user, pks=[note.pk])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("shelter:notifications")


@login_required
@require_POST
def notifications_read(request):
    """Mark one notification (`pk`) or all of the user's notifications read."""
    pk = request.POST.get("pk")
    mark_read(user=request.user, pks=[pk] if pk and pk.isdigit() else None)
    return redirect("shelter:notifications")


@login_required
def notification_badge(request):
    """The header's unread count, polled by htmx on every page (no audit: it shows only a number)."""
    return render(request, "shelter/_badge.html")
