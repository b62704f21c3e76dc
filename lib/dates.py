"""Whole years between dates: one rule for ages, wherever an age is read from a date."""


def years_between(start, end):
    """Completed years from `start` to `end` (an age on a day): a birthday not yet reached that year
    does not count. 29 February counts as reached on 1 March in a year without one."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def years_before(day, years):
    """The same day `years` earlier; 29 February becomes the 28th in a year that has none."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
