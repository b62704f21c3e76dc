"""Portrait pages: capture (webcam or file) with its live guidance, one portrait with its verdict, choosing
the main one, and the picture itself. Thin: the writes are face.services (take_portrait, choose_main), the
rules on Portrait (make_main); every look at a picture is audited.

Live guidance (live_check): the capture page sends a copy of the preview (640x480 at most) a few times a second
(FACE_LIVE_RATE) and shows the one instruction that comes back next to the oval. The check runs here,
with face.quality itself, rather than in the browser: the same rules and thresholds as the verdict on
the shot (a shot the oval called good passes), nothing to vendor or keep in step (an in-browser detector
would be a second model with its own idea of "too small" or "turned"), and it works on any intranet
browser. Its cost is measured by bench_face. The frames are checked in memory and never stored; they
are not pictures of the file anyone looks at, so they are not audited one by one (several a second would bury
the log): the first live check of each visit of the capture page is audited, with the visit's id,
which the shots taken in that visit carry too.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lib.http import origin
from shelter.models import AuditEvent
from shelter.selectors import person_for

from .forms import LiveFrameForm, MainPortraitForm, PortraitUploadForm
from .models import PortraitError, PortraitRefused
from .quality import check_portrait
from .selectors import image_url, portrait_for, thumbnail_size
from .services import choose_main, hide_failed_shot, take_portrait
from .thumbnails import picture_response
from .verdicts import instruction, thresholds, within


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
                portrait, report = take_portrait(person=person, data=f.read(), by=request.user, origin=origin(request),
                                                 source=form.cleaned_data["source"],
                                                 session=form.cleaned_data.get("session"))
            except PortraitRefused as e:
                error = e.message
            else:
                AuditEvent.record(request, AuditEvent.CREATE, person, target=portrait, portrait=portrait.pk,
                                  accepted=report.accepted, reasons=report.reasons)
                portrait.refresh_from_db()  # the encoding may have been stored already (eager Celery)
                if wants_json(request):
                    return JsonResponse(verdict(portrait, portraits_html(request, person)))
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
    if not form.is_bound:
        form = PortraitUploadForm(initial={"session": uuid.uuid4()})
    return render(request, "face/capture.html", {
        "person": person, "form": form, **portraits_context(person),
        "camera_text": camera_text(), "live_rate": settings.FACE_LIVE_RATE,
    })


def portraits_html(request, person):
    """The list of portraits, rendered again after a shot and while an encoding runs."""
    return render_to_string("face/_portraits.html", portraits_context(person), request=request)


def portraits_context(person):
    portraits = list(person.portraits.select_related("taken_by"))
    return {"person": person, "portraits": portraits, "portraits_pending": any(p.encoding_pending for p in portraits)}


@login_required
@permission_required("face.view_portrait", raise_exception=True)
def portraits(request, pk):
    """The person's portraits with their encoding status, polled by htmx while an encoding runs; the
    answer stops the polling once none waits. Only the list: the pictures audit themselves."""
    person = person_for(request.user, pk)
    return HttpResponse(portraits_html(request, person))


# The detection passes (face.detection) as the portrait page says them.
DETECTION_PASSES = {  # lazy: said in the reader's language
    "hog": gettext_lazy("standard pass"),
    "hog_upsampled": gettext_lazy("enlarged picture (small face)"),
    "haar_hog": gettext_lazy("small-face pass"),
    "hog_padded": gettext_lazy("face at the edge of the picture"),
}

LIVE_AUDITED = "face_live_audited"  # the capture visits whose live guidance was audited (in the session)


@login_required
@permission_required("face.add_portrait", raise_exception=True)
@require_POST
def live_check(request, pk):
    """One preview frame checked for the live guidance: the instruction to show, never stored."""
    person = person_for(request.user, pk)
    form = LiveFrameForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(e for errors in form.errors.values() for e in errors)}, status=400)
    visit = str(form.cleaned_data["session"])
    audited = request.session.get(LIVE_AUDITED, [])
    if visit not in audited:
        AuditEvent.record(request, AuditEvent.VIEW, person, target=person, live_guidance=visit)
        request.session[LIVE_AUDITED] = (audited + [visit])[-20:]
    report = check_portrait(form.cleaned_data["frame"].read(),
                            frame_size=(form.cleaned_data["width"], form.cleaned_data["height"]))
    return JsonResponse({
        "accepted": report.accepted,
        "reasons": report.reasons,
        "instruction": instruction(report.reasons, report.measures),
        "ms": report.measures.get("ms"),
    })


def camera_text():
    """The capture script's words, in the user's language."""
    return {
        "ready": _("Camera ready. Face inside the oval, then press “Take photo” or the space bar."),
        "checking": _("Checking the portrait…"),
        "no_camera": _("No camera could be opened. Check that one is plugged in and allowed in the browser, "
                       "or upload a photo file below."),
        "camera_none": _("No camera was found."),
        "camera_denied": _("The browser was not allowed to use the camera."),
        "camera_busy": _("The camera is in use by another program, or did not start."),
        "failed": _("The portrait could not be sent: check the connection and take it again."),
        "retake": _("Press “Retake” and take the portrait again."),
        "saved": _("Saved in the file. You can go back to the file, or retake."),
        "time": _("verdict in %(ms)s ms"),
        "live_unavailable": _("No live guidance: the picture is checked when you press “Take photo”."),
    }


def verdict_headline(portrait):
    if portrait.accepted and portrait.is_main:
        return _("Portrait accepted: it is now the main portrait.")
    if portrait.accepted:
        return _("Portrait accepted.")
    return _("Portrait not usable for recognition. It was kept in the file; please take another.")


def verdict(portrait, portraits=""):
    """What the capture page shows after the shutter, with its list of portraits rendered again."""
    return {
        "portraits_html": portraits,
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
    """(label, value, limit, passes) of the stored measures, for the portrait's page: `passes` is False for a
    measure outside its threshold (the row is marked), None where there is nothing to compare (the rule:
    face.verdicts.within, which the quality check applies too)."""
    t = thresholds()
    rows = [
        (_("faces found"), "faces", measures.get("faces", measures.get("faces_detected")), _("exactly 1")),
        (_("distance between the eyes (pixels)"), "eye_distance", None, f"≥ {t['min_eye_distance']:g}"),
        (_("sharpness"), "sharpness", None, f"≥ {t['min_sharpness']:g}"),
        (_("brightness of the face (0-255)"), "brightness", None, f"{t['min_brightness']:g} – {t['max_brightness']:g}"),
        (_("contrast of the face"), "contrast", None, f"≥ {t['min_contrast']:g}"),
        (_("burnt-white share of the face"), "clipped", None, f"≤ {t['max_clipped']:g}"),
        (_("head turned left/right (degrees)"), "yaw", None, f"± {t['max_yaw']:g}"),
        (_("head raised/lowered (degrees)"), "pitch", None, f"± {t['max_pitch']:g}"),
        (_("head tilted (degrees)"), "roll", None, f"± {t['max_roll']:g}"),
        (_("space to the frame edge (eye distances)"), "margin", None, f"≥ {t['min_margin']:g}"),
        (_("eye openness"), "eye_openness", None, f"≥ {t['min_eye_openness']:g}"),
        (_("found by (detection pass)"), "detector", None, ""),
    ]
    shown = []
    for label, key, value, limit in rows:
        value = measures.get(key) if value is None else value
        if key == "detector" and value in DETECTION_PASSES:
            value = DETECTION_PASSES[value]  # said, not the pass's code (issue 25)
        if value is not None:
            shown.append((label, value, limit, within(key, value, t) if isinstance(value, int | float) else None))
    return shown


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


@login_required
@permission_required("face.override_quality", raise_exception=True)
@require_POST
def hide(request, pk):
    """A supervisor hides a failed shot from the file's list, with a reason: kept and audited."""
    portrait = portrait_for(request.user, pk)
    try:
        hide_failed_shot(portrait=portrait, by=request.user, reason=request.POST.get("reason", ""))
    except PortraitError as e:
        messages.error(request, e.message)
    else:
        AuditEvent.record(request, AuditEvent.CHANGE, portrait.person, target=portrait, portrait=portrait.pk,
                          hidden=True, reason=portrait.hidden_reason)
        messages.success(request, _("The failed shot is hidden from the list; it stays in the file."))
    return redirect(portrait.person)


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
    return picture_response(portrait.image, size)
