"""The register's writes as services: called without a request, by the intake page, seed_demo and here."""

import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shelter.models import Belonging, Person, Stay
from shelter.services import register_arrival
from shelter.signals import arrival_registered


def arrival(**values):
    return Stay(arrived_at=timezone.now(), found_place="天河客运站候车厅", brought_by="police", **values)


def test_an_arrival_is_registered_without_a_request(station, reception):
    token = uuid.uuid4()
    stay = register_arrival(person=Person(sex="M", age_min=60, age_max=70), stay=arrival(),
                            belongings=[("手机", 1), ("现金（元）", 35)], by=reception, token=token)
    person = stay.person
    assert person.station == station and person.created_by == reception and person.file_no.startswith("GZ-")
    assert stay.entered_by == reception and stay.intake_token == token and stay.state == "reception"
    assert sorted(stay.belongings.values_list("item", "quantity")) == [("手机", 1), ("现金（元）", 35)]


def test_the_same_form_registers_once(station, reception):
    token = uuid.uuid4()
    register_arrival(person=Person(sex="F"), stay=arrival(), by=reception, token=token)
    with pytest.raises(IntegrityError), transaction.atomic():
        register_arrival(person=Person(sex="F"), stay=arrival(), by=reception, token=token)
    assert Stay.objects.count() == 1 and Person.objects.count() == 1


def test_a_returning_person_gets_a_new_stay_on_the_same_file(person, reception):
    first = register_arrival(person=person, stay=arrival(), by=reception)
    Stay.objects.filter(pk=first.pk).update(state="departed")  # ended (the workflow is tested elsewhere)
    second = register_arrival(person=person, stay=arrival(), by=reception)
    assert second.person == person and person.stays.count() == 2


def test_a_belonging_the_model_refuses_loses_the_whole_arrival(station, reception):
    """Every row is checked as the model checks it: nothing half-registered."""
    with pytest.raises(ValidationError) as refused:
        register_arrival(person=Person(sex="M"), stay=arrival(), belongings=[("x" * 101, 1)], by=reception)
    assert "item" in refused.value.message_dict
    assert not Person.objects.exists() and not Stay.objects.exists() and not Belonging.objects.exists()


def test_the_higher_apps_hear_of_the_duplicates_registered_apart(station, reception, person):
    earlier = SimpleNamespace(person=person)  # what a duplicate finder (shelter.hooks) returns
    heard = []

    def listener(sender, stay, by, duplicates, **kwargs):
        heard.append((stay.pk, by, duplicates))

    arrival_registered.connect(listener)
    try:
        stay = register_arrival(person=Person(sex="M"), stay=arrival(), by=reception, duplicates=[earlier])
    finally:
        arrival_registered.disconnect(listener)
    assert heard == [(stay.pk, reception, [earlier])]
