"""A transfer is one handover (issue 22): until the receiving station accepts, the person is in transfer,
in the sender's care and counted there; a refusal puts the stay back in the sender's care with the reason
on the timeline and counts no departure; an acceptance carries what the sender recorded (belongings as
handed over, health, mental state, interviews, the open case) and says whose the deadlines already missed
were."""

import datetime
import importlib
import types

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from oversight import figures as stats
from shelter import timeline
from shelter.models import Belonging, Departure, Person, StateLog, Stay, Transfer
from shelter.services import accept_transfer, depart_stay, refuse_transfer
from tracing.models import TracingCase
from tracing.services import record_interview

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def receiving(other_station, make_user):
    return {"station": other_station, "reception": make_user("sz-reception", "reception", other_station),
            "supervisor": make_user("sz-supervisor", "supervisor", other_station)}


@pytest.fixture
def handed_over(stay, reception, receiving):
    """The unknown man of conftest's stay, three days in the station (his notice deadline missed), with a
    bag handed over with him and the cash the station keeps, his health and state recorded, and an
    interview; transferred to the other station two hours ago. Returns the transfer."""
    Stay.objects.filter(pk=stay.pk).update(arrived_at=timezone.now() - 72 * HOUR, health_at_intake="高血压，左腿旧伤",
                                           mental_state="dementia")
    stay = Stay.objects.get(pk=stay.pk)
    case = TracingCase.objects.get(stay=stay)
    case.plan()  # its deadlines from the arrival three days ago
    case.save()
    bag = Belonging.objects.create(stay=stay, item="黑色双肩包", quantity=1, notes="内有衣物")
    cash = Belonging.objects.create(stay=stay, item="现金", quantity=1, notes="50元")
    record_interview(stay=stay, by=reception, words="我家在湖南邵阳，村口有棵大樟树", interviewer="李娟",
                     held_at=stay.arrived_at + HOUR)
    depart_stay(stay=stay, by=reception, departure=Departure(
        kind="transfer", destination=receiving["station"].name, receiver_name="接收站接待员",
        to_station=receiving["station"], departed_at=timezone.now() - 2 * HOUR),
        counted_out={bag.pk: ("handed", "深圳站护送员"), cash.pk: ("kept", "")})
    return Transfer.objects.get(stay=stay)


def this_month(station):
    month = stats.this_month()
    figures = stats.compute([station.pk], month, month)
    return {key: figures.value(key) for key in ("in_station", "departures", "departed_transfer")}


def test_until_the_receiver_accepts_the_person_is_in_transfer_and_counted_at_the_sender(
        handed_over, station, receiving, reception, client_as):
    stay = Stay.objects.get(pk=handed_over.stay_id)
    assert stay.state == "in_transfer" and stay.ended_at is None
    assert this_month(station) == {"in_station": 1, "departures": 0, "departed_transfer": 0}
    assert this_month(receiving["station"])["in_station"] == 0
    assert Person.objects.get(pk=stay.person_id).station == station
    assert stay.person.arrival_refusal()  # no new arrival at the sender while the person is in transfer
    with translation.override("en"):
        for user in (reception, receiving["reception"]):  # shown so on both sides
            page = client_as(user).get(reverse("shelter:transfer", args=[handed_over.pk])).content.decode()
            assert "in transfer" in page
        assert "in transfer" in client_as(reception).get(stay.person.get_absolute_url()).content.decode()


def test_a_refused_transfer_leaves_the_person_in_the_senders_care(handed_over, station, receiving, reception):
    refuse_transfer(transfer=handed_over, by=receiving["supervisor"], reason="本站床位已满")
    stay = Stay.objects.get(pk=handed_over.stay_id)
    assert stay.state == "in_care" and stay.is_open and stay.ended_at is None
    assert not Departure.objects.filter(stay=stay).exists()
    assert not stay.belongings.exclude(outcome="").exists()  # the station's to count out again
    assert this_month(station) == {"in_station": 1, "departures": 0, "departed_transfer": 0}
    assert Person.objects.get(pk=stay.person_id).station == station
    log = StateLog.objects.get(content_type=ContentType.objects.get_for_model(Stay), object_id=stay.pk,
                               state="in_care", source_state="in_transfer")
    assert (log.reason, log.by) == ("本站床位已满", receiving["supervisor"])
    assert any("本站床位已满" in str(e.detail) for e in timeline.for_person(stay.person))
    assert TracingCase.objects.get(stay=stay).station == station
    # The sender may transfer the person again, or record a departure of its own.
    depart_stay(stay=stay, by=reception, departure=Departure(
        kind="transfer", destination="另一站", receiver_name="接待员", to_station=receiving["station"],
        departed_at=timezone.now()), counted_out={b.pk: ("returned", "") for b in stay.belongings.all()})
    assert Transfer.objects.filter(stay=stay).count() == 2
    assert Stay.objects.get(pk=stay.pk).transfer.state == "proposed"


def test_an_accepted_transfer_carries_belongings_and_health(handed_over, station, receiving, client_as):
    sent = handed_over.stay
    new = accept_transfer(transfer=handed_over, by=receiving["reception"], stay=Stay(
        arrived_at=timezone.now() - HOUR, brought_by_name="广州站 护送员"))
    new.refresh_from_db()
    assert (new.health_at_intake, new.mental_state) == ("高血压，左腿旧伤", "dementia")
    assert [(b.item, b.quantity, b.notes, b.outcome) for b in new.belongings.all()] == [
        ("黑色双肩包", 1, "内有衣物", "")]  # handed over with him; the cash the sender kept stays there
    assert new.station == receiving["station"]
    sent = Stay.objects.get(pk=sent.pk)
    handed_over.refresh_from_db()
    assert sent.state == "departed" and sent.ended_at == handed_over.decided_at
    assert this_month(station) == {"in_station": 0, "departures": 1, "departed_transfer": 1}
    assert this_month(receiving["station"])["in_station"] == 1
    case = TracingCase.objects.get(stay=new)
    assert case.station == receiving["station"] and case.is_open
    # The interviews the sender held come with the person.
    page = client_as(receiving["reception"]).get(reverse("tracing:interviews", args=[new.pk])).content.decode()
    assert "李娟" in page


def test_a_deadline_missed_at_the_sender_shows_whose_it_was(handed_over, station, receiving, client_as):
    new = accept_transfer(transfer=handed_over, by=receiving["reception"], stay=Stay(arrived_at=timezone.now()))
    case = TracingCase.objects.get(stay=new)
    assert case.missed_at("notice") == station.pk  # due a day after the arrival, two days before the transfer
    assert case.missed_at("dna") is None  # not yet due: the receiver's to meet
    with translation.override("en"):
        board = client_as(receiving["supervisor"]).get(reverse("oversight:board")).content.decode()
    assert f"missed at {station.name}" in board


def test_transfers_waiting_before_are_in_transfer_by_migration(handed_over, station):
    stay = handed_over.stay
    Stay.objects.filter(pk=stay.pk).update(state="departed", ended_at=timezone.now() - 2 * HOUR)  # as recorded before
    Departure.objects.filter(stay=stay).update(counted_at=None)
    importlib.import_module("shelter.migrations.0022_transfers_waiting_are_in_transfer").forwards(
        apps, types.SimpleNamespace(connection=connection))
    stay.refresh_from_db()
    assert (stay.state, stay.ended_at, stay.departure.counted_at) == ("in_transfer", None, None)
    assert this_month(station) == {"in_station": 1, "departures": 0, "departed_transfer": 0}
