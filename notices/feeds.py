"""The published notices as feeds, built from public_notice() dicts only: Atom (Django's feed
generator), JSON Feed 1.1, and PFIF 1.4 (People Finder Interchange Format, http://zesty.ca/pfif/1.4/,
written with lxml; validated against the schema in tests/notices/test_feeds.py). No database here."""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from lxml import etree

PFIF_NS = "http://zesty.ca/pfif/1.4"
PFIF_SEX = {"M": "male", "F": "female"}


def age_text(notice):
    low, high = notice["age_min"], notice["age_max"]
    if low is None and high is None:
        return ""
    if low == high or high is None:
        return str(low)
    return f"{low}-{high}" if low is not None else f"0-{high}"


def title(notice):
    """One line: the name if known, the sex and the age."""
    sex = {"M": _("male"), "F": _("female")}.get(notice["sex"], _("sex unknown"))
    age = age_text(notice)
    parts = [notice["name"] or _("Name unknown"), sex] + ([_("about %(age)s years old") % {"age": age}] if age else [])
    return " · ".join(parts)


def summary(notice):
    """The notice's paragraph, in the language active now."""
    lines = [
        _("Found on %(date)s at %(place)s.") % {"date": notice["found_on"].isoformat(), "place": notice["found_place"]},
    ]
    if notice["height_cm"]:
        lines.append(_("Height about %(cm)s cm.") % {"cm": notice["height_cm"]})
    if notice["features"]:
        lines.append(_("Features: %(text)s.") % {"text": notice["features"]})
    if notice["clothing"]:
        lines.append(_("Clothing: %(text)s.") % {"text": notice["clothing"]})
    lines.append(_("In the care of %(station)s, telephone %(phone)s.") % {
        "station": notice["station"], "phone": notice["station_phone"] or "-"})
    return ("" if (get_language() or "").startswith("zh") else " ").join(lines)  # no space between Chinese sentences


def atom(notices, *, feed_url, site_url):
    feed = Atom1Feed(title=_("Family tracing notices"), link=site_url, feed_url=feed_url, language=settings.LANGUAGE_CODE,
                     description=_("People in the care of rescue stations whose families are sought."),
                     feed_guid=feed_url)
    for n in notices:
        feed.add_item(title=title(n), link=n["url"], description=summary(n), unique_id=n["url"],
                      pubdate=n["published_at"], updateddate=n["updated_at"] or n["published_at"],
                      enclosures=[])
    return feed.writeString("utf-8")


def json_feed(notices, *, feed_url, site_url, next_url=None):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1); each item's `_homeward` holds the public fields."""
    items = []
    for n in notices:
        item = {"id": n["url"], "url": n["url"], "title": title(n), "content_text": summary(n),
                "date_published": n["published_at"], "date_modified": n["updated_at"] or n["published_at"],
                "_homeward": n}
        if n["photo_url"]:
            item["image"] = n["photo_url"]
        items.append(item)
    document = {"version": "https://jsonfeed.org/version/1.1", "title": _("Family tracing notices"),
                "home_page_url": site_url, "feed_url": feed_url, "language": settings.LANGUAGE_CODE, "items": items}
    if next_url:
        document["next_url"] = next_url
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)


def _stamp(value):
    """PFIF's UTC time, to the second: 2026-12-05T01:02:03Z."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pfif_record_id(pk, kind="person"):
    return f"{settings.PFIF_DOMAIN}/{kind}.{pk}"


def pfif(notices, *, expired=(), now=None, source_url=""):
    """PFIF 1.4: a person record per notice (the public fields only) with one note saying where the
    person is (status believed_alive), then an expired record per notice withdrawn ([(pk, withdrawn
    at)]): only its id and dates, every other field emptied, as the specification asks."""
    now = now or timezone.now()
    root = etree.Element(f"{{{PFIF_NS}}}pfif", nsmap={"pfif": PFIF_NS})

    def field(parent, name, value):
        if value not in (None, ""):
            etree.SubElement(parent, f"{{{PFIF_NS}}}{name}").text = str(value)

    for n in notices:
        person = etree.SubElement(root, f"{{{PFIF_NS}}}person")
        record_id = pfif_record_id(n["id"])
        field(person, "person_record_id", record_id)
        field(person, "entry_date", _stamp(now))
        field(person, "author_name", n["station"])
        field(person, "author_phone", n["station_phone"])
        field(person, "source_name", n["station"])
        field(person, "source_date", _stamp(n["updated_at"] or n["published_at"] or now))
        field(person, "source_url", n["url"])
        field(person, "full_name", n["name"] or _("Name unknown"))
        description = summary(n)
        field(person, "description", description)
        field(person, "sex", PFIF_SEX.get(n["sex"], ""))
        field(person, "age", age_text(n))
        field(person, "photo_url", n["photo_url"])
        note = etree.SubElement(person, f"{{{PFIF_NS}}}note")
        field(note, "note_record_id", pfif_record_id(n["id"], "note"))
        field(note, "person_record_id", record_id)
        field(note, "entry_date", _stamp(now))
        field(note, "author_name", n["station"])
        field(note, "author_phone", n["station_phone"])
        field(note, "source_date", _stamp(n["updated_at"] or n["published_at"] or now))
        field(note, "status", "believed_alive")
        field(note, "last_known_location", n["station"])
        field(note, "text", description)
    for pk, gone in expired:
        person = etree.SubElement(root, f"{{{PFIF_NS}}}person")
        field(person, "person_record_id", pfif_record_id(pk))
        field(person, "entry_date", _stamp(now))
        field(person, "expiry_date", _stamp(gone or now))
        field(person, "source_date", _stamp(gone or now))
        etree.SubElement(person, f"{{{PFIF_NS}}}full_name")  # emptied, as every field of an expired record
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
