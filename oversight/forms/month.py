"""What the month's pages accept: the stations (for users who see every station) and the months, and the
finance office's sheet."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.dates import in_register_years
from lib.text import SingleLineInputs
from shelter.models import Station

from ..figures import FIRST_YEAR, month_of, months_between, this_month

MAX_MONTHS = 36


class MonthInput(forms.TextInput):
    """The browser's month picker: its value must be "YYYY-MM" (a date would show as a blank picker)."""

    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": _("year-month, e.g. 2026-03"), **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m")
        return super().format_value(value)


MONTH_WIDGET = MonthInput()


class MonthField(forms.CharField):
    """A month as YYYY-MM, from 2000; a month after the register's years (lib.dates: 2100) is said so."""

    default_error_messages = {"invalid": _("Give a month as YYYY-MM, e.g. 2026-03.")}
    default_validators = [in_register_years]

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            month = month_of(value)
        except ValueError:
            month = None
        if month is None or month.year < FIRST_YEAR:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class PeriodForm(SingleLineInputs, forms.Form):
    station = forms.ModelMultipleChoiceField(label=_("stations"), queryset=Station.objects.all(), required=False,
                                             help_text=_("None chosen: all stations."))
    start = MonthField(label=_("from month"), required=False, widget=MONTH_WIDGET)
    end = MonthField(label=_("to month"), required=False, widget=MONTH_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.sees_all_stations:
            del self.fields["station"]
        # The pickers show the months the page shows (this month when none was asked), not a blank
        # "-------- ----" (issue 25).
        this = f"{this_month():%Y-%m}"
        if not self.is_bound:
            self.initial = {"start": this, "end": this, **self.initial}
        elif not self.data.get("start") or not self.data.get("end"):
            data = self.data.copy()
            data["start"] = data.get("start") or this
            data["end"] = data.get("end") or data["start"]
            self.data = data

    def clean(self):
        data = super().clean()
        start = data.get("start") or this_month()
        end = data.get("end") or start
        if end < start:
            raise forms.ValidationError(_("The last month is before the first."))
        if months_between(start, end) > MAX_MONTHS:
            raise forms.ValidationError(_("Choose at most %(n)s months.") % {"n": MAX_MONTHS})
        data["start"], data["end"] = start, end
        return data

    def station_ids(self):
        """The stations' ids for the figures, or None for every station (the figures then skip the joins
        that reach a row's station)."""
        chosen = self.cleaned_data.get("station") if self.is_bound and self.is_valid() else None
        if self.user.sees_all_stations and not chosen:
            return None
        return [s.pk for s in self.stations()]

    def stations(self):
        """The stations shown: the user's own, or those chosen (all if none) for users who see every station."""
        if not self.user.sees_all_stations:
            return list(Station.objects.filter(pk=self.user.station_id))
        chosen = self.cleaned_data.get("station") if self.is_bound and self.is_valid() else None
        return list(chosen) if chosen else list(Station.objects.all())


class FinanceSheetForm(SingleLineInputs, forms.Form):
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.all())
    month = MonthField(label=_("month"), widget=MONTH_WIDGET)
    sheet = forms.FileField(label=_("finance sheet (XLSX or CSV)"),
                            help_text=_("Columns 票据号 (receipt number) and 金额 (amount); 姓名 and 日期 may follow."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.sees_all_stations:
            self.fields["station"].queryset = Station.objects.filter(pk=user.station_id)
            self.fields["station"].initial = user.station_id
