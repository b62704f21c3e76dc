"""The review of a candidate or a duplicate warning: a decision always comes with its reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.text import SingleLineInputs


class ReasonForm(SingleLineInputs, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, widget=forms.TextInput(attrs={"size": 40}))
