"""Portrait pages: capture (webcam or file), one portrait with its verdict, choosing the main one, and the
picture itself. Thin: the writes are face.services (take_portrait, choose_main), the rules on Portrait
(make_main); every look at a picture is audited."""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.http import private
from shelter.models import AuditEvent
from shelter.selectors import person_for

from .forms import MainPortraitForm, PortraitUploadForm
from .images import ImageRefused, thumbnail_jpeg
from .models import PortraitError, PortraitRefused
from .selectors import image_url, portrait_for, thumbnail_size
from .services import choose_main, take_portrait


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@login_required
@permission_required("face.add_portrait", raise_exception=True)
def capture(request, pk):
    """The webcam page; its shutter posts the frame here (fetch, JSON answer). The file form posts here
    too and works without JavaScript (redirect to the portrait's page)."""
    person = person_for(request.user, pk)
    form = PortraitUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        error = None
        if form.is_valid():
            f = form.cleaned_data["image"]
            try:
                portrait, report = take_portrait(person=person, data=f.read(), by=request.user,
                                                 source=form.cleaned_data["source"])
            except PortraitRefused as e:
                error = e.message
            else:
                AuditEvent.record(request, AuditEvent.CREATE, person, target=portrait, portrait=portrait.pk,
                                  accepted=report.accepted, reasons=report.reasons)
                portrait.refresh_from_db()  # the encoding may have been stored already (eager Celery)
                if wants_json(request):
                    return JsonResponse(verdict(portrait))
                if report.accepted:
                    messages.success(request, verdict_headline(portrait))
                else:
                    messages.error(request, verdict_headline(portrait))
                return redirect(portrait)
        else:
            error = " ".join(e for errors in form.errors.values() for e in errors)
        if wants_json(request):
            return JsonResponse({"error": error}, status=400)
        messages.error(request, error)
    return render(request, "face/capture.html", {
        "person": person, "form": form, "portraits": person.portraits.select_related("taken_by"),
        "camera_text": camera_text(),
    })


def camera_text():
    """The capture script's words, in the user's language."""
    return {
        "ready": _("Camera ready. Face inside the oval, then press “Take photo” or the space bar."),
        "checking": _("Checking the portrait…"),
        "no_camera": _("No camera could be opened. Check that one is plugged in and allowed in the browser, "
                       "or upload a photo file below."),
        "failed": _("The portrait could not be sent: check the connection and take it again."),
        "retake": _("Press “Retake” and take the portrait again."),
        "saved": _("Saved in the file. You can go back to the file, or retake."),
        "time": _("verdict in %(ms)s ms"),
    }


def verdict_headline(portrait):
    if portrait.accepted and portrait.is_main:
        return _("Portrait accepted: it is now the main portrait.")
    if portrait.accepted:
        return _("Portrait accepted.")
    return _("Portrait not usable for recognition. It was kept in the file; please take another.")


def verdict(portrait):
    """What the capture page shows after the shutter."""
    return {
        "id": portrait.pk,
        "accepted": bool(portrait.accepted),
        "headline": verdict_headline(portrait),
        "reasons": portrait.reasons,
        "messages": portrait.reason_messages,
        "measures": portrait.measures,
        "is_main": portrait.is_main,
        "encoded": portrait.encoded_at is not None,
        "url": portrait.get_absolute_url(),
        "image_url": image_url(portrait.pk, size=320),
    }


@login_required
@permission_required("face.view_portrait", raise_exception=True)
def portrait(request, pk):
    portrait = portrait_for(request.user, pk)
    AuditEvent.record(request, AuditEvent.VIEW, portrait.person, target=portrait, portrait=portrait.pk)
    return portrait_page(request, portrait, MainPortraitForm())


def measure_rows(measures):
    """(label, value, limit) of the stored measures, for the portrait's page."""
    s = settings
    rows = [
        (_("faces found"), measures.get("faces", measures.get("faces_detected")), _("exactly 1")),
        (_("distance between the eyes (pixels)"), measures.get("eye_distance"), f"≥ {s.FACE_MIN_EYE_DISTANCE:g}"),
        (_("sharpness"), measures.get("sharpness"), f"≥ {s.FACE_MIN_SHARPNESS:g}"),
        (_("brightness of the face (0-255)"), measures.get("brightness"),
         f"{s.FACE_MIN_BRIGHTNESS:g} – {s.FACE_MAX_BRIGHTNESS:g}"),
        (_("contrast of the face"), measures.get("contrast"), f"≥ {s.FACE_MIN_CONTRAST:g}"),
        (_("burnt-white share of the face"), measures.get("clipped"), f"≤ {s.FACE_MAX_CLIPPED:g}"),
        (_("head turned left/right (degrees)"), measures.get("yaw"), f"± {s.FACE_MAX_YAW:g}"),
        (_("head raised/lowered (degrees)"), measures.get("pitch"), f"± {s.FACE_MAX_PITCH:g}"),
        (_("head tilted (degrees)"), measures.get("roll"), f"± {s.FACE_MAX_ROLL:g}"),
        (_("space to the frame edge (eye distances)"), measures.get("margin"), f"≥ {s.FACE_MIN_MARGIN:g}"),
        (_("eye openness"), measures.get("eye_openness"), f"≥ {s.FACE_MIN_EYE_OPENNESS:g}"),
    ]
    return [row for row in rows if row[1] is not None]


@login_required
@permission_required("face.change_portrait", raise_exception=True)
@require_POST
def make_main(request, pk):
    portrait = portrait_for(request.user, pk)
    form = MainPortraitForm(request.POST)
    if form.is_valid():
        overriding = not portrait.accepted
        try:
            choose_main(portrait=portrait, by=request.user, reason=form.cleaned_data["reason"])
        except PortraitError as e:
            messages.error(request, e.message)
        else:
            AuditEvent.record(request, AuditEvent.TRANSITION, portrait.person, target=portrait, transition="make_main",
                              portrait=portrait.pk, override=overriding, reason=portrait.override_reason)
            messages.success(request, _("This is now the main portrait."))
            return redirect(portrait.person)
    # Refused: the same page again, with what was typed.
    return portrait_page(request, portrait, form, status=400)


def portrait_page(request, portrait, form, status=200):
    return render(request, "face/portrait.html", {
        "portrait": portrait, "person": portrait.person, "form": form, "measures": measure_rows(portrait.measures),
        "siblings": portrait.person.portraits.select_related("taken_by"),
    }, status=status)


@login_required
@permission_required("face.view_portrait", raise_exception=True)
def image(request, pk):
    """The picture, only to the person's station, audited. ?size=N: an upright JPEG of at most N pixels
    on its long side (thumbnails for the file, the notices, the supervisor's board)."""
    portrait = portrait_for(request.user, pk)
    size = thumbnail_size(request.GET.get("size"))
    AuditEvent.record(request, AuditEvent.VIEW, portrait.person, target=portrait, portrait=portrait.pk, picture=size or "full")
    if size:
        with portrait.image.open("rb") as f:
            try:
                response = HttpResponse(thumbnail_jpeg(f.read(), size), content_type="image/jpeg")
            except ImageRefused:
                response = None
        if response is not None:
            return private(response)
    content_type = mimetypes.guess_type(portrait.image.name)[0] or "application/octet-stream"
    return private(FileResponse(portrait.image.open("rb"), content_type=content_type))
