"""What the problem pages accept: a supervisor's reason for accepting a problem."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib.dates import in_register_years
from lib.text import SingleLineInputs
from shelter.models import Station, User

from ..models import Department


class AcceptProblemForm(SingleLineInputs, forms.Form):
    reason = forms.CharField(label=_("reason for accepting"), max_length=300,
                             help_text=_("Why the record stays as it is; kept in the problem ledger."))
    awaiting = forms.BooleanField(
        label=_("record it as awaiting a second check"), required=False,
        help_text=_("Only when no one else can decide now (a night shift alone): someone else checks it later."))


class ComparisonForm(SingleLineInputs, forms.Form):
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.all())
    source = forms.CharField(label=pgettext_lazy("source", "from"), max_length=120,
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


class FindingForm(SingleLineInputs, forms.Form):
    """The inspector's finding on a station: what was found, who fixes it, by when."""
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.all())
    text = forms.CharField(label=_("finding"), max_length=300,
                           help_text=_("What was found, as the station will read it."))
    owner = forms.ModelChoiceField(label=_("owner"), queryset=User.objects.filter(is_active=True, station__isnull=False)
                                   .order_by("station__code", "username"),
                                   help_text=_("A member of the station's staff who answers for the fix."))
    fix_by = forms.DateField(label=_("fix by"), widget=forms.DateInput(attrs={"type": "date"}),
                             validators=[in_register_years])


class FixFindingForm(SingleLineInputs, forms.Form):
    note = forms.CharField(label=_("what was done"), max_length=300,
                           help_text=_("Kept with the finding; the inspector is told."))


def department_of(source):
    """The kind of department a list's source names (公安 police, 卫健/医院 health, 民政 civil affairs)."""
    for words, kind in ((("公安", "派出所", "警"), Department.POLICE), (("卫生", "卫健", "医院", "疾控"), Department.HEALTH),
                        (("民政", "救助"), Department.CIVIL_AFFAIRS)):
        if any(w in source for w in words):
            return kind
    return Department.OTHER


class QueryForm(SingleLineInputs, forms.Form):
    """A query back to the source department: to whom, what is doubtful, the day the letter goes."""
    department = forms.ChoiceField(label=_("kind of department"), choices=Department.choices)
    department_name = forms.CharField(label=_("department"), max_length=120,
                                      help_text=_("The department the data came from, e.g. 广州市公安局户籍科."))
    question = forms.CharField(label=_("what is doubtful"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("In the station's words; printed in the letter."))
    sent_on = forms.DateField(label=_("sent on"), widget=forms.DateInput(attrs={"type": "date"}),
                              validators=[in_register_years])


class AnswerForm(SingleLineInputs, forms.Form):
    answer = forms.CharField(label=_("answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What the department answered, as it came."))
    answered_on = forms.DateField(label=_("answer dated"), widget=forms.DateInput(attrs={"type": "date"}),
                                  validators=[in_register_years])
