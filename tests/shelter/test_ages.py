"""An age is written once, one way: "41" from a date of birth, "60–70" for an estimate (lib.dates.ages),
on the people list, the file, the transfer and merge pages and the family-report pages."""

import datetime

import pytest
from django.urls import reverse

from lib.dates import ages
from shelter.models import Person


@pytest.mark.parametrize("youngest, oldest, text", [
    (41, 41, "41"), (60, 70, "60–70"), (55, None, "55"), (None, 65, "65"), (None, None, ""),
])
def test_an_age_or_a_range(youngest, oldest, text):
    assert ages(youngest, oldest) == text


def test_the_file_and_the_list_show_one_age_from_a_date_of_birth(client_as, reception, station):
    born = datetime.date.today().replace(year=datetime.date.today().year - 42, month=1, day=1)
    person = Person.objects.create(station=station, name="王建军", sex="M", date_of_birth=born, created_by=reception)
    client = client_as(reception)
    for url in (reverse("shelter:person", args=[person.pk]), reverse("shelter:people")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "41–41" not in page and "42–42" not in page
        assert "41" in page or "42" in page
