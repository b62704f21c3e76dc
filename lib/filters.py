"""The one shape of a list's filters (django-filter): each app's `filters.py` declares a `ListFilter`
and a selector runs it on the rows the user's station may see.

A list's filters apply together or not at all: when a value is wrong (a date that is no date, a choice
not offered, a control character) the list shows its rows unfiltered and the form says, in the user's
language, what is wrong beside the field; never an error page."""

import datetime

import django_filters
from django import forms

from .dates import in_register_years
from .text import SingleLineInputs


class FilterForm(SingleLineInputs, forms.Form):
    """The form of every list filter: one-line text refuses control characters, as on every form."""


class ListFilter(django_filters.FilterSet):
    class Meta:
        form = FilterForm

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset
        return super().filter_queryset(queryset)


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DayFilter(django_filters.DateFilter):
    """A day typed in a list's filters: a date input, nothing before 1900 or after 2100."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", date_widget())
        kwargs.setdefault("validators", [in_register_years])
        super().__init__(*args, **kwargs)


def day_after(day):
    """The next day, or None after the last day a date can hold (then there is no upper bound)."""
    return None if day == datetime.date.max else day + datetime.timedelta(days=1)
