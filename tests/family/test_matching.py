"""Description matching: Chinese names by characters, sound and accent; ages, places, sex."""

import pytest
from django.utils import translation

from family.matching import Description, compare, name_score, score_place


@pytest.mark.parametrize("a, b, at_least, at_most", [
    ("李秀英", "李秀英", 1.0, 1.0),
    ("李秀英", "李秀瑛", 0.9, 0.9),  # same sound, other character
    ("刘德华", "牛德华", 0.8, 0.8),  # n/l merged in a southern accent
    ("张建国", "赵建国", 0.4, 0.79),  # one syllable differs
    ("张建国", "陈美华", 0.0, 0.35),
])
def test_chinese_names_by_characters_sound_and_accent(a, b, at_least, at_most):
    score, reason = name_score(a, b)
    assert at_least <= score <= at_most, reason


def test_aliases_count_as_names():
    a = Description(names=["王大宝"], sex="M")
    b = Description(names=["", "宝宝", "王大宝"], sex="M")
    assert compare(a, b).fields[0].score == 1.0


def test_a_different_sex_rules_out_a_match():
    a = Description(names=["李秀英"], sex="F", age_min=70, age_max=80)
    b = Description(names=["李秀英"], sex="M", age_min=70, age_max=80)
    assert compare(a, b).score == 0.0


def test_overlapping_estimated_ages_score_higher_than_distant_ones():
    base = Description(sex="F", age_min=70, age_max=80)
    near = compare(base, Description(sex="F", age_min=78, age_max=85))
    far = compare(base, Description(sex="F", age_min=30, age_max=35))
    assert near.score > far.score
    assert next(f for f in far.fields if f.field == "age").score == 0.0


def test_an_age_from_a_date_of_birth_reads_as_one_age_not_a_range():
    # A report's age from its date of birth (66) against an estimate: "66", never "66–66".
    with translation.override("en"):
        age = next(f for f in compare(Description(sex="M", age_min=66, age_max=66),
                                      Description(sex="M", age_min=60, age_max=70)).fields if f.field == "age")
    assert age.reason == "ages 66 and 60–70 overlap"


def test_unknown_fields_neither_help_nor_hurt():
    known = Description(names=["李秀英"], sex="F")
    assert compare(known, Description(names=["李秀英"], sex="F", height_cm=150)).score == 1.0


def test_places_agree_as_far_as_both_go():
    assert score_place("湖南邵阳", "湖南省邵阳市隆回县").score == 1.0
    assert score_place("湖南省长沙市", "湖南省邵阳市").score == 0.5
    assert score_place("四川省南充市", "湖南省邵阳市").score == 0.0
    assert score_place("", "湖南") is None


def test_every_field_gives_a_readable_reason():
    match = compare(
        Description(names=["李秀英"], sex="F", age_min=75, age_max=85, height_cm=152, place="湖南省邵阳市", dialect="湘语"),
        Description(names=["李秀瑛"], sex="F", age_min=80, age_max=80, height_cm=155, place="湖南邵阳", dialect="湘语"),
    )
    assert [f.field for f in match.fields] == ["name", "sex", "age", "height", "place", "dialect"]
    assert all(f.reason for f in match.fields)
    assert match.score > 0.9
