"""The test data's rows, from factories (factory_boy): a station, a user in a role, a person, a stay, a
family report. Each gives a valid row with plain defaults; a test names only what it is about:
`StayFactory(person__station=station, entered_by=reception)`.

Rows that a step creates (a departure, a death, a published notice, a candidate) are not made here:
tests take the step through its service, as a page would. What the register keeps worked out about a
file or an arrival (search keys, the last arrival, the first review) the factories keep as the services
do."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from family.models import FamilyReport
from shelter.models import Person, Station, Stay, User
from shelter.services import keep_name_keys, stay_arrived


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n:02d}")
    name = factory.LazyAttribute(lambda station: f"{station.code} Rescue Station")


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member of `station` in `role` (a group of shelter.roles; reception unless said), password
    "pw-<username>"."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    station = factory.SubFactory(StationFactory)
    password = factory.LazyAttribute(lambda user: f"pw-{user.username}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name=extracted or "reception"))


class PersonFactory(factory.django.DjangoModelFactory):
    """A file at `station`, with the model's defaults for what a test does not name; its search keys
    kept as the register keeps them (shelter.services.keep_name_keys)."""

    class Meta:
        model = Person

    station = factory.SubFactory(StationFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = super()._create(model_class, *args, **kwargs)
        keep_name_keys(person)
        return person


class StayFactory(factory.django.DjangoModelFactory):
    """A stay that arrived now, brought by the police, with what the register keeps of an arrival (the
    file's last arrival, the counts, the first review: shelter.services.stay_arrived)."""

    class Meta:
        model = Stay

    person = factory.SubFactory(PersonFactory)
    arrived_at = factory.LazyFunction(timezone.now)
    found_place = "天河客运站候车厅"
    brought_by = "police"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        stay = super()._create(model_class, *args, **kwargs)
        stay_arrived(stay)
        return stay


def arrive(station, staff, arrived_at=None, identity="unknown", **person):
    """A man in his sixties (or `person`'s facts) registered at `station` by `staff` with an open stay,
    arrived `arrived_at` (now); the stay opens its tracing case."""
    values = {"sex": "M", "age_min": 60, "age_max": 70, **person}
    return StayFactory(person=PersonFactory(station=station, created_by=staff, **values),
                       arrived_at=arrived_at or timezone.now(), identity=identity, entered_by=staff,
                       staff_in_charge=staff, clothing="蓝色外套，黑裤")


class FamilyReportFactory(factory.django.DjangoModelFactory):
    """What a family reports at the counter (not saved by .build(): the service registers it)."""

    class Meta:
        model = FamilyReport

    reporter_name = "张伟"
    reporter_relation = "儿子"
    reporter_phone = "13912345678"
    reporter_id_number = "11010519491231002X"
