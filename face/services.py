"""Writes of the face app: taking a portrait, replacing its picture, choosing the main one, and asking
for encodings. Keyword-only arguments and no request: the capture page, the demo data and the tests
call the same functions. The rule about main portraits stays on Portrait.make_main."""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from lib.queue import after_commit

from .images import extension
from .models import Portrait, PortraitRefused
from .quality import check_portrait
from .tasks import encode_portrait


def take_portrait(*, person, data, by, source=Portrait.UPLOAD, session=None, origin=None):
    """A new portrait of `person` from picture bytes, checked and stored whatever the verdict.

    Raises PortraitRefused (nothing stored) only for a file that is not a usable picture. An accepted
    portrait becomes the main one when the person has none yet, or only one that failed the check; it
    is encoded by the Celery task once the transaction has committed. `session`: the capture page's visit
    (its attempts are one line on the timeline); `origin`: where the request came from (lib.http.origin),
    carried to the face searches the new encoding starts. Returns (portrait, QualityReport).
    """
    portrait = Portrait(person=person, source=source, taken_by=by, session=session)
    report = store_image(portrait, data)
    with transaction.atomic():
        portrait.save()
        current = Portrait.objects.main_for(person)
        if report.accepted and (current is None or not current.accepted) and by.has_perm("face.change_portrait"):
            portrait.make_main(by)
        request_encoding(portrait, origin=origin)
    return portrait, report


def replace_image(*, portrait, data):
    """A new picture for an existing portrait: checked again, the old encoding dropped and computed
    again from the new picture. Returns the QualityReport; PortraitRefused for a file that is no picture."""
    report = store_image(portrait, data)
    with transaction.atomic():
        portrait.save()
        request_encoding(portrait)
    return report


def choose_main(*, portrait, by, reason=""):
    """Make `portrait` the main one (Portrait.make_main says who may, and when a reason is needed); a
    failed portrait overridden this way is encoded too. Raises PortraitError."""
    with transaction.atomic():
        portrait.make_main(by, reason)
        request_encoding(portrait)


def hide_failed_shot(*, portrait, by, reason):
    """Hide a failed shot from the file's list (Portrait.hide holds the rule); it stays in the file."""
    portrait.hide(by, reason)
    portrait.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return portrait


def store_image(portrait, data):
    """Check picture bytes and put them on the (unsaved) portrait with their verdict."""
    report = check_portrait(data)
    if not report.readable:
        raise PortraitRefused(report)
    portrait.image.save(f"{uuid.uuid4().hex}.{extension(report.format)}", ContentFile(data), save=False)
    portrait.accepted, portrait.reasons, portrait.measures = report.accepted, report.reasons, report.measures
    portrait.encoding = portrait.encoded_at = portrait.spare_encoding = None
    portrait.encoder = portrait.spare_encoder = ""
    return report


def request_encoding(portrait, origin=None):
    """Encode in the Celery task once the transaction has committed (the task reads the saved row), if
    the portrait is fit for recognition and not encoded yet. The request is recorded on the row first:
    with the queue down the catch-up (face.tasks.catch_up_encodings) does it. The task is idempotent."""
    if portrait.needs_encoding:
        portrait.encoding_requested_at = timezone.now()
        Portrait.objects.filter(pk=portrait.pk).update(encoding_requested_at=portrait.encoding_requested_at)
        after_commit(encode_portrait, portrait.pk, origin)
