"""Reads of portraits that pages of several apps share (the file, the deadline board, the notices,
family-report candidates): each station sees its own people's portraits only."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from .images import THUMBNAIL_SIZES
from .models import Portrait


def portrait_for(user, pk):
    """The portrait, if the user's station may see its person: 404 otherwise, as if it did not exist."""
    return get_object_or_404(Portrait.objects.for_user(user).select_related("person"), pk=pk)


def thumbnail_size(value):
    """?size=N of an image URL, if it is one the pages may ask for; else None (the full picture)."""
    value = value or ""
    return int(value) if value.isdigit() and int(value) in THUMBNAIL_SIZES else None


def image_url(portrait_pk, size=None):
    url = reverse("face:image", args=[portrait_pk])
    return f"{url}?size={size}" if size else url


def main_image_url(person, size=None):
    """The URL of the person's main portrait (a thumbnail of `size` pixels), or None."""
    portrait = Portrait.objects.main_for(person)
    return image_url(portrait.pk, size) if portrait else None


def thumbnails(person_ids, size=128):
    """{person id: image URL} of the main portraits of these people, in one query."""
    rows = Portrait.objects.filter(person_id__in=set(person_ids), is_main=True).values_list("person_id", "pk")
    return {person_id: image_url(pk, size=size) for person_id, pk in rows}
