"""Face's receivers, connected in FaceConfig.ready(): portraits follow a merged file and carry the facts
of their person's file that searches filter by, the in-process search matrix (numpy backend) learns
of every changed or newly encoded portrait, and each Celery worker process loads the face models when
it starts, not in its first task."""

from celery.signals import worker_init, worker_process_init
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shelter.models import Person, Station
from shelter.signals import person_merged

from . import encoders
from .detection import load_models as load_face_models
from .models import PERSON_FACTS, Portrait
from .search_backends.numpy_backend import cache
from .search_backends.pgvector_backend import create_station_index
from .signals import portrait_encoded


@receiver(person_merged, sender=Person, dispatch_uid="face.move_portraits")
def move_portraits(sender, merged, survivor, by, **kwargs):
    """Inside the merge's transaction: the portraits follow the surviving file (Portrait's rule)."""
    Portrait.objects.move_person(merged, survivor)  # the survivor's facts go with them
    cache.invalidate(survivor._state.db or "default")


@receiver(post_save, sender=Person, dispatch_uid="face.copy_person_facts")
def person_saved(sender, instance, created, using, update_fields=None, **kwargs):
    """A file saved (corrected, transferred): its portraits' copies of the searched facts follow."""
    facts = {fact.removesuffix("_id") for fact in PERSON_FACTS.values()}
    if created or (update_fields is not None and not facts & set(update_fields)):
        return  # a new file has no portrait yet (Portrait.save copies the facts)
    if Portrait.objects.using(using).copy_person_facts([instance.pk]):
        cache.invalidate(using)  # encoded_at moved: the next search reads those rows again


@receiver(post_save, sender=Station, dispatch_uid="face.station_index")
def station_created(sender, instance, created, using, raw=False, **kwargs):
    """A new station gets its partial HNSW index on PostgreSQL (empty, so built at once), after the
    commit: PostgreSQL refuses CREATE INDEX on a table with deferred constraint checks still pending in
    the transaction (portraits written in it)."""
    if created and not raw:
        transaction.on_commit(lambda: create_station_index(instance.pk, using), using=using)


@receiver(post_save, sender=Portrait, dispatch_uid="face.search.numpy.save")
@receiver(post_delete, sender=Portrait, dispatch_uid="face.search.numpy.delete")
def portrait_changed(sender, instance, using, **kwargs):
    cache.mark_dirty(using, instance.pk)


@receiver(portrait_encoded, sender=Portrait, dispatch_uid="face.search.numpy.encoded")
def portrait_encoded_now(sender, portrait, **kwargs):
    cache.mark_dirty(portrait._state.db or "default", portrait.pk)


@receiver(worker_init, dispatch_uid="face.load_models.worker")
@receiver(worker_process_init, dispatch_uid="face.load_models")
def load_models(**kwargs):
    """A worker's first encoding would wait for the models (seconds on a busy machine, measured by
    `make loadtest`): each worker loads them as it starts (the web's: config/wsgi.py). worker_init is
    the worker's main process (the one that runs tasks with --pool=solo or threads, as `make run`'s; a
    prefork pool's children inherit its models), worker_process_init each prefork child's."""
    load_face_models()
    encoders.get().load()  # the active encoder's own model (the ONNX session), issue 24
