"""Description matching: how well two descriptions of a person agree, field by field.

Used wherever Homeward asks "could these be the same person?" without a face: a family report against
the station's residents, and a new arrival against earlier files. Each field gives a score in [0, 1]
(or None when either side does not know it) and a reason a person can read; the total is the weighted
mean of the known fields, so an unknown field neither helps nor hurts.

Chinese names are compared the way staff hear them over the phone: the same characters; the same
sound (pinyin without tones: 李秀英 / 李秀瑛); a similar sound, allowing the confusions common in
southern accents (n/l, f/h, zh/z, ch/c, sh/s, -ng/-n); and any alias of either side.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from lib.dates import ages
from lib.names import fold, pinyin, split_names

WEIGHTS = {"name": 3.0, "sex": 2.0, "age": 2.0, "height": 1.0, "place": 1.5, "dialect": 0.5}

# pinyin, the accent folds (lib.names.ACCENT_FOLDS) and split_names are in lib.names, with the search
# keys built from them (lib.names.name_key).


@dataclass
class Description:
    names: list = field(default_factory=list)  # name first, then aliases
    sex: str = "U"  # M, F or U
    age_min: int = None
    age_max: int = None
    height_cm: int = None
    place: str = ""  # native or home place
    dialect: str = ""

    @classmethod
    def of_person(cls, person, on=None):
        youngest, oldest = person.age_range(on)
        return cls(
            names=split_names(person.name, person.aliases), sex=person.sex, age_min=youngest, age_max=oldest,
            height_cm=person.height_cm, place=person.native_place, dialect=person.dialect,
        )


@dataclass
class FieldScore:
    field: str
    score: float
    reason: str


@dataclass
class Match:
    score: float
    fields: list

    def as_dict(self):
        return {"score": round(self.score, 3),
                "fields": [{"field": f.field, "score": round(f.score, 3), "reason": f.reason} for f in self.fields]}


def name_score(a, b):
    """(score, reason) for two single names."""
    if a == b:
        return 1.0, _("same name %(name)s") % {"name": a}
    pa, pb = pinyin(a), pinyin(b)
    if pa and pa == pb:
        return 0.9, _("%(a)s and %(b)s sound the same (%(py)s)") % {"a": a, "b": b, "py": " ".join(pa)}
    if pa and pb and fold(pa) == fold(pb):
        return 0.8, _("%(a)s and %(b)s sound alike in a southern accent") % {"a": a, "b": b}
    ratio = fuzz.ratio(fold(pa), fold(pb)) / 100 if pa and pb else 0.0
    shared = len(set(a) & set(b)) / max(len(a), len(b))
    score = max(0.7 * ratio, 0.6 * shared)
    return score, _("%(a)s and %(b)s are %(pct)d%% alike") % {"a": a, "b": b, "pct": round(score * 100)}


def score_names(names_a, names_b):
    if not names_a or not names_b:
        return None
    best = max((name_score(a, b) for a in names_a for b in names_b), key=lambda s: s[0])
    return FieldScore("name", *best)


def score_sex(a, b):
    if "U" in (a, b) or not a or not b:
        return None
    if a == b:
        return FieldScore("sex", 1.0, _("same sex"))
    return FieldScore("sex", 0.0, _("different sex"))


def score_age(a_min, a_max, b_min, b_max):
    """Estimated ages overlap or not; each year of gap between the ranges costs a tenth."""
    if None in (a_min, b_min):
        return None
    a_max = a_min if a_max is None else a_max
    b_max = b_min if b_max is None else b_max
    gap = max(a_min - b_max, b_min - a_max, 0)
    score = max(0.0, 1.0 - gap / 10)
    if gap == 0:
        return FieldScore("age", score, _("ages %(a)s and %(b)s overlap") % {"a": ages(a_min, a_max),
                                                                              "b": ages(b_min, b_max)})
    return FieldScore("age", score, _("ages %(a)s and %(b)s are %(gap)s years apart") % {
        "a": ages(a_min, a_max), "b": ages(b_min, b_max), "gap": gap})


def score_height(a, b):
    if not a or not b:
        return None
    diff = abs(a - b)
    score = 1.0 if diff <= 5 else max(0.0, 1.0 - (diff - 5) / 10)
    return FieldScore("height", score, _("heights differ by %(cm)s cm") % {"cm": diff})


PLACE_SUFFIXES = re.compile(r"(自治区|自治州|特别行政区|省|市|县|区|镇|乡|村)")


def score_place(a, b):
    """Places agree as far as both go: 湖南邵阳 and 湖南省邵阳市隆回县 agree fully; the same province
    only, about half. Compared without 省/市/县 so that how carefully it was written does not matter."""
    pa, pb = PLACE_SUFFIXES.sub("", a or ""), PLACE_SUFFIXES.sub("", b or "")
    if not pa or not pb:
        return None
    common = 0
    for x, y in zip(pa, pb):
        if x != y:
            break
        common += 1
    score = common / min(len(pa), len(pb))
    return FieldScore("place", score, _("places %(a)s and %(b)s") % {"a": a, "b": b})


def score_dialect(a, b):
    if not a or not b:
        return None
    score = fuzz.partial_ratio(a, b) / 100
    return FieldScore("dialect", score, _("accents %(a)s and %(b)s") % {"a": a, "b": b})


def compare(a, b):
    """Match of two Descriptions: the weighted mean over fields both sides know."""
    fields = [f for f in (
        score_names(a.names, b.names),
        score_sex(a.sex, b.sex),
        score_age(a.age_min, a.age_max, b.age_min, b.age_max),
        score_height(a.height_cm, b.height_cm),
        score_place(a.place, b.place),
        score_dialect(a.dialect, b.dialect),
    ) if f is not None]
    if not fields:
        return Match(0.0, [])
    total = sum(WEIGHTS[f.field] * f.score for f in fields) / sum(WEIGHTS[f.field] for f in fields)
    # A different sex rules a match out, whatever else agrees.
    if any(f.field == "sex" and f.score == 0 for f in fields):
        total = 0.0
    return Match(total, fields)

