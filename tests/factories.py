"""The test data's rows, from factories (factory_boy): a station, a user in a role, a person, a stay, a
family report. Each gives a valid row with plain defaults; a test names only what it is about:
`StayFactory(person__station=station, entered_by=reception)`.

Rows that a step creates (a departure, a death, a published notice, a candidate) are not made here:
tests take the step through its service, as a page would."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from family.models import FamilyReport
from shelter.models import Person, Station, Stay, User


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
    """A file of an unknown man in his sixties (the most common arrival)."""

    class Meta:
        model = Person

    station = factory.SubFactory(StationFactory)
    sex = "M"
    age_min = 60
    age_max = 70
    created_by = factory.SubFactory(UserFactory, station=factory.SelfAttribute("..station"))


class StayFactory(factory.django.DjangoModelFactory):
    """An open stay brought by the police, arrived now."""

    class Meta:
        model = Stay

    person = factory.SubFactory(PersonFactory)
    arrived_at = factory.LazyFunction(timezone.now)
    found_place = "天河客运站候车厅"
    brought_by = "police"
    entered_by = factory.SelfAttribute("person.created_by")
    staff_in_charge = factory.SelfAttribute("entered_by")


class FamilyReportFactory(factory.django.DjangoModelFactory):
    """What a family reports at the counter (not saved by .build(): the service registers it)."""

    class Meta:
        model = FamilyReport

    reporter_name = "张伟"
    reporter_relation = "儿子"
    reporter_phone = "13912345678"
    reporter_id_number = "11010519491231002X"
