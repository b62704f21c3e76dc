"""Per platform, the package a person uploads to publish a notice there (the fields that platform asks
for, in its words and order, and the photo), so the notice goes out within the day from one click.
Built from public_notice() only: a platform never gets more than the public page shows."""

import io
import json
import zipfile

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tracing.models import Channel

from . import feeds

# The channels that take uploads (tracing.Channel's values), with the fields each form asks for.
PLATFORMS = {
    "national": ("name", "sex", "age", "height_cm", "features", "clothing", "found_on", "found_place", "station",
                 "station_phone"),
    "toutiao": ("title", "text", "station_phone"),
    "wechat": ("title", "text", "station", "station_phone"),
}


def package_links(case, user):
    """tracing.hooks.NOTICE_LINKS: the upload package of each platform, for those who publish notices."""
    if not user.has_perm("tracing.publish_notice"):
        return []
    names = dict(Channel.choices)
    return [(_("Package for %(platform)s") % {"platform": names[p]}, reverse("notices:package", args=[case.pk, p]))
            for p in PLATFORMS]


def labels():
    return {
        "title": _("Title"), "text": _("Text"), "name": _("Name"), "sex": _("Sex"), "age": _("Estimated age"),
        "height_cm": _("Height (cm)"), "features": _("Distinguishing features"), "clothing": _("Clothing"),
        "found_on": _("Date found"), "found_place": _("Place found"), "station": _("Station"),
        "station_phone": _("Telephone"),
    }


def package(notice, platform, photo=None):
    """The zip (bytes): fields.json ({field: value}), fields.txt (label: value, one a line, in the notice's
    language) and photo.jpg when the person has a main portrait (`photo`: its bytes)."""
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        sex = {"M": _("male"), "F": _("female")}.get(notice["sex"], _("unknown"))
        values = {"title": feeds.title(notice), "text": feeds.summary(notice), "name": notice["name"] or _("unknown"),
                  "sex": sex, "age": feeds.age_text(notice) or _("unknown"), **{
                      k: notice[k] for k in ("height_cm", "features", "clothing", "found_on", "found_place", "station",
                                             "station_phone")}}
        chosen = {k: values[k] for k in PLATFORMS[platform]}
        names = labels()
        text = "\n".join(f"{names[k]}：{'' if v is None else v}" for k, v in chosen.items())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("fields.json", json.dumps(chosen, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
        z.writestr("fields.txt", text + "\n")
        if photo:
            z.writestr("photo.jpg", photo)
    return out.getvalue()
