import re
import uuid

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    FOUND_CHANNEL_CHOICES,
    Death,
    Departure,
    LoginFailure,
    Person,
    Service,
    Sex,
    Stay,
    StayState,
    User,
)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_uuid(value):
    """A form's one-time token (against double submits), or None if missing or mangled: a mangled
    token is no reason to refuse what the user typed."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


class LockoutAuthenticationForm(AuthenticationForm):
    """Refuses a user name with too many recent failures before the password is even checked."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and LoginFailure.is_locked(username):
            raise forms.ValidationError(
                _("Too many failed attempts for this user. Wait %(minutes)s minutes or ask an administrator."),
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        return super().clean()


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name", "aliases", "sex", "date_of_birth", "age_min", "age_max", "id_number", "ethnicity",
            "native_place", "dialect", "relatives_phone", "height_cm", "build", "hair", "marks", "scars",
            "tattoos", "disability",
        ]
        widgets = {
            "date_of_birth": DATE_WIDGET,
            "sex": forms.RadioSelect,
        }


class CorrectionForm(PersonForm):
    reason = forms.CharField(label=_("reason for the correction"), max_length=300)


class StayForm(forms.ModelForm):
    belongings_text = forms.CharField(
        label=_("belongings"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One item per line, with the count at the end, e.g. “mobile phone 1”."),
    )
    intake_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Stay
        fields = [
            "arrived_at", "found_place", "found_circumstances", "brought_by", "brought_by_name", "handover_ref",
            "handover_document", "health_at_intake", "mental_state", "clothing", "identity", "staff_in_charge",
        ]
        widgets = {
            "arrived_at": DATETIME_WIDGET,
            "found_circumstances": forms.Textarea(attrs={"rows": 2}),
            "health_at_intake": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, station=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrived_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["intake_token"].initial = uuid.uuid4()
        staff = User.objects.filter(is_active=True)
        self.fields["staff_in_charge"].queryset = staff.filter(station=station) if station else staff

    def clean_intake_token(self):
        return parse_uuid(self.cleaned_data.get("intake_token"))

    def belongings(self):
        """[(item, quantity)] parsed from the text box: a trailing number is the count, else 1."""
        items = []
        for line in self.cleaned_data.get("belongings_text", "").splitlines():
            line = line.strip()
            if not line:
                continue
            m = re.match(r"^(.*?)[\s×xX*]*(\d+)\s*(件|个|部|张|只|双|元)?$", line)
            if m and m.group(1).strip():
                items.append((m.group(1).strip(), int(m.group(2))))
            else:
                items.append((line, 1))
        return items


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["kind", "given_at", "notes"]
        widgets = {"given_at": DATETIME_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class DepartureForm(forms.ModelForm):
    class Meta:
        model = Departure
        fields = [
            "kind", "departed_at", "receiver_name", "receiver_relation", "receiver_id_number", "receiver_phone",
            "found_channel", "escort_staff", "destination", "ticket_no", "ticket_amount", "allowance", "receipt_no",
            "paid_out_by", "referrer_letter_no", "notes",
        ]
        widgets = {"departed_at": DATETIME_WIDGET, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, stay=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.stay = stay
        self.fields["departed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        # "unknown" is only for departures recorded before the question was asked.
        self.fields["found_channel"].choices = [("", "---------")] + FOUND_CHANNEL_CHOICES
        self.fields["found_channel"].help_text = _("Needed when the family takes the person home.")
        for name in ("ticket_amount", "allowance"):
            self.fields[name].widget.attrs["min"] = "0"


class DeathForm(forms.ModelForm):
    class Meta:
        model = Death
        fields = ["died_at", "place", "cause", "proof_kind", "proof", "notes"]
        widgets = {"died_at": DATETIME_WIDGET, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, stay=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.stay = stay


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("name, file or ID number"), required=False)
    state = forms.ChoiceField(label=_("state"), required=False, choices=[("", _("all"))] + list(StayState.choices))
    sex = forms.ChoiceField(label=_("sex"), required=False, choices=[("", _("all"))] + list(Sex.choices))
    age = forms.IntegerField(label=_("age"), required=False, min_value=0, max_value=130)
    arrived_from = forms.DateField(label=_("arrived from"), required=False, widget=DATE_WIDGET)
    arrived_to = forms.DateField(label=_("arrived to"), required=False, widget=DATE_WIDGET)


class MergeForm(forms.Form):
    """Which of two files of one person survives, and why they are one person."""

    survivor = forms.TypedChoiceField(label=_("file to keep"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("why these two files are the same person"), max_length=300,
                             help_text=_("e.g. “same ID number; he recognised his photo from 2023”."))

    def __init__(self, *args, files, **kwargs):
        super().__init__(*args, **kwargs)
        self.files = {p.pk: p for p in files}
        self.fields["survivor"].choices = [(p.pk, f"{p.file_no} {p.display_name}") for p in files]
        self.fields["survivor"].initial = min(self.files)  # the older file, by default

    def clean_survivor(self):
        return self.files[self.cleaned_data["survivor"]]
