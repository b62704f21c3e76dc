"""What the problem pages accept: a supervisor's reason for accepting a problem."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.dates import in_register_years
from lib.text import SingleLineInputs
from shelter.models import Station


class AcceptProblemForm(SingleLineInputs, forms.Form):
    reason = forms.CharField(label=_("reason for accepting"), max_length=300,
                             help_text=_("Why the record stays as it is; kept in the problem ledger."))
    awaiting = forms.BooleanField(
        label=_("record it as awaiting a second check"), required=False,
        help_text=_("Only when no one else can decide now (a night shift alone): someone else checks it later."))


class ComparisonForm(SingleLineInputs, forms.Form):
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.all())
    source = forms.CharField(label=_("from"), max_length=120,
                             help_text=_("The department the list comes from, e.g. 公安局户籍科."))
    sheet = forms.FileField(label=_("list (XLSX or CSV)"), help_text=_("The first row holds the column names."))
    name_column = forms.CharField(label=_("column of the names"), max_length=60, required=False, initial="姓名")
    id_column = forms.CharField(label=_("column of the ID numbers"), max_length=60, required=False,
                                initial="身份证号")
    birth_column = forms.CharField(label=_("column of the dates of birth"), max_length=60, required=False,
                                   initial="出生日期")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.sees_all_stations:
            self.fields["station"].queryset = Station.objects.filter(pk=user.station_id)
            self.fields["station"].initial = user.station_id

    def columns(self):
        data = self.cleaned_data
        return {"name": data["name_column"], "id_number": data["id_column"], "birth_date": data["birth_column"]}


class InspectionForm(SingleLineInputs, forms.Form):
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.all())
    month = forms.DateField(label=_("month"), widget=forms.DateInput(attrs={"type": "date"}),
                            validators=[in_register_years], help_text=_("Any day of the month checked."))
    items = forms.CharField(label=_("items checked"), widget=forms.Textarea(attrs={"rows": 3}),
                            initial="台账登记、寻亲公告、DNA采样、长期滞留评估、物品清点、问题清单整改")
    findings = forms.CharField(label=_("problems found"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.sees_all_stations:
            self.fields["station"].queryset = Station.objects.filter(pk=user.station_id)
            self.fields["station"].initial = user.station_id

    def clean_month(self):
        return self.cleaned_data["month"].replace(day=1)
