"""The five standard forms of a stay print as Chinese PDFs from the file (issue 22): registration and
application, handover, services, departure, return-home record (with the letter back to the station that
referred the person). Read back with pypdf: real text in the embedded CJK font."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from oversight import figures, ledgers
from shelter import printed_forms
from shelter.models import AuditEvent, Departure, Person, Stay
from shelter.services import depart_stay, record_referrer_letter
from tests.factories import arrive

HOUR = datetime.timedelta(hours=1)


def text_of(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


@pytest.fixture
def referred(db, station, reception):
    """A woman referred by another station, with her belongings, a service and the fingerprints taken."""
    stay = arrive(station, reception, arrived_at=timezone.now() - 30 * HOUR, name="张桂兰", sex="F", age_min=60,
                  age_max=70, native_place="湖南省邵阳市", fingerprints="taken", fingerprints_reference="ZW-4401-9")
    Stay.objects.filter(pk=stay.pk).update(brought_by="station", brought_by_name="长沙市救助管理站",
                                           handover_ref="长救转〔2026〕8号", health_at_intake="血压偏高")
    stay = Stay.objects.get(pk=stay.pk)
    stay.belongings.create(item="身份证复印件", quantity=1)
    stay.services.create(kind="meal", given_at=stay.arrived_at + HOUR, entered_by=reception, notes="午饭")
    return stay


def home(stay, reception, **values):
    values = {"kind": "family", "departed_at": timezone.now() - HOUR, "receiver_name": "王明",
              "receiver_relation": "儿子", "receiver_id_number": "11010519491231002X", "found_channel": "toutiao",
              "destination": "湖南省邵阳市隆回县", **values}
    counted = {b.pk: ("returned", "") for b in stay.belongings.all()}
    depart_stay(stay=stay, by=reception, departure=Departure(**values), counted_out=counted)
    return Stay.objects.get(pk=stay.pk)


def test_the_registration_form_carries_the_file(referred):
    text = text_of(printed_forms.pdf_of("registration", referred))
    for expected in ("救助登记表", "张桂兰", "女", "60–70", "湖南省邵阳市", "血压偏高", "其他救助站长沙市救助管理站",
                     "身份证复印件", "已采集（ZW-4401-9）", referred.person.file_no, "求助人"):
        assert expected in text, expected


def test_a_stays_forms_carry_the_station_of_that_stay_after_the_file_moved(referred, station, other_station):
    """The file went on to another station (a transfer): the forms of the stay here still say this station."""
    Person.objects.filter(pk=referred.person_id).update(station=other_station)
    stay = Stay.objects.get(pk=referred.pk)
    for slug in ("registration", "handover"):
        text = text_of(printed_forms.pdf_of(slug, stay))
        assert station.name.replace(" ", "") in text and other_station.name.replace(" ", "") not in text, slug


def test_the_handover_and_services_forms(referred):
    handover = text_of(printed_forms.pdf_of("handover", referred))
    for expected in ("交接单", "长救转〔2026〕8号", "长沙市救助管理站", "身份证复印件", "移交人"):
        assert expected in handover, expected
    services = text_of(printed_forms.pdf_of("services", referred))
    assert "站内服务记录" in services and "餐食" in services and "午饭" in services


def test_the_departure_forms_only_once_departed(referred, reception):
    assert printed_forms.available(referred) == ["registration", "handover", "services"]
    with pytest.raises(KeyError):
        printed_forms.pdf_of("departure", referred)
    stay = home(referred, reception)
    assert printed_forms.available(stay) == list(printed_forms.FORMS)
    text = text_of(printed_forms.pdf_of("departure", stay))
    for expected in ("离站登记表", "王明", "儿子", "湖南省邵阳市隆回县", "身份证复印件", "已归还本人"):
        assert expected in text, expected


def test_the_return_home_record_carries_the_letter_to_the_referring_station(referred, reception):
    stay = home(referred, reception, referrer_letter_no="穗救函〔2026〕21号")
    text = text_of(printed_forms.pdf_of("return-home", stay))
    for expected in ("返乡记录", "王明", "今日头条", "长沙市救助管理站：", "编号：穗救函〔2026〕21号", "长救转〔2026〕8号",
                     stay.person.file_no, "（盖章）"):
        assert expected in text, expected


def test_no_letter_when_no_station_referred_the_person(station, reception):
    stay = arrive(station, reception, arrived_at=timezone.now() - 30 * HOUR)
    stay = home(stay, reception, kind="ticket", destination="邵阳", ticket_no="K9", receiver_name="",
                receiver_relation="", receiver_id_number="", found_channel="")
    text = text_of(printed_forms.pdf_of("return-home", stay))
    assert "返乡记录" in text and "转介" not in text and len(PdfReader(io.BytesIO(
        printed_forms.pdf_of("return-home", stay))).pages) == 1


def test_the_forms_are_printed_from_the_file_page_audited_and_kept_to_the_station(client_as, reception, referred,
                                                                                  other_station, make_user):
    client = client_as(reception)
    page = client.get(referred.person.get_absolute_url()).content.decode()
    url = reverse("shelter:stay_form_pdf", args=[referred.pk, "registration"])
    assert url in page and "return-home" not in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action=AuditEvent.EXPORT, person=referred.person,
                                     detail__document="registration.pdf").exists()
    assert client.get(reverse("shelter:stay_form_pdf", args=[referred.pk, "departure"])).status_code == 404
    assert client.get(reverse("shelter:stay_form_pdf", args=[referred.pk, "nonsense"])).status_code == 404
    stranger = client_as(make_user("sz-reception", "reception", other_station))
    assert stranger.get(url).status_code == 404
    assert Person.objects.count() == 1


def test_the_return_home_ledger_chases_the_letter_not_sent(referred, reception, station):
    home(referred, reception)
    month = figures.this_month()
    row = ledgers.build("return_home", [station.pk], month, month).dicts()[0]
    assert (row["转介单位"], row["回复转介单位函号"], row["回复函"]) == ("长沙市救助管理站", "", "待发")
    Departure.objects.filter(stay=referred).update(referrer_letter_no="穗救函〔2026〕21号")
    row = ledgers.build("return_home", [station.pk], month, month).dicts()[0]
    assert row["回复函"] == "已发"


def test_the_letter_sent_after_the_departure_is_recorded_once_from_the_file(client_as, referred, reception):
    home(referred, reception)
    client = client_as(reception)
    page = client.get(referred.person.get_absolute_url()).content.decode()
    url = reverse("shelter:referrer_letter", args=[referred.pk])
    assert url in page
    assert client.post(url, {"reference": "  "}).status_code == 302
    assert Departure.objects.get(stay=referred).referrer_letter_no == ""
    client.post(url, {"reference": "穗救函〔2026〕30号"})
    assert Departure.objects.get(stay=referred).referrer_letter_no == "穗救函〔2026〕30号"
    client.post(url, {"reference": "另一个"})
    assert Departure.objects.get(stay=referred).referrer_letter_no == "穗救函〔2026〕30号"  # once
    assert AuditEvent.objects.filter(action=AuditEvent.CHANGE, detail__referrer_letter="穗救函〔2026〕30号").count() == 1
    assert url not in client.get(referred.person.get_absolute_url()).content.decode()


def test_no_letter_is_recorded_for_a_person_no_station_referred(station, reception):
    stay = home(arrive(station, reception, arrived_at=timezone.now() - 30 * HOUR), reception)
    with pytest.raises(ValidationError):
        record_referrer_letter(departure=stay.departure, reference="X-1")
