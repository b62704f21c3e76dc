"""The month's figures: what a station sends upstairs, computed from the register and the tracing cases.

Each figure is a count (or a sum) of the rows of one table that fall in a month and meet the figure's
condition (a Q object). The same condition gives the figure's rows (`rows_of`), so a figure and the
list behind it cannot disagree. Figures are computed with one query per table, grouped by month,
never a loop over rows; people in the station at each month end with one conditional count per month
in one query. What a figure needs of a stay is kept on the stay (age at arrival, repeat arrival, end),
so no count runs a subquery per row; for every station no join reaches the row's station.

Months are calendar months in the station's time zone. Stations have no time zone of their own today:
all of them use settings.TIME_ZONE (Asia/Shanghai by default), so a departure at 23:59 on the 31st
belongs to that month and one at 00:01 to the next, whatever the server's clock.

Definitions (where the rules are silent):
- arrivals: stays arrived in the month; age at arrival and repeat arrival as the stay keeps them
  (Stay.age_at_arrival: from the date of birth, else the middle of the estimated range;
  Stay.repeat_arrival: the file has an earlier stay); identity unknown: the stay's identity as the
  file says now.
- in the station at month end (or now, for the current month): arrived before and not yet departed
  or dead (Stay.ended_at, set by the departure and the death); how long: more than 10, 30 or 90
  whole days since the arrival.
- notices and DNA requests: of the cases of the month's arrivals, met by the deadline, late, or still
  missing (deadline passed while the case was open, nothing sent).
- departures: when the stay ended (the time of departure; a transfer to a station using Homeward when
  the receiving station accepted it: until then the person is in transfer and in the sender's count).
- families found: tracing cases closed "family found" in the month, by channel.
- where: at the station the stay was at (Stay.station), a tracing case at the stay whose arrival opened
  it (TracingCase.arrival), so an accepted transfer leaves the sender's past months as they were; the
  receiver's begin with the stay its acceptance opened.
- fingerprints: of the month's arrivals, whose file says the fingerprints were taken, or not taken (with
  the reason), as the file says now.
- interviews: interviews held in the month (Interview.held_at), of any stay at the station; and of the
  cases of the month's arrivals, the first interview held within TRACING_FIRST_INTERVIEW_DAYS, late, or
  still missing (as the notices).
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from lib.dates import LATEST
from shelter.models import BroughtBy, Death, Departure, DepartureKind, Fingerprints, FoundChannel, Sex, Stay
from tracing.models import CloseCause, Interview, TracingCase

CENT = Decimal("0.01")
STAY_DAYS = (10, 30, 90)  # "over 10 days, over a month, over three months"


# --- Months ----------------------------------------------------------------------------------------------


def station_zone():
    """The zone in which a station's months begin and end (one for all stations today)."""
    return ZoneInfo(settings.TIME_ZONE)


FIRST_YEAR = 2000  # the month's pages begin here; the register's years end at lib.dates.LATEST


def month_of(text):
    """date(YYYY, MM, 1) from "YYYY-MM", of any year; ValueError if it is not a month."""
    text = (text or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}", text):
        raise ValueError(text)
    return datetime.datetime.strptime(text, "%Y-%m").date()


def parse_month(text):
    """date(YYYY, MM, 1) from "YYYY-MM"; ValueError if it is not a month from 2000 to the register's last
    (lib.dates: 2100)."""
    day = month_of(text)
    if day.year < FIRST_YEAR or day > LATEST:
        raise ValueError(text)
    return day


def months_between(first, last):
    """How many months from first to last, both included (0 when last is before first), counted without
    walking them: a period is measured before any month of it is built."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def next_month(month):
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_range(first, last):
    """The months from first to last, both included."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def month_start(month):
    """The first instant of the month in the station's zone (an aware datetime)."""
    return datetime.datetime(month.year, month.month, 1, tzinfo=station_zone())


def month_end(month):
    return month_start(next_month(month))


def this_month():
    return timezone.localtime(timezone.now(), station_zone()).date().replace(day=1)


# --- Tables and figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Where a table's rows come from: the model, the field that places a row in a month and the path
    to its station."""

    key: str
    model: type
    at: str
    station: str

    def queryset(self):
        return self.model.objects.all()

    def of_stations(self, station_ids):
        """The rows of these stations (None: of every station)."""
        qs = self.queryset()
        return qs if station_ids is None else qs.filter(**{f"{self.station}__in": list(station_ids)})

    def in_period(self, station_ids, start, end):
        return self.of_stations(station_ids).filter(**{f"{self.at}__gte": start, f"{self.at}__lt": end})


# Every row counts at the station its stay was at (Stay.station), not the file's station now: a transfer
# or a merge never moves a station's past months.
ARRIVALS = Table("arrivals", Stay, "arrived_at", "station")
# A departure counts when its stay ended (Departure.counted_at): the time of departure, or for a transfer
# to a station using Homeward its acceptance there (until then the person is in transfer, counted at the
# sender; a refused transfer is no departure).
DEPARTURES = Table("departures", Departure, "counted_at", "stay__station")
DEATHS = Table("deaths", Death, "died_at", "stay__station")
# A tracing case counts at the arrival that opened it (TracingCase.arrival), where its deadlines began: a
# case that moved with an accepted transfer stays in the sending station's month.
CASES = Table("cases", TracingCase, "arrival__arrived_at", "arrival__station")
FOUND = Table("found", TracingCase, "closed_at", "station")
INTERVIEWS = Table("interviews", Interview, "held_at", "stay__station")
# People in the station at month end: stays, placed at each month end rather than in a month.
POPULATION = Table("population", Stay, "arrived_at", "station")


@dataclass(frozen=True)
class Figure:
    key: str
    section: str
    label: str
    table: Table
    condition: object = None  # a Q, or a function (now) -> Q
    total: str = ""  # a sum of this field instead of a count
    stock: bool = False  # counted at the month end (the range shows the last month's)

    def q(self, now):
        condition = self.condition(now) if callable(self.condition) else self.condition
        return condition or Q()

    def aggregate(self, now):
        if self.total:
            return Sum(self.total, filter=self.q(now))
        return Count("pk", filter=self.q(now))


SECTIONS = [
    ("arrivals", _("Arrivals")),
    ("population", _("In the station at month end")),
    ("departures", _("Departures")),
    ("deaths", _("Deaths")),
    ("tracing", _("Tracing")),
    ("found", _("Families found, by channel")),
    ("money", _("Money paid out on departure (yuan)")),
]


def in_station_at(end, days=0):
    """Q on stays: in the station at `end`, and there more than `days` whole days (Stay.days_in_station)."""
    arrived = Q(arrived_at__lte=end - datetime.timedelta(days=days + 1)) if days else Q(arrived_at__lt=end)
    return arrived & (Q(ended_at__isnull=True) | Q(ended_at__gte=end))


def notice_missing(kind):
    met, due = f"{kind}_met_at", f"{kind}_due_at"
    return lambda now: Q(**{f"{met}__isnull": True, f"{due}__lte": now}) & (
        Q(closed_at__isnull=True) | Q(closed_at__gt=F(due)))


def first_interview_missing(now):
    """The first interview's deadline passed while the case was open, none held (a case's first interview
    keeps its own due time: interview_first_due_at)."""
    return Q(interview_first_at__isnull=True, interview_first_due_at__lte=now) & (
        Q(closed_at__isnull=True) | Q(closed_at__gt=F("interview_first_due_at")))


def _format(text, params):
    return gettext(text) % params


def lazy_format(text, **params):
    """A label with parameters, translated when shown (not when this module is imported)."""
    return lazy(_format, str)(text, params)


def _figures():
    figures = [
        Figure("arrivals", "arrivals", _("Arrivals"), ARRIVALS),
        Figure("arrivals_male", "arrivals", _("men and boys"), ARRIVALS, Q(person__sex=Sex.MALE)),
        Figure("arrivals_female", "arrivals", _("women and girls"), ARRIVALS, Q(person__sex=Sex.FEMALE)),
        Figure("arrivals_sex_unknown", "arrivals", _("sex not recorded"), ARRIVALS, Q(person__sex=Sex.UNKNOWN)),
        Figure("age_under_18", "arrivals", _("under 18"), ARRIVALS, Q(age_at_arrival__lt=18)),
        Figure("age_18_59", "arrivals", _("18 to 59"), ARRIVALS, Q(age_at_arrival__gte=18, age_at_arrival__lt=60)),
        Figure("age_60_plus", "arrivals", _("60 and over"), ARRIVALS, Q(age_at_arrival__gte=60)),
        Figure("age_unknown", "arrivals", _("age unknown"), ARRIVALS, Q(age_at_arrival__isnull=True)),
    ]
    figures += [
        Figure(f"brought_{value}", "arrivals", lazy_format(gettext_noop("brought by: %(who)s"), who=label), ARRIVALS,
               Q(brought_by=value))
        for value, label in BroughtBy.choices
    ]
    figures += [
        Figure("identity_unknown", "arrivals", _("identity unknown"), ARRIVALS, Q(identity="unknown")),
        Figure("repeat_arrivals", "arrivals", _("repeat arrivals"), ARRIVALS, Q(repeat_arrival=True)),
        Figure("fingerprints_taken", "arrivals", _("fingerprints taken"), ARRIVALS,
               Q(person__fingerprints=Fingerprints.TAKEN)),
        Figure("fingerprints_not_taken", "arrivals", _("fingerprints not taken"), ARRIVALS,
               Q(person__fingerprints=Fingerprints.NOT_TAKEN)),
        Figure("in_station", "population", _("in the station"), POPULATION, stock=True),
    ]
    figures += [
        Figure(f"stayed_over_{days}", "population", lazy_format(gettext_noop("staying over %(days)s days"), days=days), POPULATION,
               stock=True)
        for days in STAY_DAYS
    ]
    figures += [Figure("departures", "departures", _("Departures"), DEPARTURES)]
    figures += [
        Figure(f"departed_{value}", "departures", label, DEPARTURES, Q(kind=value))
        for value, label in DepartureKind.choices
    ]
    figures += [
        Figure("deaths", "deaths", _("Deaths"), DEATHS),
        Figure("notice_on_time", "tracing", _("notices published within 24 hours"), CASES,
               Q(notice_met_at__isnull=False, notice_met_at__lte=F("notice_due_at"))),
        Figure("notice_late", "tracing", _("notices published late"), CASES, Q(notice_met_at__gt=F("notice_due_at"))),
        Figure("notice_missing", "tracing", _("notices still missing"), CASES, notice_missing("notice")),
        Figure("dna_on_time", "tracing", _("DNA requests within the deadline"), CASES,
               Q(dna_met_at__isnull=False, dna_met_at__lte=F("dna_due_at"))),
        Figure("dna_late", "tracing", _("DNA requests late"), CASES, Q(dna_met_at__gt=F("dna_due_at"))),
        Figure("dna_missing", "tracing", _("DNA requests still missing"), CASES, notice_missing("dna")),
        Figure("interview_on_time", "tracing", _("first interviews within the deadline"), CASES,
               Q(interview_first_at__isnull=False, interview_first_at__lte=F("interview_first_due_at"))),
        Figure("interview_late", "tracing", _("first interviews late"), CASES,
               Q(interview_first_at__gt=F("interview_first_due_at"))),
        Figure("interview_missing", "tracing", _("first interviews still missing"), CASES,
               first_interview_missing),
        Figure("interviews", "tracing", _("interviews held"), INTERVIEWS),
        # Stated before the deadline, entered after it: met only after the fact (counted late unless another
        # person accepted the stated time).
        Figure("after_the_fact", "tracing", _("deadlines met only after the fact"), CASES,
               Q(notice_stated_at__lte=F("notice_due_at"), notice_entered_at__gt=F("notice_due_at"))
               | Q(dna_stated_at__lte=F("dna_due_at"), dna_entered_at__gt=F("dna_due_at"))),
        Figure("families_found", "found", _("Families found"), FOUND, Q(close_cause=CloseCause.FAMILY_FOUND)),
    ]
    figures += [
        Figure(f"found_{value}", "found", label, FOUND, Q(close_cause=CloseCause.FAMILY_FOUND, found_channel=value))
        for value, label in FoundChannel.choices
    ]
    paid = Q(ticket_amount__gt=0) | Q(allowance__gt=0)
    figures += [
        Figure("payments", "money", _("departures with money paid out"), DEPARTURES, paid),
        Figure("money_tickets", "money", _("tickets"), DEPARTURES, Q(ticket_amount__gt=0), total="ticket_amount"),
        Figure("money_allowances", "money", _("travel allowances"), DEPARTURES, Q(allowance__gt=0), total="allowance"),
    ]
    return figures


FIGURES = _figures()
BY_KEY = {f.key: f for f in FIGURES}
# Computed from two others, not counted: the total paid out.
MONEY_TOTAL = "money_total"


def population_condition(figure, end):
    days = int(figure.key.rsplit("_", 1)[1]) if figure.key.startswith("stayed_over_") else 0
    return in_station_at(end, days)


def cutoff(month, now):
    """The month end at which the stock figures are read: the end, or now for the current month."""
    return min(month_end(month), now)


# --- Computing -------------------------------------------------------------------------------------------


class Statistics:
    """The figures of some stations over some months, added up over the stations: value(key, month=None)."""

    def __init__(self, station_ids, months, values, now):
        self.station_ids, self.months, self.values, self.now = station_ids, months, values, now

    def value(self, key, month=None):
        if key == MONEY_TOTAL:
            return self.value("money_tickets", month) + self.value("money_allowances", month)
        figure = BY_KEY[key]
        months = [month] if month else ([self.months[-1]] if figure.stock else self.months)
        value = sum(self.values.get((key, m), 0) or 0 for m in months)
        return Decimal(value).quantize(CENT) if figure.total else value

    def sections(self):
        """[(label, [(figure key, label, [value per month], value over the range)])] for the pages."""
        result = []
        for section, title in SECTIONS:
            rows = [(f.key, f.label, [self.value(f.key, m) for m in self.months], self.value(f.key))
                    for f in FIGURES if f.section == section]
            if section == "money":
                rows.append((MONEY_TOTAL, _("total paid out"), [self.value(MONEY_TOTAL, m) for m in self.months],
                             self.value(MONEY_TOTAL)))
            result.append((title, rows))
        return result


def _month_of(value):
    """The month a TruncMonth value stands for (a date, or a datetime in the station's zone)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(station_zone())
        value = value.date()
    return value.replace(day=1)


def compute(station_ids, first, last, now=None):
    """The figures of these stations (None: every station, which spares the joins that reach a row's
    station) for the months first..last: one query per table, grouped by month."""
    now = now or timezone.now()
    station_ids = None if station_ids is None else list(station_ids)
    months = month_range(first, last)
    values = {(key, month): value for (_station, key, month), value in _count(station_ids, months, now).items()}
    return Statistics(station_ids, months, values, now)


def compute_per_station(first, last, now=None):
    """The figures of each station on its own, {station id: Statistics}, for the months first..last: the
    same queries as compute() for every station, grouped by station as well (a station with no rows in
    the period is absent)."""
    now = now or timezone.now()
    months = month_range(first, last)
    values = {}
    for (station, key, month), value in _count(None, months, now, by_station=True).items():
        values.setdefault(station, {})[(key, month)] = value
    return {station: Statistics([station], months, rows, now) for station, rows in values.items()}


def _count(station_ids, months, now, by_station=False):
    """{(station id or None, figure key, month): value}: one query per table grouped by month (and by
    station), and one for the people in the station at the month ends."""
    start, end = month_start(months[0]), month_end(months[-1])
    values = {}
    for table in (ARRIVALS, DEPARTURES, DEATHS, CASES, FOUND, INTERVIEWS):
        figures = [f for f in FIGURES if f.table is table]
        group = ("_month", table.station) if by_station else ("_month",)
        rows = (
            table.in_period(station_ids, start, end)
            .annotate(_month=TruncMonth(table.at, tzinfo=station_zone()))
            .values(*group)
            .annotate(**{f"n_{f.key}": f.aggregate(now) for f in figures})
            .order_by()
        )
        for row in rows:
            month, station = _month_of(row["_month"]), row.get(table.station)
            for f in figures:
                values[(station, f.key, month)] = row[f"n_{f.key}"] or 0
    values.update(_population(station_ids, months, now, by_station))
    return values


def _population(station_ids, months, now, by_station=False):
    """People in the station at each month end: one query, one count per month and figure (per station
    when `by_station`)."""
    figures = [f for f in FIGURES if f.table is POPULATION]
    first_cut, last_cut = cutoff(months[0], now), cutoff(months[-1], now)
    counts = {
        f"m{i}_{f.key}": Count("pk", filter=population_condition(f, cutoff(month, now)))
        for i, month in enumerate(months) for f in figures
    }
    stays = POPULATION.of_stations(station_ids).filter(arrived_at__lt=last_cut)
    stays = stays.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=first_cut))
    if by_station:
        rows = stays.values(POPULATION.station).annotate(**counts).order_by()
    else:
        rows = [stays.aggregate(**counts)]
    return {(row.get(POPULATION.station), f.key, month): row[f"m{i}_{f.key}"] or 0
            for row in rows for i, month in enumerate(months) for f in figures}


def rows_of(key, station_ids, first, last, now=None):
    """The rows behind a figure (stays, departures, deaths or tracing cases), for the list a figure links
    to: the same table, period and condition as the count. A stock figure: the rows at the last month end."""
    now = now or timezone.now()
    figure = BY_KEY[key]
    if figure.table is POPULATION:
        return POPULATION.of_stations(station_ids).filter(population_condition(figure, cutoff(last, now)))
    qs = figure.table.in_period(station_ids, month_start(first), month_end(last))
    return qs.filter(figure.q(now))


def figure_target(key):
    """The audit page's words for a month figure's rows ("figure arrivals"), in the reader's language
    (shelter.hooks.AUDIT_TARGETS)."""
    return gettext("rows of the month figure “%(name)s”") % {"name": BY_KEY[key].label}
