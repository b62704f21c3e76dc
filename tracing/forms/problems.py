"""What the problem pages accept: the list's filters and a supervisor's reason for accepting a problem."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.text import SingleLineInputs

from ..models import ProblemKind, ProblemState, Severity


class ProblemFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("state"), choices=[("", _("all"))] + ProblemState.choices, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=[("", _("all"))] + ProblemKind.choices, required=False)
    severity = forms.TypedChoiceField(label=_("severity"), choices=[("", _("all"))] + Severity.choices,
                                      coerce=int, empty_value=None, required=False)


class AcceptProblemForm(SingleLineInputs, forms.Form):
    reason = forms.CharField(label=_("reason for accepting"), max_length=300,
                             help_text=_("Why the record stays as it is; kept in the problem ledger."))
