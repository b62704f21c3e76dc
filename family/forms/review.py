"""The review of a candidate or a duplicate warning: a decision always comes with its reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.text import SingleLineInputs
from shelter.models import FOUND_CHANNEL_CHOICES

from ..models import Candidate


class ReasonForm(SingleLineInputs, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, widget=forms.TextInput(attrs={"size": 40}))


class ConfirmForm(ReasonForm):
    """Confirming a candidate also says how the family was found (by default: the face search if the face
    brought the candidate, else the family's report)."""

    channel = forms.ChoiceField(label=_("how the family was found"), required=False,
                                choices=[("", _("as the search found it"))] + FOUND_CHANNEL_CHOICES)
    # Found means named: the report's facts to copy onto the file (Candidate.FACTS), field by field.
    facts = forms.MultipleChoiceField(label=_("copy onto the file"), required=False,
                                      choices=[(field, field) for field, _source in Candidate.FACTS])
    awaiting = forms.BooleanField(label=_("record it as awaiting a second check"), required=False)


class DismissForm(ReasonForm):
    awaiting = forms.BooleanField(label=_("record it as awaiting a second check"), required=False)
