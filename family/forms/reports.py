"""Forms of family reports: the report itself (counter or phone), more photos, closing it."""

import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.text import SingleLineInputs
from shelter.forms import DATE_WIDGET

from ..models import FamilyReport, ReportedVia
from ..services import PhotoRefused, check_photo


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        files = [super(PhotosField, self).clean(f, initial) for f in files if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


def photo_dating_fields():
    """When the photos were taken (issue 24): the year, or the person's age in them; both optional."""
    return {
        "photo_year": forms.IntegerField(
            label=_("year the photos were taken"), required=False, min_value=1900,
            max_value=timezone.localdate().year,
            help_text=_("If known: old photos weigh less in the face comparison.")),
        "photo_age": forms.IntegerField(label=_("age of the person in the photos"), required=False, min_value=0,
                                        max_value=120),
    }


class PhotoChecks:
    """clean_photos(): each file through the quality check once, kept as [(bytes, QualityReport)] for
    saving. A poor photo is kept (flagged); a file that is no picture refuses the form, saying which.
    The form gets the photos' dating fields too (photo_year, photo_age)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(photo_dating_fields())

    def dating(self):
        """taken_year and age_in_photo for the services, from a valid form."""
        return {"taken_year": self.cleaned_data.get("photo_year"), "age_in_photo": self.cleaned_data.get("photo_age")}

    def clean_photos(self):
        checked, errors = [], []
        limit = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        for f in self.cleaned_data["photos"]:
            if f.size > limit:
                errors.append(_("%(file)s: the file is too large (%(size)s MB; at most %(limit)s MB).") % {
                    "file": f.name, "size": round(f.size / 2**20, 1), "limit": round(limit / 2**20)})
                continue
            data = f.read()
            try:
                checked.append((data, check_photo(data)))
            except PhotoRefused as e:
                errors.append(f"{f.name}: {e.message}")
        if errors:
            errors.append(_("Nothing else was lost; choose the photos again (a browser cannot keep chosen files)."))
            raise forms.ValidationError(errors)
        return checked


PHOTO_HELP = _("One or more photos of the missing person (JPEG or PNG). A poor photo is kept and searched "
               "if it is the only one.")


class FamilyReportForm(SingleLineInputs, PhotoChecks, forms.ModelForm):
    photos = PhotosField(label=_("photos"), required=False, help_text=PHOTO_HELP)
    # The double-click guard (see report_new); a CharField so that a token that is not one (a tampered
    # page) guards nothing instead of refusing the form with an error the user cannot see or correct.
    submit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    GROUPS = [
        (_("Who reports"), ["reported_via", "reporter_name", "reporter_relation", "reporter_phone",
                            "reporter_id_number"]),
        (_("The missing person"), ["name", "aliases", "sex", "date_of_birth", "age_min", "age_max", "id_number",
                                   "native_place", "dialect", "height_cm", "health", "description"]),
        (_("Last seen"), ["last_seen_on", "last_seen_place"]),
        (_("Photos"), ["photos", "photo_year", "photo_age"]),
    ]

    class Meta:
        model = FamilyReport
        fields = [
            "reported_via", "reporter_name", "reporter_relation", "reporter_phone", "reporter_id_number",
            "name", "aliases", "sex", "date_of_birth", "age_min", "age_max", "id_number", "native_place", "dialect",
            "height_cm", "last_seen_on", "last_seen_place", "description", "health",
        ]
        widgets = {
            "reported_via": forms.RadioSelect, "sex": forms.RadioSelect, "date_of_birth": DATE_WIDGET,
            "last_seen_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3}),
            "health": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submit_token"].initial = uuid.uuid4()
        if "reported_via" in self.fields:  # a partner system's reports come by the API, never the desk
            self.fields["reported_via"].choices = [
                c for c in self.fields["reported_via"].choices if c[0] != ReportedVia.PARTNER]

    def clean_submit_token(self):
        """The form's one-time token, kept on the report (unique: a second click registers nothing)."""
        try:
            token = uuid.UUID(self.cleaned_data["submit_token"])
        except ValueError:
            token = None
        self.instance.submit_token = token
        return token

    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def clean(self):
        data = super().clean()
        if not (data.get("name") or data.get("aliases") or data.get("id_number")) and not data.get("photos") \
                and "photos" not in self.errors:
            raise forms.ValidationError(_("Give the missing person's name or at least one photo: the search needs one of them."))
        return data


class AddPhotosForm(PhotoChecks, forms.Form):
    photos = PhotosField(label=_("photos"), help_text=PHOTO_HELP)


class ClosingForm(SingleLineInputs, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)
    confirm = forms.BooleanField(required=False)  # closing a report also asks "Yes, close this family report"
