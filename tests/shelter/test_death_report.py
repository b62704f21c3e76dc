"""The death report goes up the chain: a printable PDF in Chinese with the proof listed, and a record of
when and to whom it was sent (civil-affairs bureau, police)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from shelter import documents
from shelter.models import AuditEvent, Death, DeathReportSending, Person
from shelter.services import record_death


@pytest.fixture
def death(stay, reception, scan):
    Person.objects.filter(pk=stay.person_id).update(name="王大明", native_place="湖南省邵阳市")
    stay.person.refresh_from_db()
    record_death(stay=stay, by=reception, death=Death(
        died_at=timezone.now(), place="广州市第一人民医院", cause="心脏骤停", proof_kind="medical",
        proof=scan("cert.pdf")))
    return Death.objects.get(stay=stay)


def text_of(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def test_the_death_report_pdf_is_in_chinese_with_the_proof_listed(death):
    text = text_of(documents.death_report_pdf(death))
    for expected in ("死亡报告", "王大明", death.stay.person.file_no, "广州市第一人民医院", "心脏骤停", "医学死亡证明",
                     "cert", "湖南省邵阳市", "非正常死亡", "应上报时限"):
        assert expected in text, expected


def test_sending_the_report_is_recorded_and_listed_on_the_report_and_the_pdf(death, client_as, reception, head):
    client = client_as(reception)
    url = reverse("shelter:death_report", args=[death.stay_id])
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"sent_at": at, "recipient_kind": "civil_affairs", "recipient": "白云区民政局",
                                 "method": "传真", "reference": "穗救死报〔2026〕3号"})
    assert response.status_code == 302
    client.post(url, {"sent_at": at, "recipient_kind": "police", "recipient": "天河派出所", "method": "专人送达"})
    assert list(DeathReportSending.objects.values_list("recipient_kind", "recipient", "entered_by")) == [
        ("civil_affairs", "白云区民政局", reception.pk), ("police", "天河派出所", reception.pk)]
    page = client.get(url).content.decode()
    assert "白云区民政局" in page and "天河派出所" in page
    pdf = client.get(reverse("shelter:death_report_pdf", args=[death.stay_id]))
    assert pdf["Content-Type"] == "application/pdf"
    text = text_of(pdf.content)
    assert "白云区民政局" in text and "民政局" in text and "穗救死报〔2026〕3号" in text
    assert AuditEvent.objects.filter(action="export", person=death.stay.person).exists()
    # The station head reads it but records nothing.
    assert client_as(head).get(url).status_code == 200
    assert client_as(head).post(url, {"recipient_kind": "police", "recipient": "x", "sent_at": at}).status_code == 403


def test_a_report_cannot_be_recorded_as_sent_before_the_death(death, client_as, reception):
    before = timezone.localtime(death.died_at - timezone.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_as(reception).post(reverse("shelter:death_report", args=[death.stay_id]), {
        "sent_at": before, "recipient_kind": "police", "recipient": "天河派出所"})
    assert response.status_code == 200 and "before the death" in response.content.decode()
    assert not DeathReportSending.objects.exists()
