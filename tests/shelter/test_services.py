"""The register's writes as services: called without a request, by the intake page, seed_demo and here."""

import uuid
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shelter.models import ArrivalRefused, Belonging, Person, Service, Stay
from shelter.services import ServiceRefused, merge_files, record_service, register_arrival
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


# Rules that only the pages checked before: the services refuse them themselves.

def test_no_arrival_on_a_merged_file(station, reception, admin_user, person):
    survivor = Person.objects.create(station=station, sex="M", created_by=reception)
    merge_files(merged=person, survivor=survivor, by=admin_user, reason="同一人")
    with pytest.raises(ArrivalRefused) as refused:
        register_arrival(person=Person.objects.get(pk=person.pk), stay=arrival(), by=reception)
    assert survivor.file_no in refused.value.message and not Stay.objects.exists()


def test_no_second_arrival_while_a_stay_is_open(person, reception):
    register_arrival(person=person, stay=arrival(), by=reception)
    with pytest.raises(ArrivalRefused) as refused:
        register_arrival(person=person, stay=arrival(), by=reception)
    assert "still in the station" in refused.value.message and person.stays.count() == 1


def test_no_service_on_an_ended_stay(stay, reception):
    Stay.objects.filter(pk=stay.pk).update(state="departed")
    with pytest.raises(ServiceRefused):
        record_service(stay=Stay.objects.get(pk=stay.pk), service=Service(kind="meal"), by=reception)
    assert not Service.objects.exists()


def test_the_page_and_the_service_ask_the_same_rule(person, reception):
    assert person.may_arrive and person.arrival_refusal() is None
    register_arrival(person=person, stay=arrival(), by=reception)
    assert not person.may_arrive and person.arrival_refusal()
