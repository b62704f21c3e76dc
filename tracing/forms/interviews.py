"""The interview form: when, who asked, in which language, with which interpreter, the words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.text import SingleLineInputs
from shelter.forms import DATETIME_WIDGET
from shelter.models import LedgerEntry

from ..models import Interview
from .cases import now_to_the_minute


class InterviewForm(SingleLineInputs, forms.ModelForm):
    class Meta:
        model = Interview
        fields = ["held_at", "interviewer", "language", "interpreter", "words", "conclusion", "audio", "show_on_notice"]
        widgets = {"held_at": DATETIME_WIDGET, "words": forms.Textarea(attrs={"rows": 8}),
                   "conclusion": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, stay=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stay = stay
        self.fields["held_at"].initial = now_to_the_minute

    def clean_held_at(self):
        at = self.cleaned_data["held_at"]
        if LedgerEntry.is_future(at):
            raise forms.ValidationError(_("The interview cannot be in the future."))
        if self.stay and at < self.stay.arrival_minute:
            raise forms.ValidationError(_("The interview cannot be before the arrival."))
        return at


class ChoosePlaceForm(SingleLineInputs, forms.Form):
    """Which of the places of that name the person meant, when the name was ambiguous."""

    code = forms.CharField(required=False, max_length=6)
