"""What the exchange accepts: a family report filed by a partner (the desk's form itself, so the same
checks, less the desk's "how reported"), the token a supervisor gives, and the partner a query is sent to."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from family.forms.reports import FamilyReportForm
from family.models import ReportedVia
from lib.text import SingleLineInputs
from shelter.models import Station

from .models import Capability, Partner


class PartnerReportForm(FamilyReportForm):
    """The desk's family report form (family.forms.reports): the same fields, checks and photo checks.
    The partner's Idempotency-Key is its one-time token."""

    class Meta(FamilyReportForm.Meta):
        fields = [f for f in FamilyReportForm.Meta.fields if f != "reported_via"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.reported_via = ReportedVia.PARTNER


class TokenForm(SingleLineInputs, forms.Form):
    partner = forms.ModelChoiceField(label=_("partner system"), queryset=Partner.objects.all())
    label = forms.CharField(label=_("label"), max_length=80, required=False,
                            help_text=_("What the token is for, e.g. the system that holds it."))
    stations = forms.ModelMultipleChoiceField(label=_("stations"), queryset=Station.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    capabilities = forms.MultipleChoiceField(label=_("capabilities"), choices=Capability.choices,
                                             widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(label=_("expires on"), widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("At most a year from today."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stations"].queryset = Station.objects.all() if user.sees_all_stations else \
            Station.objects.filter(pk=user.station_id)
        if not self.is_bound:
            self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=180)


class SendQueryForm(forms.Form):
    """The partner system a query is sent to: one that exchanges with the query's station."""

    partner = forms.ModelChoiceField(label=_("partner system"), queryset=Partner.objects.none())

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(stations=station)


class RevokeForm(SingleLineInputs, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)
