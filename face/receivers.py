"""Face's receivers, connected in FaceConfig.ready(): portraits follow a merged file, the in-process
search matrix (numpy backend) learns of every changed or newly encoded portrait, and each Celery
worker process loads the face models when it starts, not in its first task."""

from celery.signals import worker_process_init
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shelter.models import Person
from shelter.signals import person_merged

from .detection import models
from .models import Portrait
from .search_backends.numpy_backend import cache
from .signals import portrait_encoded


@receiver(person_merged, sender=Person, dispatch_uid="face.move_portraits")
def move_portraits(sender, merged, survivor, by, **kwargs):
    """Inside the merge's transaction: the portraits follow the surviving file (Portrait's rule)."""
    Portrait.objects.move_person(merged, survivor)


@receiver(post_save, sender=Portrait, dispatch_uid="face.search.numpy.save")
@receiver(post_delete, sender=Portrait, dispatch_uid="face.search.numpy.delete")
def portrait_changed(sender, instance, using, **kwargs):
    cache.mark_dirty(using, instance.pk)


@receiver(portrait_encoded, sender=Portrait, dispatch_uid="face.search.numpy.encoded")
def portrait_encoded_now(sender, portrait, **kwargs):
    cache.mark_dirty(portrait._state.db or "default", portrait.pk)


@receiver(worker_process_init, dispatch_uid="face.load_models")
def load_models(**kwargs):
    """A worker's first encoding would wait for the models (seconds on a busy machine, measured by
    `make loadtest`): each worker process loads them as it starts (the web's: deploy/gunicorn.conf.py)."""
    models()
