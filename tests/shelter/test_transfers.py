"""Transfers between stations keep one file: the receiving station accepts it (the file, its history and
the tracing case move; the sender keeps a read-only view of what it recorded) or refuses it with a reason.
Administrators merge two files of different stations that prove to be one person."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from lib import workflow
from shelter.models import Departure, MergeError, Notification, Person, Stay, Transfer
from shelter.services import accept_transfer, depart_stay, merge_files, refuse_transfer
from tracing.models import TracingCase

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def fs(other_station, make_user):
    """The receiving station (conftest's other_station) with a desk and a supervisor."""
    return {"station": other_station, "reception": make_user("fs-reception", "reception", other_station),
            "supervisor": make_user("fs-supervisor", "supervisor", other_station)}


@pytest.fixture
def transferred(stay, reception, fs):
    """The unknown person of conftest's stay (GZ, 3 days) transferred to the other station, with a
    tracing case open. Returns the transfer."""
    Stay.objects.filter(pk=stay.pk).update(arrived_at=timezone.now() - 3 * 24 * HOUR)
    stay = Stay.objects.get(pk=stay.pk)
    stay.services.create(kind="meal", given_at=stay.arrived_at + HOUR, entered_by=reception, notes="午饭")
    depart_stay(stay=stay, by=reception, departure=Departure(
        kind="transfer", destination=fs["station"].name, receiver_name="接收站接待员", to_station=fs["station"],
        departed_at=timezone.now() - 2 * HOUR))
    return Transfer.objects.get()


def accept_data(**kw):
    data = {"step": "accept", "arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "brought_by_name": "广州站 护送员", "mental_state": "dementia", "health_at_intake": "体弱"}
    data.update(kw)
    return data


def test_a_transfer_to_a_station_using_homeward_waits_for_it_and_tells_it(transferred, fs):
    assert transferred.state == "proposed" and transferred.to_station == fs["station"]
    assert Notification.objects.filter(kind="transfer_waiting", user=fs["supervisor"]).exists()
    case = TracingCase.objects.get(stay=transferred.stay)
    assert case.is_open  # the unknown person's tracing goes on during the transfer


def test_an_accepted_transfer_moves_the_file_its_history_and_the_tracing_case(transferred, fs, client_as, reception,
                                                                             station):
    person, sent = transferred.person, transferred.stay
    case = TracingCase.objects.get(stay=sent)
    client = client_as(fs["reception"])
    # The receiving station sees what the sender recorded before deciding.
    page = client.get(reverse("shelter:transfer", args=[transferred.pk])).content.decode()
    assert "Tianhe bus station" in page and "午饭" in page
    response = client.post(reverse("shelter:transfer", args=[transferred.pk]), accept_data())
    assert response.status_code == 302
    transferred.refresh_from_db()
    person.refresh_from_db()
    assert transferred.state == "accepted" and transferred.decided_by == fs["reception"]
    assert person.station == fs["station"]
    new = person.stays.get(transferred_from=sent)
    assert new.is_open and new.brought_by == "station" and new.entered_by == fs["reception"]
    case.refresh_from_db()
    assert (case.stay, case.station, case.is_open) == (new, fs["station"], True)  # the same case moved
    assert TracingCase.objects.filter(stay__person=person).count() == 1
    # The receiving station's staff see the whole history, the first stay included.
    file_page = client.get(person.get_absolute_url()).content.decode()
    assert "Tianhe bus station" in file_page and "午饭" in file_page
    # The sender keeps a read-only view of what it recorded, and no longer opens the file.
    sender = client_as(reception)
    assert sender.get(person.get_absolute_url()).status_code == 404
    view = sender.get(reverse("shelter:transfer", args=[transferred.pk])).content.decode()
    assert "午饭" in view and 'name="step"' not in view
    assert sender.post(reverse("shelter:transfer", args=[transferred.pk]), accept_data()).status_code == 403
    told = Notification.objects.get(kind="transfer_accepted", user=reception)
    with translation.override("en"):
        assert told.subject.startswith("Transfer accepted")


def test_a_refused_transfer_keeps_the_file_with_the_sender_and_says_why(transferred, fs, client_as, reception, station):
    client = client_as(fs["supervisor"])
    url = reverse("shelter:transfer", args=[transferred.pk])
    response = client.post(url, {"step": "refuse", "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"step": "refuse", "reason": "本站床位已满，请转市福利院"})
    assert response.status_code == 302
    transferred.refresh_from_db()
    assert (transferred.state, transferred.refusal_reason) == ("refused", "本站床位已满，请转市福利院")
    assert Person.objects.get(pk=transferred.person_id).station == station
    told = Notification.objects.get(kind="transfer_refused", user=reception)
    with translation.override("en"):
        assert told.subject.startswith("Transfer refused") and told.body == "本站床位已满，请转市福利院"
    assert client_as(reception).get(transferred.person.get_absolute_url()).status_code == 200
    with pytest.raises(workflow.WorkflowError):
        accept_transfer(transfer=transferred, by=fs["reception"], stay=Stay(arrived_at=timezone.now()))


def test_only_the_receiving_station_decides(transferred, supervisor):
    with pytest.raises(workflow.WorkflowError):
        refuse_transfer(transfer=transferred, by=supervisor, reason="不是本站的事")


def test_only_a_transfer_goes_to_another_station(stay, reception, other_station):
    with pytest.raises(Exception) as e:
        depart_stay(stay=stay, by=reception, departure=Departure(
            kind="ticket", destination="邵阳", ticket_no="K9", to_station=other_station))
    assert "to_station" in e.value.message_dict


def test_an_administrator_merges_two_files_of_different_stations(station, other_station, reception, supervisor,
                                                                   admin_user):
    here = Person.objects.create(station=station, sex="M", name="张三")
    there = Person.objects.create(station=other_station, sex="M", name="张三")
    Stay.objects.create(person=there, arrived_at=timezone.now() - 48 * HOUR, found_place="佛山", brought_by="police",
                        entered_by=reception)
    with pytest.raises(MergeError):
        merge_files(merged=there, survivor=here, by=supervisor, reason="同一人")
    merge_files(merged=there, survivor=here, by=admin_user, reason="身份证号相同")
    assert there.stays.count() == 0 and here.stays.count() == 1
    case = TracingCase.objects.get(stay__person=here)
    assert case.station == station
