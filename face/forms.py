from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Portrait


class PortraitUploadForm(forms.Form):
    """A portrait from the webcam page (a JPEG frame) or a file: a phone photo, a scanned ID photo.

    A plain FileField, not an ImageField: face.images opens the picture and says precisely what is
    wrong with a bad file, in the same words for every way in.
    """

    image = forms.FileField(
        label=_("photo file"), help_text=_("A photo from a phone or a camera, or a scanned ID photo (JPEG or PNG)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    source = forms.ChoiceField(choices=Portrait.SOURCES, initial=Portrait.UPLOAD, widget=forms.HiddenInput)
    # The capture page's visit (a UUID the page made): its attempts are one line on the person's timeline.
    session = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_image(self):
        f = self.cleaned_data["image"]
        limit = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        if f.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB; at most %(limit)s MB): send a smaller copy."),
                params={"size": round(f.size / 2**20, 1), "limit": round(limit / 2**20)},
            )
        return f


class LiveFrameForm(forms.Form):
    """A downscaled preview frame for the live guidance, with the size of the camera frame it came from."""

    frame = forms.FileField()
    width = forms.IntegerField(min_value=16, max_value=8000)
    height = forms.IntegerField(min_value=16, max_value=8000)
    session = forms.UUIDField()

    def clean_frame(self):
        f = self.cleaned_data["frame"]
        if f.size > settings.FACE_LIVE_MAX_BYTES:
            raise forms.ValidationError(_("The preview frame is too large."))
        return f


class MainPortraitForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for using a portrait that failed the check"), required=False, max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the portrait failed the quality check, e.g. “the only photo we could take: "
                    "the person cannot sit still”."),
    )
