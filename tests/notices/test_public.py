"""The published notices seen from outside: the public pages and the feeds show a notice while it is
out (a publication not withdrawn), only its public fields, without log-in; a notice withdrawn on its
last channel is gone at once; the PFIF feed validates against the PFIF 1.4 schema."""

import datetime
import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from face.models import Portrait
from face.services import take_portrait
from notices import selectors
from shelter.models import AuditEvent, Departure, Station, Stay, Transfer
from shelter.services import accept_transfer, correct_stay, depart_stay
from tracing.documents import notice_text
from tracing.models import Publication, TracingCase
from tracing.services import withdraw_notice

XSD = Path(__file__).parent.parent / "vendor" / "pfif" / "pfif-1.4.xsd"
NS = {"pfif": "http://zesty.ca/pfif/1.4"}
# Facts of the file that must never leave through the public side.
SECRETS = {
    "id_number": "110105194912310021", "relatives_phone": "13977776666", "native_place": "湖南省邵阳市隆回县",
    "dialect": "湘语隆回话", "ethnicity": "瑶族", "aliases": "阿福",
}


@pytest.fixture
def out(station, reception, arrive, publish, webcam):
    """A man with a notice out, a portrait, and facts of his file that are not the notice's; a woman
    whose notice is not published; a notice withdrawn."""
    stay = arrive(station, reception, name="王建国", height_cm=168, marks="左手缺小指", **SECRETS)
    Portrait.objects.filter(person=stay.person).delete()
    take_portrait(person=stay.person, data=webcam("obama_1"), by=reception, source=Portrait.WEBCAM)
    stay.health_at_intake = "糖尿病，需每日注射胰岛素"
    stay.save(update_fields=["health_at_intake"])
    publish(stay.tracing_case, reception)
    quiet = arrive(station, reception, sex="F", age_min=20, age_max=30)
    gone = arrive(station, reception, name="李四", sex="M", age_min=40, age_max=50)
    publish(gone.tracing_case, reception, reference="GZ-2")
    publication = gone.tracing_case.publications.get()
    return {"stay": stay, "quiet": quiet, "gone": gone, "publication": publication}


def withdraw(publication, user):
    return withdraw_notice(publication=Publication.objects.get(pk=publication.pk), by=user, at=timezone.now(),
                           reason="家属已联系")


def test_the_public_fields_and_nothing_else(client, out):
    notice = selectors.public_notice(selectors.published_notice(out["stay"].tracing_case.pk))
    assert set(notice) == set(selectors.PUBLIC_FIELDS)
    assert notice["name"] == "王建国" and notice["height_cm"] == 168 and "左手缺小指" in notice["features"]
    assert notice["photo_url"] and notice["station_phone"] == "020-1234"


@pytest.mark.parametrize("name", ["notices:search", "notices:atom", "notices:json_feed", "notices:pfif"])
def test_no_field_outside_the_public_list_and_no_log_in(client, out, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王建国" in body and "168" in body
    for secret in [*SECRETS.values(), "糖尿病", out["stay"].person.file_no, "reception"]:
        assert secret not in body, f"{name} shows {secret}"
    assert out["quiet"].person.get_absolute_url() not in body


def test_the_json_feed_items_carry_exactly_the_public_fields(client, out):
    items = json.loads(client.get(reverse("notices:json_feed")).content)["items"]
    assert {i["_homeward"]["name"] for i in items} == {"王建国", "李四"}
    for item in items:
        assert set(item["_homeward"]) == set(selectors.PUBLIC_FIELDS)
        assert set(item) <= {"id", "url", "title", "content_text", "date_published", "date_modified", "image",
                             "_homeward"}


def test_an_unpublished_file_has_no_public_page(client, out):
    assert client.get(reverse("notices:notice", args=[out["quiet"].tracing_case.pk])).status_code == 404
    assert client.get(reverse("notices:photo", args=[out["quiet"].tracing_case.pk])).status_code == 404
    page = client.get(reverse("notices:notice", args=[out["stay"].tracing_case.pk]))
    assert page.status_code == 200 and "王建国" in page.content.decode()
    photo = client.get(reverse("notices:photo", args=[out["stay"].tracing_case.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_a_withdrawn_notice_leaves_the_page_and_the_feeds_at_once(client, out, reception):
    case = out["gone"].tracing_case
    assert "李四" in client.get(reverse("notices:atom")).content.decode()
    withdraw(out["publication"], reception)
    assert client.get(reverse("notices:notice", args=[case.pk])).status_code == 404
    for name in ("notices:search", "notices:atom", "notices:json_feed"):
        assert "李四" not in client.get(reverse(name)).content.decode(), name
    pfif = etree.fromstring(client.get(reverse("notices:pfif")).content)
    assert "李四" not in etree.tostring(pfif, encoding="unicode")
    expired = [p for p in pfif.findall("pfif:person", NS) if p.find("pfif:expiry_date", NS) is not None]
    assert [p.findtext("pfif:person_record_id", namespaces=NS) for p in expired] == [
        f"homeward.example.gov.cn/person.{case.pk}"]
    assert expired[0].findtext("pfif:full_name", namespaces=NS) in ("", None)
    assert expired[0].find("pfif:note", NS) is None


def test_the_pfif_feed_validates_against_the_pfif_1_4_schema(client, out, reception):
    withdraw(out["publication"], reception)  # an expired record too
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(client.get(reverse("notices:pfif")).content)
    assert schema.validate(document), schema.error_log
    people = document.findall("pfif:person", NS)
    assert len(people) == 2
    live = people[0]
    assert live.findtext("pfif:full_name", namespaces=NS) == "王建国"
    assert live.findtext("pfif:sex", namespaces=NS) == "male"
    assert live.findtext("pfif:age", namespaces=NS) == "60-70"
    assert live.find("pfif:note/pfif:status", NS).text == "believed_alive"


def test_the_schema_refuses_a_broken_record():
    """The schema is no rubber stamp: a record without its id, or with a sex PFIF does not know, fails."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    bad = etree.fromstring(
        b'<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person><pfif:source_date>2026-01-01T00:00:00Z'
        b'</pfif:source_date><pfif:full_name>x</pfif:full_name><pfif:sex>M</pfif:sex></pfif:person></pfif:pfif>')
    assert not schema.validate(bad)


def test_the_search_narrows_by_sex_age_station_and_date(client, out, other_station, make_user, arrive, publish):
    there = make_user("sz", "reception", other_station)
    far = arrive(other_station, there, name="陈五", sex="F", age_min=70, age_max=80)
    publish(far.tracing_case, there, reference="SZ-1")

    def names(**params):
        return {n["name"] for n in json.loads(client.get(reverse("notices:json_feed"), params).content)["items"]
                for n in [n["_homeward"]]}

    assert names() == {"王建国", "李四", "陈五"}
    assert names(sex="F") == {"陈五"}
    assert names(age_from=45, age_to=55) == {"李四"}
    assert names(station="SZ") == {"陈五"}
    assert names(region="Shenzhen") == {"陈五"}
    # Words of the place found (another station's too), or of a station's address; nothing found is nothing.
    Stay.objects.filter(pk=out["gone"].pk).update(found_place="广州火车站东广场")
    Stay.objects.filter(pk=far.pk).update(found_place="深圳北站")
    Station.objects.filter(pk=other_station.pk).update(address="深圳市罗湖区人民南路")
    assert names(region="火车站") == {"李四"}
    assert names(region="北站") == {"陈五"}
    assert names(region="罗湖") == {"陈五"}
    assert names(region="客运站") == {"王建国"}
    assert names(region="火车站", sex="F") == set()
    assert names(region="无此地") == set()
    assert names(found_from="2000-01-01", found_to=timezone.localdate().isoformat()) == {"王建国", "李四", "陈五"}
    assert names(found_to="2000-01-01") == set()
    assert names(sex="nonsense", age_from="x") == {"王建国", "李四", "陈五"}  # a wrong value is ignored
    station_page = client.get(reverse("notices:station", args=["SZ"])).content.decode()
    assert "陈五" in station_page and "王建国" not in station_page


def test_public_pages_are_rate_limited(client, out, settings):
    settings.PUBLIC_RATE = "3/min"
    codes = [client.get(reverse("notices:search")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_platform_package_has_the_fields_and_photo_and_is_audited(client_as, out, reception):
    case = out["stay"].tracing_case
    response = client_as(reception).get(reverse("notices:package", args=[case.pk, "national"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(BytesIO(response.content))
    assert set(z.namelist()) == {"fields.json", "fields.txt", "photo.jpg"}
    fields = json.loads(z.read("fields.json"))
    assert fields["name"] == "王建国" and fields["station_phone"] == "020-1234"
    text = z.read("fields.txt").decode()
    for secret in [*SECRETS.values(), "糖尿病"]:
        assert secret not in text
    assert AuditEvent.objects.filter(action=AuditEvent.EXPORT, person=case.stay.person,
                                     detail__document="package:national").exists()
    assert client_as(reception).get(reverse("notices:package", args=[case.pk, "tv"])).status_code == 404


def test_the_case_page_offers_each_platforms_package(client_as, out, reception, head):
    case = out["stay"].tracing_case
    page = client_as(reception).get(reverse("tracing:case", args=[case.pk])).content.decode()
    for platform in ("national", "toutiao", "wechat"):
        assert reverse("notices:package", args=[case.pk, platform]) in page
    assert "packages/" not in client_as(head).get(reverse("tracing:case", args=[case.pk])).content.decode()


def test_no_cache_keeps_a_page_past_a_withdrawal(client, out):
    for name in ("notices:search", "notices:atom", "notices:json_feed", "notices:pfif"):
        assert "no-cache" in client.get(reverse(name))["Cache-Control"], name


def test_the_dates_are_the_first_publication_and_the_last_refresh(out, reception, publish):
    case = out["stay"].tracing_case
    first = case.publications.get().published_at
    publish(case, reception, channel="toutiao", reference="TT-1")
    notice = selectors.public_notice(selectors.published_notice(case.pk))
    assert notice["published_at"] == first and notice["updated_at"] == first


def _pfif_pages(client, url):
    """Every page of a PFIF feed, following its Link headers: [(live record ids, expired record ids)]."""
    schema, pages = etree.XMLSchema(etree.parse(str(XSD))), []
    while url:
        response = client.get(url)
        document = etree.fromstring(response.content)
        assert schema.validate(document), schema.error_log
        people = document.findall("pfif:person", NS)
        ids = [(p.findtext("pfif:person_record_id", namespaces=NS).rsplit(".", 1)[1],
                p.find("pfif:expiry_date", NS) is not None) for p in people]
        pages.append(([int(i) for i, gone in ids if not gone], [int(i) for i, gone in ids if gone]))
        link = response.get("Link", "")
        url = link[link.index("<") + 1:link.index(">")] if link else None
    return pages


def test_the_pfif_feed_pages_its_expired_records_and_links_the_next_page(client, out, reception, station,
                                                                          other_station, make_user, arrive,
                                                                          publish, monkeypatch):
    """Expired records come a page at a time beside the notices out (not all of them on the first page),
    the pages follow each other by their Link header until both are done, and a station's feed expires
    only its own notices."""
    third = arrive(station, reception, name="赵六")
    publish(third.tracing_case, reception, reference="GZ-3")
    there = make_user("sz", "reception", other_station)
    far = arrive(other_station, there, name="陈五")
    publish(far.tracing_case, there, reference="SZ-1")
    withdraw(out["publication"], reception)
    withdraw(third.tracing_case.publications.get(), reception)
    withdraw(far.tracing_case.publications.get(), there)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    live, gone, later = out["stay"].tracing_case.pk, out["gone"].tracing_case.pk, third.tracing_case.pk

    pages = _pfif_pages(client, reverse("notices:pfif"))
    assert pages == [([live], [far.tracing_case.pk]), ([], [later]), ([], [gone])]
    assert _pfif_pages(client, reverse("notices:pfif") + "?station=GZ") == [([live], [later]), ([], [gone])]
    # A feed narrowed by anything but the station has no expired records (they carry nothing to narrow by).
    assert _pfif_pages(client, reverse("notices:pfif") + "?sex=M") == [([live], [])]


def test_every_page_of_a_long_list_can_be_reached():
    """Page 131 is page 131 (it was read as an age, at most 130, and gave page 1 again: a crawler
    following the next links went round for ever)."""
    assert selectors.page(list(range(500)), "131", size=2) == ([260, 261], True)
    assert selectors.page(list(range(500)), "250", size=2) == ([498, 499], False)
    assert selectors.page(list(range(500)), "x", size=2) == ([0, 1], True)


def test_a_notice_says_the_day_the_person_was_found_not_the_day_a_transfer_brought_them(
        client, station, reception, other_station, make_user, arrive, publish):
    """The public notice's date found is the arrival that opened the case, wherever the person is now; a
    corrected arrival time moves it (and the notice's place in the newest-first list)."""
    found = timezone.now() - datetime.timedelta(days=10)
    stay = arrive(station, reception, name="周七", arrived_at=found)
    publish(stay.tracing_case, reception, reference="GZ-7")
    later = arrive(station, reception, name="吴八", arrived_at=timezone.now() - datetime.timedelta(days=5))
    publish(later.tracing_case, reception, reference="GZ-8")
    depart_stay(stay=stay, by=reception, departure=Departure(
        kind="transfer", destination=other_station.name, receiver_name="接收站接待员", to_station=other_station,
        departed_at=timezone.now() - datetime.timedelta(hours=2)))
    there = make_user("sz", "reception", other_station)
    moved = accept_transfer(transfer=Transfer.objects.get(stay=stay), by=there,
                            stay=Stay(arrived_at=timezone.now() - datetime.timedelta(hours=1)))

    def listed():
        return [(n["_homeward"]["name"], n["_homeward"]["found_on"], n["_homeward"]["station_code"])
                for n in json.loads(client.get(reverse("notices:json_feed")).content)["items"]]

    day = timezone.localtime(found).date().isoformat()
    assert moved.tracing_case.arrival_id == stay.pk
    assert listed() == [("吴八", timezone.localtime(later.arrived_at).date().isoformat(), "GZ"), ("周七", day, "SZ")]
    # The receiving station's own notice (its page, PDF and text) says so too.
    case = TracingCase.objects.get(pk=moved.tracing_case.pk)
    assert {str(label): value for label, value in case.notice_facts()}["Date found"] == day
    assert f"On {day} a person was found at" in notice_text(case)

    # The sending station corrects the arrival: a day earlier still, and the notice follows.
    first = Stay.objects.get(pk=stay.pk)
    first.arrived_at = found - datetime.timedelta(days=1)
    correct_stay(stay=first)
    assert listed()[1] == ("周七", timezone.localtime(first.arrived_at).date().isoformat(), "SZ")
    gone_before = (found - datetime.timedelta(days=1)).date().isoformat()
    names = {n["_homeward"]["name"] for n in json.loads(client.get(
        reverse("notices:json_feed"), {"found_to": gone_before}).content)["items"]}
    assert names == {"周七"}


def test_a_withdrawal_entered_late_still_expires_the_notice_in_the_pfif_feed(client, station, reception, arrive, publish):
    """The feed stopped showing the notice today: its expired record is there today, even when the
    withdrawal states a day beyond PFIF_EXPIRED_DAYS (a withdrawal on paper entered late); its expiry
    date is the one stated."""
    long_ago = timezone.now() - datetime.timedelta(days=60)
    stay = arrive(station, reception, name="郑九", arrived_at=long_ago)
    publish(stay.tracing_case, reception, when=long_ago + datetime.timedelta(hours=2), reference="GZ-9")
    stated = timezone.now() - datetime.timedelta(days=45)
    withdraw_notice(publication=stay.tracing_case.publications.get(), by=reception, at=stated, reason="家属已联系")
    document = etree.fromstring(client.get(reverse("notices:pfif")).content)
    expired = [p for p in document.findall("pfif:person", NS) if p.find("pfif:expiry_date", NS) is not None]
    assert [p.findtext("pfif:person_record_id", namespaces=NS) for p in expired] == [
        f"homeward.example.gov.cn/person.{stay.tracing_case.pk}"]
    assert expired[0].findtext("pfif:expiry_date", namespaces=NS) == stated.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
