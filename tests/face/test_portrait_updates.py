"""The person page's portraits say whether each is encoded for face search, and while an encoding
waits the list asks again by itself (htmx) until it is done."""

import re

from django.urls import reverse

from face.models import Portrait
from face.services import take_portrait


def poller(html):
    match = re.search(r'hx-get="(/[^"]*/portraits/)" hx-trigger="every (\w+)"', html)
    return match.group(1) if match else None


def test_the_portrait_list_polls_while_the_encoding_waits(client_as, reception, person, webcam, committed,
                                                          django_capture_on_commit_callbacks):
    client = client_as(reception)
    with django_capture_on_commit_callbacks(execute=False) as queued:  # the encoding waits in the queue
        portrait, quality = take_portrait(person=person, data=webcam("obama_1"), by=reception, source=Portrait.WEBCAM)
    assert quality.accepted
    page = client.get(person.get_absolute_url()).content.decode()
    url = poller(page)
    assert url == reverse("face:portraits", args=[person.pk]) and "Encoding for face search…" in page

    with committed():
        for callback in queued:
            callback()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="portrait-list"' in fragment
    assert "Encoded for face search." in fragment and "Encoding for face search…" not in fragment
    assert poller(fragment) is None  # done: the polling stops
    assert poller(client.get(person.get_absolute_url()).content.decode()) is None


def test_another_station_cannot_poll_the_portraits(client_as, person, other_station, make_user):
    stranger = make_user("sz", "supervisor", other_station)
    assert client_as(stranger).get(reverse("face:portraits", args=[person.pk])).status_code == 404
