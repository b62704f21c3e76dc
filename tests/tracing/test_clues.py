"""Clues in a person's own words (tracing.clues): realistic interview texts written for these tests, in
Chinese, with dialect spellings, old place names, an ambiguous county name, phone and ID numbers."""

import pytest

from lib import idcard
from tracing import clues

INTERVIEW = (
    "问他家在哪里，他说俺是湖南邵阳的，屋里在隆回那边。俺哥叫王建军，在红星机械厂上班。"
    "小时候在桃花坪镇读书，村口有条资江。他说他娘的电话是13873912345，记不清了。"
)


def found(text, kind):
    return [c for c in clues.extract(text) if c.kind == kind]


def test_province_and_city_written_together_are_one_place():
    [place] = found("我是湖南邵阳的。", "place")
    assert (place.value, place.normalised, place.code) == ("湖南邵阳", "湖南省邵阳市", "430500")
    assert place.sentence == "我是湖南邵阳的。"


def test_a_county_is_found_with_its_province_and_city():
    [place] = found("屋里在隆回那边", "place")
    assert (place.normalised, place.code) == ("湖南省邵阳市隆回县", "430524")


def test_old_place_names_lead_to_the_division_of_today():
    [xiangfan] = found("我老家是襄樊的", "place")
    [qianyang] = found("那时候还叫黔阳地区", "place")
    assert (xiangfan.normalised, xiangfan.code) == ("湖北省襄阳市", "420600")
    assert (qianyang.normalised, qianyang.code) == ("湖南省怀化市", "431200")


def test_an_ambiguous_name_gives_every_candidate():
    [place] = found("我是鼓楼区的", "place")
    assert place.code == ""
    assert [c for c, _name in place.candidates] == ["320106", "320302", "350102", "410204"]
    [changning] = found("俺家在长宁", "place")
    assert dict(changning.candidates) == {"310105": "上海市长宁区", "511524": "四川省宜宾市长宁县"}


def test_a_name_and_the_relative_it_belongs_to():
    [name] = found("我哥叫王建军", "name")
    assert (name.normalised, name.code) == ("王建军", "哥")
    [mother] = found("俺娘叫李秀英，在家种地。", "name")
    assert (mother.normalised, mother.code) == ("李秀英", "娘")


def test_a_place_inside_a_personal_name_is_no_place():
    # 秀英 is also a district of Haikou.
    assert found("俺娘叫李秀英。", "place") == []


def test_kin_mentioned_without_a_name():
    assert [c.normalised for c in found("额爸是开拖拉机的", "kin")] == ["爸"]


def test_schools_factories_townships_and_rivers():
    values = [c.normalised for c in found(INTERVIEW, "landmark")]
    assert values == ["红星机械厂", "桃花坪镇", "资江"]


def test_phone_numbers_written_several_ways():
    assert [c.normalised for c in found("电话13873912345", "phone")] == ["13873912345"]
    assert [c.normalised for c in found("他说是138 7391 2345，座机0739-5221234", "phone")] == [
        "13873912345", "0739-5221234"]


@pytest.mark.django_db
def test_a_valid_id_number_is_checked_and_gives_its_county():
    number = "43052419800101123" + idcard.check_char("43052419800101123")
    [clue] = found(f"身份证号是{number}。", "id_number")
    assert clue.valid
    assert clue.code == "430524"
    assert clue.candidates == [("430524", "湖南省邵阳市隆回县")]


@pytest.mark.django_db
def test_an_invalid_id_number_is_kept_but_marked():
    good = idcard.check_char("43052419800101123")
    wrong = "0" if good != "0" else "1"
    [clue] = found(f"身份证43052419800101123{wrong}", "id_number")
    assert not clue.valid
    assert clue.code == ""
    assert found(f"身份证43052419800101123{wrong}", "phone") == []


def test_accent_words_point_to_regions_and_dialect_names_too():
    [accent] = found("俺不知道", "accent")
    assert set(accent.regions) == {"37", "41", "13"}
    assert clues.dialect_regions("湖南话") == ["43"]
    assert clues.dialect_regions("四川话") == ["50", "51"]


def test_a_whole_interview():
    kinds = [(c.kind, c.normalised) for c in clues.extract(INTERVIEW)]
    assert kinds[:2] == [("place", "湖南省邵阳市"), ("place", "湖南省邵阳市隆回县")]
    assert ("name", "王建军") in kinds
    assert ("phone", "13873912345") in kinds
    assert ("accent", "俺") in kinds


def test_a_township_is_a_place_in_its_county():
    """Townships from the 2023 division codes (tracing/data/townships.csv.gz): written after the county,
    alone, or narrowed by the province named before; a name too common (城关镇) stays a landmark, and so
    does a township renamed before 2023 (桃花坪镇 is 桃花坪街道 now)."""
    after = found("俺屋里在隆回县六都寨镇，门口有条河。", "place")
    assert [(c.normalised, c.code) for c in after] == [("湖南省邵阳市隆回县六都寨镇", "430524")]
    alone = found("他说老家在六都寨镇，离县城远得很。", "place")
    assert [(c.normalised, c.code) for c in alone] == [("湖南省邵阳市隆回县六都寨镇", "430524")]
    assert not found("他说老家在六都寨镇，离县城远得很。", "landmark")
    narrowed = found("我是四川人，家在竹海镇。", "place")
    assert ("四川省宜宾市长宁县竹海镇", "511524") in [(c.normalised, c.code) for c in narrowed]
    assert not found("我家在城关镇", "place") and [c.value for c in found("我家在城关镇", "landmark")] == ["城关镇"]
    assert [c.value for c in found("俺在桃花坪镇读书", "landmark")] == ["桃花坪镇"]
    assert not found("俺在桃花坪镇读书", "place")  # not 花坪镇 inside it
