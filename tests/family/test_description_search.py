"""The description search (family.finding.description_matches) narrows the register by the name keys
(shelter.models.PersonNameKey, lib.names.name_key) and proposes exactly the files that scoring every file
of the register finds strong: the same names, sounds and accent folds, aliases, ID numbers; no near miss."""

import datetime

import pytest

from family import finding
from family.matching import Description
from lib.names import name_key, name_keys
from shelter.models import Person, PersonNameKey
from shelter.services import correct_file, keep_name_keys

# Files of two stations: homophones, accent folds (陈/程, 刘/牛, 黄/王 do not fold), aliases, names in
# pinyin or Latin letters, a name with a stray letter, near misses sharing a surname or a character.
REGISTER = [
    ("李秀英", "", "F", 60), ("李秀瑛", "", "F", 62), ("黎秀英", "阿英", "F", 58), ("李秀", "", "F", 60),
    ("李英秀", "", "F", 60), ("陈建国", "", "M", 45), ("程建国", "老程", "M", 47), ("岑建国", "", "M", 44),
    ("陈国建", "", "M", 45), ("刘德华", "", "M", 50), ("牛德华", "", "M", 52), ("留德花", "", "M", 49),
    ("黄明", "", "M", 33), ("王明", "", "M", 33), ("方明", "", "M", 33), ("张伟", "小张, 阿伟", "M", 30),
    ("詹伟", "", "U", 31), ("章伟", "", "F", 30), ("Li Xiuying", "", "F", 60), ("li xiuying", "", "F", 60),
    ("李a秀英", "", "F", 60), ("", "李秀英", "F", 61), ("王小明", "王二", "M", 8), ("林宁", "", "F", 25),
    ("宁林", "", "F", 25), ("胡福生", "", "M", 70), ("傅福森", "", "M", 72), ("胡福", "", "M", 70),
]


@pytest.fixture
def register(station, other_station):
    people = []
    for i, (name, aliases, sex, age) in enumerate(REGISTER):
        people.append(Person.objects.create(
            station=station if i % 2 else other_station, name=name, aliases=aliases, sex=sex,
            age_min=age - 2, age_max=age + 2, native_place="湖南省邵阳市" if i % 3 else "四川省达州市",
            id_number="" if i != 5 else "430521197901010010",
        ))
        keep_name_keys(people[-1])  # as register_arrival keeps them
    return people


def exhaustive(description, id_number=""):
    """What scoring every file finds strong (the search's definition, without any narrowing)."""
    return {p.pk for p in Person.objects.filter(merged_into__isnull=True)
            if finding.score_description(description, p, id_number).strong}


QUERIES = [
    (["李秀英"], "F", 55, 65, "湖南省"), (["李秀英"], "U", None, None, ""), (["黎秀瑛"], "F", 58, 64, "湖南邵阳"),
    (["陈建国"], "M", 40, 50, "四川"), (["程建国"], "M", None, None, ""), (["岑建国", "老程"], "M", 44, 48, ""),
    (["刘德华"], "M", 48, 55, "湖南"), (["牛德华"], "F", 48, 55, ""), (["黄明"], "M", 30, 35, ""),
    (["方明"], "M", 30, 35, ""), (["张伟"], "M", 28, 32, "湖南"), (["阿伟"], "U", None, None, ""),
    (["詹伟"], "U", 29, 33, ""), (["Li Xiuying"], "F", 60, 60, ""), (["li xiuying"], "F", None, None, ""),
    (["李b秀英"], "F", 58, 62, ""), (["王二"], "M", 6, 10, ""), (["宁林"], "F", 24, 26, ""),
    (["胡福生"], "M", 68, 72, ""), (["福生"], "M", None, None, ""), (["李英"], "F", 60, 60, ""),
    (["赵六"], "M", 40, 50, ""), (["李"], "F", None, None, ""),
]


@pytest.mark.parametrize("names,sex,youngest,oldest,place", QUERIES)
def test_search_proposes_exactly_what_scoring_every_file_finds(register, names, sex, youngest, oldest, place):
    description = Description(names=names, sex=sex, age_min=youngest, age_max=oldest, place=place)
    found = {p.pk for p, _ in finding.description_matches(description)}
    assert found == exhaustive(description)


def test_the_fixtures_reach_every_way_a_name_is_heard(register):
    """The register above is worth comparing on: the search proposes by sound, by fold and by alias, and
    leaves out the near misses that share only characters."""
    def found(name, sex="U"):
        return {p.name or p.aliases for p, _ in finding.description_matches(Description(names=[name], sex=sex))}
    assert {"李秀英", "李秀瑛", "黎秀英", "李a秀英"} <= found("李秀英", "F")
    assert not {"李秀", "李英秀", "Li Xiuying"} & found("李秀英", "F")
    assert {"陈建国", "程建国", "岑建国"} <= found("陈建国", "M") and "陈国建" not in found("陈建国", "M")
    assert {"刘德华", "牛德华", "留德花"} <= found("刘德华", "M")
    assert "王明" not in found("黄明", "M")  # huang and wang do not fold together
    assert found("老程", "M") == {"程建国"}


def test_an_id_number_finds_its_file_whatever_the_name(register):
    description = Description(names=["赵六"], sex="M")
    assert [p.pk for p, _ in finding.description_matches(description, "430521197901010010")] == [register[5].pk]


def test_keys_follow_the_name_and_aliases(register):
    person = register[0]
    assert set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True)) == {name_key("李秀英")}
    person.name, person.aliases = "陈红", "Ah Hong, 红红"
    correct_file(person=person)
    assert set(person.name_keys.values_list("key", flat=True)) == set(name_keys("陈红", "Ah Hong, 红红"))
    assert name_keys("陈红", "Ah Hong, 红红") == sorted({"cen hon", "=Ah", "=Hong", "hon hon"})
    description = Description(names=["程红"], sex="F")
    assert person.pk in {p.pk for p, _ in finding.description_matches(description)}
    assert person.pk not in {p.pk for p, _ in finding.description_matches(Description(names=["李秀英"], sex="F"))}


def test_the_old_narrowing_when_weak_names_may_propose(register, settings):
    """Below a name score of 0.7, names sharing only characters may propose: the keys do not cover that,
    and the search falls back to the name, alias and surname narrowing."""
    settings.TRACING_MIN_NAME_SCORE = 0.5
    description = Description(names=["李秀英"], sex="F", age_min=58, age_max=62)
    found = {p.pk for p, _ in finding.description_matches(description)}
    assert found == exhaustive(description) - {p.pk for p in register if not (p.name or "李").startswith("李")}
    assert Person.objects.get(name="李秀").pk in found


def test_migration_keys_match_those_saved(register):
    """The keys written for a file (the migration and the benchmark write them with lib.names.name_keys)
    are the keys keep_name_keys stores."""
    for person in register:
        assert sorted(person.name_keys.values_list("key", flat=True)) == name_keys(person.name, person.aliases)


def test_created_files_are_searchable_at_once(station):
    person = Person.objects.create(station=station, name="欧阳修", sex="M", date_of_birth=datetime.date(1970, 1, 1))
    keep_name_keys(person)  # as register_arrival and correct_file keep them
    assert [p.pk for p, _ in finding.description_matches(Description(names=["欧阳秀"], sex="M"))] == [person.pk]
