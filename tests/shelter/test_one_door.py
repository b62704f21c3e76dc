"""One door for every write: a step's transition checks its own row and sets its own fields; the service
that takes the step saves the step's record (the departure, the death) and makes the writes that follow.
A plain save writes the row and nothing else: what the register keeps worked out (the arrival's counts,
the file's last arrival, the next review, the name keys, the stays' ages) is kept by the services
(shelter.services.upkeep)."""

import datetime

import pytest
from django.utils import timezone

from lib import workflow
from shelter.models import Belonging, Death, Departure, Person, PersonNameKey, Stay
from shelter.services import (
    admit_stay,
    correct_file,
    depart_stay,
    keep_name_keys,
    keep_stay_ages,
    merge_files,
    record_death,
    register_arrival,
    stay_arrived,
)

DAY = datetime.timedelta(days=1)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def ticket(**kw):
    return Departure(kind="ticket", departed_at=timezone.now(), destination="湖南省邵阳市", ticket_no="K9067", **kw)


@pytest.fixture
def death(scan):
    return lambda: Death(died_at=timezone.now(), place="站内医务室", cause="心脏骤停", proof_kind="medical",
                         proof=scan("cert.pdf"))


def test_departing_through_the_service_saves_the_departure_and_the_belongings(stay, reception):
    phone = Belonging.objects.create(stay=stay, item="手机")
    departure = depart_stay(stay=stay, by=reception, departure=ticket(), counted_out={phone.pk: ("returned", "")})
    assert departure.pk and reload(stay).departure == departure
    phone.refresh_from_db()
    assert phone.outcome == "returned" and phone.counted_out_by == reception and phone.returned_at is not None


def test_the_departure_transition_alone_saves_no_other_row(stay, reception):
    """The transition checks the departure and counts the belongings out, nothing else: the stay is
    departed, but the departure and the belongings are the service's to save."""
    phone = Belonging.objects.create(stay=stay, item="手机")
    workflow.apply(stay, "depart", reception, departure=ticket(), counted_out={phone.pk: ("returned", "")})
    assert reload(stay).state == "departed"
    assert not Departure.objects.exists()
    assert reload(phone).counted_out_at is None


def test_recording_a_death_through_the_service_saves_it(stay, reception, death):
    recorded = record_death(stay=stay, by=reception, death=death())
    assert recorded.pk and reload(stay).death == recorded and recorded.reported_at is not None


def test_the_death_transition_alone_saves_no_death(stay, reception, death):
    workflow.apply(stay, "die", reception, death=death())
    assert reload(stay).state == "deceased"
    assert not Death.objects.exists()


def test_an_ended_stay_is_no_longer_due_a_review(stay, reception):
    """The review is planned again by the step's service (an adult of 16+: reviewed after 10 days)."""
    Stay.objects.filter(pk=stay.pk).update(arrived_at=timezone.now() - 30 * DAY)
    stay = reload(stay)
    stay.plan_review()
    assert reload(stay).review_due_at is not None
    admit_stay(stay=stay, by=reception)
    depart_stay(stay=reload(stay), by=reception, departure=ticket())
    assert reload(stay).review_due_at is None


def test_an_arrival_keeps_its_counts_the_last_arrival_the_review_and_the_name_keys(station, reception):
    arrived = timezone.now() - 2 * DAY
    stay = register_arrival(person=Person(name="陈建国", sex="M", age_min=50, age_max=60), by=reception,
                            stay=Stay(arrived_at=arrived, found_place="广州站", brought_by="self",
                                      entered_at=arrived))
    stay, person = reload(stay), reload(stay.person)
    assert stay.age_at_arrival == 55 and not stay.repeat_arrival
    assert person.last_arrived_at == arrived
    assert stay.review_due_at == arrived + datetime.timedelta(days=10) and stay.review_point == "adult"
    assert set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))


def test_a_plain_save_keeps_nothing_else(station, reception):
    """objects.create writes the rows alone: the services (or the rule's function) keep the rest."""
    person = Person.objects.create(station=station, name="陈建国", sex="M", age_min=50, age_max=60)
    stay = Stay.objects.create(person=person, arrived_at=timezone.now() - 30 * DAY, found_place="广州站",
                               brought_by="self", entered_by=reception)
    stay, person = reload(stay), reload(person)
    assert stay.age_at_arrival is None and stay.review_due_at is None and person.last_arrived_at is None
    assert not PersonNameKey.objects.filter(person=person).exists()
    stay_arrived(stay)
    keep_name_keys(person)
    stay, person = reload(stay), reload(person)
    assert stay.age_at_arrival == 55 and stay.review_point == "adult" and person.last_arrived_at == stay.arrived_at
    assert PersonNameKey.objects.filter(person=person).exists()


def test_an_earlier_stay_entered_late_makes_the_later_one_a_repeat(person, reception):
    later = Stay.objects.create(person=person, arrived_at=timezone.now() - 2 * DAY, found_place="广州站",
                                brought_by="self", entered_by=reception, state="departed")
    stay_arrived(later)
    assert not reload(later).repeat_arrival
    earlier = Stay.objects.create(person=person, arrived_at=timezone.now() - 20 * DAY, found_place="广州站",
                                  brought_by="self", entered_by=reception, state="departed")
    stay_arrived(earlier)
    assert reload(later).repeat_arrival and not reload(earlier).repeat_arrival
    assert reload(person).last_arrived_at == later.arrived_at


def test_correcting_the_file_keeps_its_name_keys_and_its_stays_ages(stay):
    person = reload(stay.person)
    person.name, person.age_min, person.age_max = "程小明", 30, 40
    correct_file(person=person)
    assert reload(stay).age_at_arrival == 35
    keys = set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
    assert keys and list(PersonNameKey.objects.people(["程小明"])) == [person.pk]


def test_a_plain_save_of_the_file_leaves_its_stays_ages(stay):
    person = reload(stay.person)
    person.age_min, person.age_max = 30, 40
    person.save()
    assert reload(stay).age_at_arrival == 65
    keep_stay_ages(person)
    assert reload(stay).age_at_arrival == 35


def test_merging_through_the_service_moves_the_stays_and_counts_them_again(station, reception, admin_user):
    duplicate, survivor = (Person.objects.create(station=station, name=n, sex="M", age_min=40, age_max=50)
                           for n in ("张三", "张三丰"))
    first = Stay.objects.create(person=survivor, arrived_at=timezone.now() - 20 * DAY, found_place="广州站",
                                brought_by="self", state="departed")
    later = Stay.objects.create(person=duplicate, arrived_at=timezone.now() - 2 * DAY, found_place="广州站",
                                brought_by="self", state="departed")
    for stay in (first, later):
        stay_arrived(stay)
    Person.objects.filter(pk=survivor.pk).update(age_min=60, age_max=70)
    assert merge_files(merged=duplicate, survivor=reload(survivor), by=admin_user, reason="同一人") == 1
    later = reload(later)
    assert later.person_id == survivor.pk and later.repeat_arrival and later.age_at_arrival == 65
    assert reload(survivor).last_arrived_at == later.arrived_at and reload(duplicate).last_arrived_at is None


def test_the_merge_rule_alone_marks_the_file_merged_and_moves_nothing(station, reception, admin_user):
    duplicate, survivor = (Person.objects.create(station=station, name=n) for n in ("张三", "张三丰"))
    stay = Stay.objects.create(person=duplicate, arrived_at=timezone.now(), found_place="广州站", brought_by="self")
    duplicate.merge_into(survivor, admin_user, "同一人")
    assert reload(duplicate).merged_into == survivor
    assert reload(stay).person_id == duplicate.pk
