"""Dates: whole years between two (one rule for ages, wherever an age is read from a date), how an age
or a range of ages is written, and the years the register accepts (1900 to 2100)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


def years_between(start, end):
    """Completed years from `start` to `end` (an age on a day): a birthday not yet reached that year
    does not count. 29 February counts as reached on 1 March in a year without one."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def ages(youngest, oldest):
    """An age or a range of ages as people write it: "41" when both ends are the same (an age from a
    date of birth), "60–70" for an estimate, "" when unknown. One end alone stands for both."""
    youngest = oldest if youngest is None else youngest
    oldest = youngest if oldest is None else oldest
    if youngest is None:
        return ""
    return str(youngest) if youngest == oldest else f"{youngest}–{oldest}"


def years_before(day, years):
    """The same day `years` earlier; 29 February becomes the 28th in a year that has none."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


@deconstructible(path="lib.dates.NotBefore1900")  # the name the migrations know
class RegisterYears:
    """A validator for every date or time a person types or asks for (arrivals, services, departures,
    deaths, DNA steps, dates of birth, publications, a list's days, the month's pages): nothing in the
    register happened before 1900 or will after 2100. A year typed as 0001 or 202 would otherwise be stored
    (on PostgreSQL as a BC timestamp) and break every page that shows it; on SQLite a year 0001 or 9999
    overflows when the time is turned to UTC; a month in year 9999 has no next month."""

    messages = {"before_1900": _("This date is before 1900: check the year."),
                "after_2100": _("This date is after 2100: check the year.")}

    def __call__(self, value):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if day is None:
            return
        if day < EARLIEST:
            raise ValidationError(self.messages["before_1900"], code="before_1900")
        if day > LATEST:
            raise ValidationError(self.messages["after_2100"], code="after_2100")

    def __eq__(self, other):
        return isinstance(other, RegisterYears)


NotBefore1900 = RegisterYears  # named by the migrations
in_register_years = RegisterYears()
