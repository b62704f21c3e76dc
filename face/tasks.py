"""Celery tasks of the face app."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from lib.queue import claim, overdue

from . import encoders, reencoding
from .encoding import encode_many
from .models import Portrait
from .reencoding import reencode, serving_encoder, switching
from .signals import portrait_encoded


@shared_task
def encode_portrait(portrait_id, origin=None):
    """Compute and store the encoding of an accepted (or overridden) portrait, then send portrait_encoded.

    Idempotent: a portrait already encoded, gone, or not fit for recognition is left alone. The update
    is conditional on the image it was computed from, so a picture replaced meanwhile is not given the
    old picture's encoding (its own task follows). Returns True when an encoding was stored.
    """
    portrait = Portrait.objects.filter(pk=portrait_id).first()
    if portrait is None:
        return False
    request = claim(Portrait.objects, "encoding_requested_at", portrait.pk, portrait.encoding_requested_at)
    if not request.mine:
        return False  # another worker is at it
    stored = store_encoding(portrait, origin)  # a crash here leaves the request for the catch-up
    request.done()
    return stored


def store_encoding(portrait, origin):
    if not portrait.encodable or portrait.encoding is not None:
        return False
    name = portrait.image.name
    serving, active = serving_encoder(), encoders.label()
    with portrait.image.open("rb") as f:
        # While a re-encoding is under way (face.reencoding) the new encoder's vector is kept aside too.
        vectors = encode_many(f.read(), sorted({serving, active}))
    vector = vectors[serving]
    if vector is None:  # an overridden portrait may show no usable face at all
        return False
    spare = {"spare_encoding": vectors[active], "spare_encoder": active} if active != serving else {}
    stored = Portrait.objects.filter(pk=portrait.pk, image=name, encoding__isnull=True).update(
        encoding=vector, encoder=serving, encoded_at=timezone.now(), **spare
    )
    if not stored:
        return False
    others = Portrait.objects.exclude(pk=portrait.pk).filter(encoding__isnull=False).order_by()
    now = (others.values_list("encoder", flat=True)[:1] or [serving])[0] or reencoding.LEGACY
    if now != serving and vectors.get(now) is not None:  # the encoders were switched meanwhile: follow them
        reencoding.forget()
        Portrait.objects.filter(pk=portrait.pk, encoder=serving).update(
            encoding=vectors[now], encoder=now, spare_encoding=None, spare_encoder="")
    portrait.refresh_from_db()
    portrait_encoded.send(sender=Portrait, portrait=portrait, origin=origin)
    return True


@shared_task(ignore_result=True)
def catch_up_encodings():
    """Beat, every CATCH_UP_SECONDS: encode the portraits whose request waited longer than that (the
    queue lost it, or was down). Each request is claimed once; returns how many were encoded."""
    done = 0
    for pk, _requested_at in list(overdue(Portrait.objects, "encoding_requested_at", settings.CATCH_UP_SECONDS)):
        done += bool(encode_portrait(pk))  # which claims the request, once
    if switching():  # a new encoder: a batch of the re-encoding at each beat (face.reencoding)
        reencode(limit=settings.FACE_REENCODE_BATCH)
    return done
