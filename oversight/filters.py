"""The filters of oversight's lists (django-filter, the shape of `lib.filters`): the data-quality
problems, on their page and in the problem ledger."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lib.filters import ListFilter

from .models import ProblemKind, ProblemState, Severity


class ProblemFilter(ListFilter):
    state = django_filters.ChoiceFilter(label=_("state"), choices=ProblemState.choices, empty_label=_("all"))
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ProblemKind.choices, empty_label=_("all"))
    severity = django_filters.TypedChoiceFilter(label=_("severity"), choices=[("", _("all")), *Severity.choices],
                                                coerce=int, empty_value=None)
