"""Working days in mainland China, for deadlines counted in working days.

chinese-calendar knows the official holidays and the make-up working weekends (调休), but only for the
years it ships data for. Outside them we count Monday to Friday and log a warning, so a deadline is
never missing, only possibly a few days off until the package is updated.
"""

import datetime
import logging

import chinese_calendar
from django.utils import timezone

log = logging.getLogger(__name__)


def is_workday(day):
    """(is it a working day, was it known from the holiday calendar)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_working_days(start, days):
    """The same local time of day on the `days`-th working day after the date of `start`."""
    local = timezone.localtime(start)
    day = local.date()
    counted = 0
    guessed = set()
    while counted < days:
        day += datetime.timedelta(days=1)
        working, known = is_workday(day)
        if not known:
            guessed.add(day.year)
        counted += working
    if guessed:
        log.warning(
            "No Chinese holiday calendar for %s (chinese-calendar %s): counted Monday to Friday as working days.",
            ", ".join(str(y) for y in sorted(guessed)), getattr(chinese_calendar, "__version__", "?"),
        )
    return timezone.make_aware(datetime.datetime.combine(day, local.time()), local.tzinfo)
