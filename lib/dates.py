"""Dates: whole years between two (one rule for ages, wherever an age is read from a date), how an age
or a range of ages is written, and the earliest date the register accepts."""

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


@deconstructible
class NotBefore1900:
    """A validator for every date or time a person types (arrivals, services, departures, deaths, DNA
    steps, dates of birth): nothing in the register happened before 1900. A year typed as 0001 or 202
    would otherwise be stored (on PostgreSQL as a BC timestamp) and break every page that shows it."""

    message = _("This date is before 1900: check the year.")
    code = "before_1900"

    def __call__(self, value):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if day is not None and day < EARLIEST:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, NotBefore1900)


not_before_1900 = NotBefore1900()
