"""The board's station filter, for users who see every station."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shelter.models import Station


class StationFilterForm(forms.Form):
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.all(), required=False,
                                     empty_label=_("all stations"))
