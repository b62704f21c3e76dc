"""The person's main portrait, through the face app's contract: Portrait.objects.main_for(person) and
the image URL named "face:image" (portrait pk; ?size=N for an upright JPEG thumbnail). Kept here so the board can fetch all thumbnails of a
page in one query."""

from django.urls import NoReverseMatch, reverse

from face.models import Portrait


def image_url(portrait_pk, size=None):
    try:
        url = reverse("face:image", args=[portrait_pk])
    except NoReverseMatch:  # the face app does not serve images (yet)
        return None
    return f"{url}?size={size}" if size else url


def main_portrait(person):
    return Portrait.objects.main_for(person)


def thumbnails(person_ids):
    """{person id: image URL} of the main portraits of these people, in one query."""
    rows = Portrait.objects.filter(person_id__in=set(person_ids), is_main=True).values_list("person_id", "pk")
    return {person_id: image_url(pk, size=128) for person_id, pk in rows}
