"""Thumbnails are made once per picture and size, then served from the cache."""

from django.urls import reverse

from face import thumbnails
from face.services import take_portrait


def test_a_thumbnail_is_made_once_and_then_served_from_the_cache(client_as, reception, person, webcam, committed,
                                                                 monkeypatch):
    with committed():
        portrait, _report = take_portrait(person=person, data=webcam("leslie_1"), by=reception)
    made = []
    real = thumbnails.thumbnail_jpeg

    def counting(data, size):
        made.append(size)
        return real(data, size)

    monkeypatch.setattr(thumbnails, "thumbnail_jpeg", counting)
    client = client_as(reception)
    url = reverse("face:image", args=[portrait.pk])
    first, again = client.get(url, {"size": 128}), client.get(url, {"size": 128})
    other = client.get(url, {"size": 256})
    assert first.content == again.content and first["Content-Type"] == "image/jpeg"
    assert first["Cache-Control"].startswith("private")
    assert made == [128, 256] and other.content != first.content
