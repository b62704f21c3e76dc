"""Changing the face encoder without a gap in the searches (issue 24).

The portraits' `encoding` column holds one encoder's vectors, the serving encoder's: searches encode
their query with it (serving_encoder) and compare like with like. When settings.FACE_ENCODER names
another one, `manage.py reencode_faces` (and, a batch at each beat, face.tasks.catch_up_encodings)
computes the new encoder's vector of every encodable portrait into `spare_encoding`, resumably (a
portrait done has spare_encoder set); new portraits meanwhile are encoded by both (face.tasks). Only
when every portrait has its new vector does swap() move them all into `encoding` in one UPDATE, which
also moves encoded_at so every process's numpy matrix reloads, and sends encoder_switched (the family
app re-encodes its report photos). Until then the searches use the old encodings, complete.
"""

import time

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from shelter.models import Station

from . import encoders
from .encoding import encode_many
from .models import Portrait
from .search_backends import pgvector_backend
from .search_backends.numpy_backend import cache
from .signals import encoder_switched

LEGACY = "dlib@1"  # the encoder of every encoding stored before encoders were recorded (face/migrations/0007)
_serving = {}  # alias -> (time.monotonic(), label)


def serving_encoder(using="default"):
    """"name@version" of the stored encodings, which a search's query must be encoded with; the active
    encoder's when none is stored yet. Asked of the database at most every FACE_SEARCH_RECHECK_SECONDS."""
    seen = _serving.get(using)
    if seen is not None and time.monotonic() - seen[0] < settings.FACE_SEARCH_RECHECK_SECONDS:
        return seen[1]
    stored = Portrait.objects.using(using).filter(encoding__isnull=False).order_by().values_list(
        "encoder", flat=True)[:1]
    label = (stored[0] or LEGACY) if stored else encoders.label()
    _serving[using] = (time.monotonic(), label)
    return label


def forget():
    _serving.clear()


def switching(using="default"):
    """The active encoder when it is not yet the serving one (a re-encoding is due), else None."""
    active = encoders.label()
    return active if serving_encoder(using) != active else None


def to_reencode(using="default"):
    """Encodable portraits without a vector of the active encoder yet (a queryset)."""
    active = encoders.label()
    return (Portrait.objects.using(using).filter(Q(accepted=True) | Q(override_by__isnull=False))
            .exclude(encoder=active).exclude(spare_encoder=active))


def reencode(*, using="default", limit=None, progress=None):
    """Encode up to `limit` portraits (all by default) with the active encoder into spare_encoding, then
    swap if none is left. progress(done, total) after each. Returns (done, left)."""
    forget()
    active = switching(using)
    if active is None:
        return 0, 0
    rows = to_reencode(using).order_by("pk")
    total = rows.count() if limit is None else min(limit, rows.count())
    done = 0
    for portrait in rows[:total].iterator(chunk_size=100):
        try:
            with portrait.image.open("rb") as f:
                vector = encode_many(f.read(), [active])[active]
        except OSError:  # the file is gone: nothing to encode, and not to wait for
            vector = None
        Portrait.objects.using(using).filter(pk=portrait.pk).update(spare_encoding=vector, spare_encoder=active)
        done += 1
        if progress:
            progress(done, total)
    left = to_reencode(using).count()
    if not left:
        swap(using)
    return done, left


def switched(active, using):
    cache.invalidate(using)  # this process's numpy matrix reads the table again (others: within a second)
    forget()
    encoder_switched.send(sender=Portrait, encoder=active, using=using)


def swap(using="default"):
    """Every portrait has the active encoder's vector (or none: no face): make them the searched ones at
    once. The old vectors are dropped."""
    active = encoders.label()
    stations = list(Station.objects.using(using).values_list("pk", flat=True))
    # PostgreSQL: the new length's HNSW indexes first (empty, so made at once); the UPDATE below fills them.
    pgvector_backend.create_indexes(encoders.dimensions(active), stations, using)
    with transaction.atomic(using=using):
        if to_reencode(using).exists():
            return False
        now = timezone.now()
        ready = Portrait.objects.using(using).filter(spare_encoder=active)
        ready.filter(spare_encoding__isnull=False).update(
            encoding=F("spare_encoding"), encoder=active, encoded_at=now, spare_encoding=None, spare_encoder="")
        ready.update(encoding=None, encoder="", encoded_at=None, spare_encoder="")  # no face found by it
        Portrait.objects.using(using).exclude(encoder=active).exclude(encoding__isnull=True).update(
            encoding=None, encoder="", encoded_at=None)  # not encodable any more: never searched
        transaction.on_commit(lambda: switched(active, using), using=using)
    forget()
    return True
