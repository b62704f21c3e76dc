"""Forms of the steps taken on a tracing case (tracing.views.cases)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib.text import SingleLineInputs
from shelter.forms import DATETIME_WIDGET, explain_late_reason
from shelter.models import FOUND_CHANNEL_CHOICES

from ..models import (
    CloseCause,
    DnaDatabase,
    DnaReferral,
    DnaResult,
    HouseholdApplication,
    HouseholdOutcome,
    Publication,
    QuickQuery,
)


def now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class CaseRecordForm(SingleLineInputs, forms.ModelForm):
    """A record of the case (query, publication, DNA request) that the case's transition saves."""

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        explain_late_reason(self)


class QuickQueryForm(CaseRecordForm):
    class Meta:
        model = QuickQuery
        fields = ["kind", "made_at", "result", "reference", "name", "details", "late_reason"]
        widgets = {"made_at": DATETIME_WIDGET, "kind": forms.RadioSelect, "result": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["made_at"].initial = now_to_the_minute


class PublicationForm(CaseRecordForm):
    url = forms.URLField(label=_("link"), max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = Publication
        fields = ["channel", "published_at", "reference", "url", "late_reason"]
        widgets = {"published_at": DATETIME_WIDGET}
        labels = {"published_at": _("time of publication")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_at"].initial = now_to_the_minute
        # One of the two is needed (Publication.clean): said before, not only when refused (issue 25).
        self.fields["reference"].help_text = _("Notice number, newspaper issue, programme… Give this or the link: "
                                               "at least one of the two.")
        self.fields["url"].help_text = _("Needed when there is no reference.")

    def clean(self):
        data = super().clean()
        if self.case and data.get("channel") and data.get("published_at") and self.case.publications.filter(
            channel=data["channel"], published_at=data["published_at"]
        ).exists():
            raise forms.ValidationError(_("This publication is already recorded; it was not entered twice."))
        return data


class RefreshForm(forms.Form):
    at = forms.DateTimeField(label=_("refreshed"), widget=DATETIME_WIDGET, initial=now_to_the_minute)


class DnaReferralForm(CaseRecordForm):
    class Meta:
        model = DnaReferral
        fields = ["police_unit", "sent_at", "no_query_reason", "late_reason"]
        widgets = {"sent_at": DATETIME_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_at"].initial = now_to_the_minute
        if self.case is not None and self.case.queries.exists():
            del self.fields["no_query_reason"]  # the letter lists the queries recorded


class HouseholdApplicationForm(CaseRecordForm):
    class Meta:
        model = HouseholdApplication
        fields = ["applied_at", "applied_to", "reference", "outcome", "notes", "late_reason"]
        widgets = {"applied_at": DATETIME_WIDGET, "outcome": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_at"].initial = now_to_the_minute


class HouseholdAnswerForm(SingleLineInputs, forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), widget=forms.RadioSelect, choices=[
        (HouseholdOutcome.REGISTERED, HouseholdOutcome.REGISTERED.label),
        (HouseholdOutcome.REFUSED, HouseholdOutcome.REFUSED.label)])
    outcome_at = forms.DateTimeField(label=_("answer received"), widget=DATETIME_WIDGET, initial=now_to_the_minute)


class DnaReceivedForm(SingleLineInputs, forms.Form):
    received_at = forms.DateTimeField(label=_("received by the police"), widget=DATETIME_WIDGET, initial=now_to_the_minute)
    received_by = forms.CharField(label=pgettext_lazy("letter", "received by"), max_length=60, required=False)


class DnaSampleForm(SingleLineInputs, forms.Form):
    sampled_at = forms.DateTimeField(label=_("sample taken"), widget=DATETIME_WIDGET, initial=now_to_the_minute)
    sampled_by = forms.CharField(label=_("sample taken by"), max_length=100, help_text=_("Police officer and unit."))
    database = forms.ChoiceField(label=_("database"), choices=DnaDatabase.choices, initial=DnaDatabase.NATIONAL)


class DnaResultForm(forms.Form):
    result_at = forms.DateTimeField(label=_("result received"), widget=DATETIME_WIDGET, initial=now_to_the_minute)
    result = forms.ChoiceField(label=_("comparison result"), choices=DnaResult.choices, widget=forms.RadioSelect)
    result_notes = forms.CharField(label=_("notes on the result"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FamilyFoundForm(SingleLineInputs, forms.Form):
    channel = forms.ChoiceField(label=_("channel"), choices=FOUND_CHANNEL_CHOICES,
                                help_text=_("Which way of searching brought the family: counted every month."))
    reason = forms.CharField(
        label=_("how the family was found"), max_length=300,
        help_text=_("Channel and contact, e.g. “son called after the Toutiao notice”."),
    )


class CloseForm(SingleLineInputs, forms.Form):
    # An identity is confirmed by a quick query and its second check, the family found by its own step.
    cause = forms.ChoiceField(label=_("closed because"), initial=CloseCause.OTHER, choices=[
        (c.value, c.label) for c in (CloseCause.STAY_ENDED, CloseCause.OTHER)])
    reason = forms.CharField(label=_("reason"), max_length=300)


class NoPortraitForm(SingleLineInputs, forms.Form):
    reason = forms.CharField(
        label=_("why the notice goes out without a portrait"), max_length=300,
        help_text=_("e.g. “face injured, portrait in a week; family may be searching now”."),
    )
