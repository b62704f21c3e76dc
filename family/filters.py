"""The filters of family's lists (django-filter, the shape of `lib.filters`): the family reports."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lib.filters import ListFilter

from .models import SEARCHING_STATES, ReportState


class ReportFilter(ListFilter):
    """The station's reports: the open ones (searching or confirmed), or all of them (`?all=1`)."""

    all = django_filters.ChoiceFilter(label=_("Family reports"), choices=[("1", _("All reports, closed ones too"))],
                                      empty_label=_("Open reports only"), method="closed_too")

    def closed_too(self, qs, name, value):
        return qs  # the open ones only is the default, below

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.shows_all:
            queryset = queryset.filter(state__in=[*SEARCHING_STATES, ReportState.CONFIRMED])
        return queryset

    @property
    def shows_all(self):
        return self.form.is_valid() and self.form.cleaned_data.get("all") == "1"
