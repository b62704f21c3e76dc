"""The data-quality checks: one function per kind of problem, each returning the records that break its
rule now, as `Found` rows, from grouped queries (never a query per record).

Each `Found` has the key that identifies the broken record and rule ("<kind>:<model>:<pk>"), the
station, the person and stay it is about, the owner (the staff member in charge, None: the station's
supervisors) and the parameters the wording needs. The sweep (oversight.problem_sweep) turns them into
Problems. The grace periods are settings (DATA_QUALITY_*), so a rule does not fire while the desk is
still within its time.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from face.models import Portrait
from family.models import DuplicateState, PossibleDuplicate
from lib import idcard
from lib.dates import years_between
from shelter.models import (
    OPEN_STAY_STATES,
    Belonging,
    BroughtBy,
    CheckState,
    Decision,
    Departure,
    Identity,
    Person,
    SecondCheck,
    Sex,
    Station,
    Stay,
    StayState,
    User,
)
from tracing.models import CloseCause, DnaReferral, Publication

from . import figures
from .models import MonthlyInspection, ProblemKind

ENDED_STAYS = (StayState.DEPARTED, StayState.DECEASED)
# An age estimate is a guess: an ID number's age this many years outside it is not yet a contradiction.
AGE_TOLERANCE = 3


@dataclass(frozen=True)
class Found:
    kind: str
    key: str
    station_id: int
    person_id: int | None = None
    stay_id: int | None = None
    owner_id: int | None = None
    params: dict = field(default_factory=dict, compare=False, hash=False)


def days(name, default):
    return datetime.timedelta(days=getattr(settings, name, default))


def open_stay_staff():
    """{person id: (stay id, staff in charge id)} of the open stays: one query."""
    rows = Stay.objects.open().values_list("person_id", "pk", "staff_in_charge_id")
    return {person: (stay, staff) for person, stay, staff in rows}


def main_portrait():
    return Exists(Portrait.objects.filter(person=OuterRef("person_id"), is_main=True))


def id_contradicts(now):
    """A valid ID number whose birth date or sex disagrees with the file's date of birth, sex or age
    estimate. (An invalid number cannot be saved through the forms; it is not this check's business.)"""
    today = now.date()
    staff = open_stay_staff()
    rows = (Person.objects.filter(merged_into__isnull=True).exclude(id_number="")
            .values_list("pk", "station_id", "id_number", "sex", "date_of_birth", "age_min", "age_max"))
    for pk, station_id, number, sex, born, age_min, age_max in rows.iterator(chunk_size=2000):
        try:
            number = idcard.validate(number)
        except idcard.IdNumberError:
            continue
        id_born, fields = idcard.birth_date(number), []
        if born and born != id_born:
            fields.append("date_of_birth")
        if sex != Sex.UNKNOWN and idcard.sex(number) != sex:
            fields.append("sex")
        age = years_between(id_born, today)
        if (age_min is not None and age < age_min - AGE_TOLERANCE) or (
                age_max is not None and age > age_max + AGE_TOLERANCE):
            fields.append("age")
        if fields:
            stay, owner = staff.get(pk, (None, None))
            yield Found(ProblemKind.ID_CONTRADICTS, f"id_contradicts:person:{pk}", station_id, pk, stay, owner,
                        {"fields": fields, "id_birth_date": id_born.isoformat(), "id_sex": idcard.sex(number)})


def id_twice(now):
    """The same ID number on two files that both have an open stay (here or at another station)."""
    open_people = Person.objects.filter(merged_into__isnull=True, stays__state__in=OPEN_STAY_STATES).exclude(id_number="")
    twice = (open_people.values("id_number").annotate(files=Count("pk", distinct=True)).filter(files__gt=1)
             .values_list("id_number", flat=True))
    staff = open_stay_staff()
    rows = open_people.filter(id_number__in=list(twice)).values_list("pk", "station_id", "id_number").distinct()
    by_number = {}
    for pk, station_id, number in rows:
        by_number.setdefault(number, []).append((pk, station_id))
    for files in by_number.values():
        for pk, station_id in files:
            stay, owner = staff.get(pk, (None, None))
            others = sorted(other for other, _station in files if other != pk)
            yield Found(ProblemKind.ID_TWICE, f"id_twice:person:{pk}", station_id, pk, stay, owner,
                        {"others": others})


def no_portrait(now):
    """An open stay of a person whose identity is unknown, past the intake's day, without a main portrait."""
    rows = (Stay.objects.open().filter(identity=Identity.UNKNOWN,
                                       arrived_at__lt=now - days("DATA_QUALITY_PORTRAIT_DAYS", 1))
            .filter(~main_portrait())
            .values_list("pk", "person_id", "person__station_id", "staff_in_charge_id"))
    for stay, person, station_id, owner in rows:
        yield Found(ProblemKind.NO_PORTRAIT, f"no_portrait:stay:{stay}", station_id, person, stay, owner)


def notice_no_portrait(now):
    """A notice out (not withdrawn) for an open case whose person still has no main portrait."""
    portrait = Exists(Portrait.objects.filter(person=OuterRef("case__stay__person_id"), is_main=True))
    rows = (Publication.objects.filter(withdrawn_at__isnull=True, case__closed_at__isnull=True).filter(~portrait)
            .values_list("pk", "case__stay_id", "case__stay__person_id", "case__station_id",
                         "case__stay__staff_in_charge_id", "channel"))
    for pk, stay, person, station_id, owner, channel in rows:
        yield Found(ProblemKind.NOTICE_NO_PORTRAIT, f"notice_no_portrait:publication:{pk}", station_id, person, stay,
                    owner, {"channel": channel})


# Once the family is found or the identity confirmed, a missing DNA sample or result is no longer owed.
KNOWN = (CloseCause.FAMILY_FOUND, CloseCause.IDENTITY_CONFIRMED)


def dna_not_sampled(now):
    """A DNA referral sent more than a month ago with no sample recorded, while the person is still unknown."""
    rows = (DnaReferral.objects.filter(sampled_at__isnull=True, sent_at__lt=now - days("DATA_QUALITY_DNA_SAMPLE_DAYS", 30))
            .exclude(case__close_cause__in=KNOWN)
            .values_list("pk", "case__stay_id", "case__stay__person_id", "case__station_id",
                         "case__stay__staff_in_charge_id", "reference_no", "sent_at"))
    for pk, stay, person, station_id, owner, reference, sent in rows:
        yield Found(ProblemKind.DNA_NOT_SAMPLED, f"dna_not_sampled:dna:{pk}", station_id, person, stay, owner,
                    {"reference": reference, "sent": sent.date().isoformat()})


def dna_no_result(now):
    """A DNA sample taken long ago with no comparison result recorded, while the person is still unknown."""
    rows = (DnaReferral.objects.filter(sampled_at__lt=now - days("DATA_QUALITY_DNA_RESULT_DAYS", 60), result="")
            .exclude(case__close_cause__in=KNOWN)
            .values_list("pk", "case__stay_id", "case__stay__person_id", "case__station_id",
                         "case__stay__staff_in_charge_id", "reference_no", "sampled_at"))
    for pk, stay, person, station_id, owner, reference, sampled in rows:
        yield Found(ProblemKind.DNA_NO_RESULT, f"dna_no_result:dna:{pk}", station_id, person, stay, owner,
                    {"reference": reference, "sampled": sampled.date().isoformat()})


def review_overdue(now):
    """An open stay whose long-stay review is overdue by more than the grace days (shelter's review_due_at)."""
    rows = (Stay.objects.open().filter(review_due_at__lt=now - days("DATA_QUALITY_REVIEW_GRACE_DAYS", 3))
            .values_list("pk", "person_id", "person__station_id", "staff_in_charge_id", "review_point",
                         "review_due_at"))
    for stay, person, station_id, owner, point, due in rows:
        yield Found(ProblemKind.REVIEW_OVERDUE, f"review_overdue:stay:{stay}", station_id, person, stay, owner,
                    {"point": point, "due": due.date().isoformat()})


def handover_missing(now):
    """A stay brought by the police without the handover form's number or scan (Stay.handover_missing),
    once the intake's day is over."""
    rows = (Stay.objects.filter(brought_by=BroughtBy.POLICE, arrived_at__lt=now - days("DATA_QUALITY_HANDOVER_DAYS", 1))
            .filter(Q(handover_ref="") | Q(handover_document=""))
            .values_list("pk", "person_id", "person__station_id", "staff_in_charge_id"))
    for stay, person, station_id, owner in rows:
        yield Found(ProblemKind.HANDOVER_MISSING, f"handover_missing:stay:{stay}", station_id, person, stay, owner)


def late_not_seen(now):
    """An arrival or departure entered late that no supervisor has marked seen within the grace days
    (or, from an import, without its reason)."""
    before = now - days("DATA_QUALITY_LATE_SEEN_DAYS", 7)
    late = Q(late=True) & (Q(late_seen_at__isnull=True) | Q(late_reason=""))
    stays = Stay.objects.filter(late, entered_at__lt=before).values_list(
        "pk", "person_id", "person__station_id", "staff_in_charge_id", "late_reason")
    for stay, person, station_id, owner, reason in stays:
        yield Found(ProblemKind.LATE_NOT_SEEN, f"late_not_seen:stay:{stay}", station_id, person, stay, owner,
                    {"record": "arrival", "reason_missing": not reason})
    departures = Departure.objects.filter(late, entered_at__lt=before).values_list(
        "pk", "stay_id", "stay__person_id", "stay__person__station_id", "stay__staff_in_charge_id", "late_reason")
    for pk, stay, person, station_id, owner, reason in departures:
        yield Found(ProblemKind.LATE_NOT_SEEN, f"late_not_seen:departure:{pk}", station_id, person, stay, owner,
                    {"record": "departure", "reason_missing": not reason})


def belongings(now):
    """An ended stay with belongings not counted out (no outcome recorded)."""
    rows = (Belonging.objects.filter(stay__state__in=ENDED_STAYS, outcome="")
            .values("stay_id", "stay__person_id", "stay__person__station_id", "stay__staff_in_charge_id")
            .annotate(items=Count("pk")))
    for row in rows:
        yield Found(ProblemKind.BELONGINGS, f"belongings:stay:{row['stay_id']}", row["stay__person__station_id"],
                    row["stay__person_id"], row["stay_id"], row["stay__staff_in_charge_id"], {"items": row["items"]})


def duplicate_dismissed(now):
    """A possible duplicate dismissed by someone who is not a supervisor: a supervisor takes a second
    look (accepting the problem with a reason, or merging the files), unless someone else already gave
    the dismissal its second check (shelter.models.checks)."""
    checked = SecondCheck.objects.filter(
        decision=Decision.DUPLICATE_DISMISSED, state=CheckState.CHECKED,
        content_type=ContentType.objects.get_for_model(PossibleDuplicate)).values("object_id")
    rows = (PossibleDuplicate.objects.filter(state=DuplicateState.DISMISSED)
            .exclude(reviewed_by__groups__name__in=("supervisor", "administrator"))
            .exclude(pk__in=checked)
            .values_list("pk", "person_id", "person__station_id", "other_id", "reviewed_by_id"))
    for pk, person, station_id, other, by in rows:
        yield Found(ProblemKind.DUPLICATE_DISMISSED, f"duplicate_dismissed:duplicate:{pk}", station_id, person,
                    None, None, {"other": other, "by": by})


def last_months(now):
    """(the month before the last, the last complete month), first days, in the stations' zone."""
    this = timezone.localtime(now, figures.station_zone()).date().replace(day=1)
    last = (this - datetime.timedelta(days=1)).replace(day=1)
    return (last - datetime.timedelta(days=1)).replace(day=1), last


MONTH_FIGURES = ("arrivals", "in_station")


def month_change(now):
    """A station's arrivals or residents (at month end) of the last complete month changed from the month
    before by more than DATA_QUALITY_MONTH_CHANGE_PERCENT, when either month counts at least
    DATA_QUALITY_MONTH_CHANGE_MIN (oversight.figures: the same counts as the monthly statistics)."""
    before, last = last_months(now)
    percent = getattr(settings, "DATA_QUALITY_MONTH_CHANGE_PERCENT", 50)
    smallest = getattr(settings, "DATA_QUALITY_MONTH_CHANGE_MIN", 10)
    for station_id, stats in sorted(figures.compute_per_station(before, last, now=now).items()):
        for key in MONTH_FIGURES:
            was, now_ = stats.value(key, before), stats.value(key, last)
            if max(was, now_) >= smallest and abs(now_ - was) * 100 > percent * max(was, 1):
                yield Found(ProblemKind.MONTH_CHANGE, f"month_change:station:{station_id}:{last:%Y-%m}:{key}",
                            station_id, params={"figure": key, "month": f"{last:%Y-%m}", "before": was,
                                                "after": now_, "percent": round((now_ - was) * 100 / max(was, 1))})


def inspection_month(now):
    """The month whose inspection is due by `now`: the last complete month, once INSPECTION_DUE_DAYS of
    the next have passed (the first day of the month, in the stations' zone)."""
    day = timezone.localtime(now - days("INSPECTION_DUE_DAYS", 7), figures.station_zone()).date()
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def inspection_missing(now):
    """A station whose monthly inspection (工作检查登记表) of the month due is not filed; its owner is the
    station head (the longest-serving active one; none: the supervisors), who hears of it once. Not one
    of CHECKS: problem_sweep.inspections raises these, and filing the inspection closes its problem
    (oversight.services.file_inspection), not a later month becoming the one due."""
    month = inspection_month(now)
    filed = set(MonthlyInspection.objects.filter(month=month).values_list("station_id", flat=True))
    heads = {}
    for station_id, user_id in (User.objects.filter(is_active=True, groups__name="station_head")
                                .order_by("-pk").values_list("station_id", "pk")):
        heads[station_id] = user_id
    for station_id in Station.objects.exclude(pk__in=filed).values_list("pk", flat=True):
        yield Found(ProblemKind.INSPECTION_MISSING, f"inspection_missing:station:{station_id}:{month:%Y-%m}",
                    station_id, owner_id=heads.get(station_id), params={"month": f"{month:%Y-%m}"})


def closes(key, now):
    """Whether an open problem the checks no longer find is fixed: a month's change only while that month
    is the one checked (a later month does not make last month's change go away)."""
    if key.startswith("month_change:"):
        return key.split(":")[3] == f"{last_months(now)[1]:%Y-%m}"
    return True


CHECKS = {
    ProblemKind.ID_CONTRADICTS: id_contradicts,
    ProblemKind.ID_TWICE: id_twice,
    ProblemKind.NO_PORTRAIT: no_portrait,
    ProblemKind.NOTICE_NO_PORTRAIT: notice_no_portrait,
    ProblemKind.DNA_NOT_SAMPLED: dna_not_sampled,
    ProblemKind.DNA_NO_RESULT: dna_no_result,
    ProblemKind.REVIEW_OVERDUE: review_overdue,
    ProblemKind.HANDOVER_MISSING: handover_missing,
    ProblemKind.LATE_NOT_SEEN: late_not_seen,
    ProblemKind.BELONGINGS: belongings,
    ProblemKind.DUPLICATE_DISMISSED: duplicate_dismissed,
    ProblemKind.MONTH_CHANGE: month_change,
}


def find_all(now):
    """{key: Found} of every record that breaks a rule now."""
    return {found.key: found for check in CHECKS.values() for found in check(now)}
