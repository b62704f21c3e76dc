"""The printed documents: the tracing notice (page and PDF) and the DNA request to the police (PDF).
Their Chinese text must be real text in an embedded font: the tests read it back with pypdf."""

import datetime
import io
import pathlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from face.models import Portrait
from shelter.models import AuditEvent
from tracing import documents

DAY = datetime.timedelta(days=1)

FACE = pathlib.Path(__file__).parent.parent / "faces" / "obama_1.jpg"


@pytest.fixture
def case(station, reception, arrive, case_of):
    station.name, station.phone, station.address = "广州市救助管理站", "020-8666 0000", "广州市白云区"
    station.save()
    stay = arrive(station, reception, arrived_at=timezone.now() - 2 * DAY, sex="F", age_min=70, age_max=80,
                  height_cm=152, build="slim", dialect="粤语", marks="右脸颊有痣", hair="短发，花白")
    stay.health_at_intake = "体弱"
    stay.mental_state = "dementia"
    stay.save()
    return case_of(stay)


def text_of(data):
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages).replace(" ", ""), reader


def with_portrait(case):
    return Portrait.objects.create(person=case.stay.person, is_main=True,
                                   image=SimpleUploadedFile("face.jpg", FACE.read_bytes(), content_type="image/jpeg"))


def test_the_notice_pdf_carries_the_file_in_chinese_with_the_portrait(case):
    with_portrait(case)
    text, reader = text_of(documents.notice_pdf(case))
    for expected in ("寻亲公告", "广州市救助管理站", "性别", "女", "估计年龄", "70–80岁", "身高", "约152厘米", "体型", "偏瘦",
                     "健康状况", "体弱", "精神及智力状况", "疑似痴呆", "口音", "粤语", "体貌特征", "短发，花白；右脸颊有痣",
                     "衣着", "蓝色外套，黑裤", "发现地点", "天河客运站候车厅", "020-86660000", case.stay.person.file_no,
                     "如有知情者"):
        assert expected in text, expected
    page = reader.pages[0]
    assert len(page.images) == 1  # the main portrait
    fonts = page["/Resources"]["/Font"]
    font = next(iter(fonts.values())).get_object()
    assert "WenQuanYi" in font["/BaseFont"] or "Zen" in font["/BaseFont"]  # embedded CJK font, not a fallback


def test_without_a_portrait_the_notice_still_prints(case):
    text, reader = text_of(documents.notice_pdf(case))
    assert "寻亲公告" in text and len(reader.pages[0].images) == 0


def test_the_dna_request_names_the_person_the_station_the_date_and_the_reference(case, reception, refer, case_of):
    sent = timezone.now() - DAY
    refer(case, reception, when=sent)
    referral = case_of(case.stay).dna_referral
    text, _reader = text_of(documents.dna_letter_pdf(referral))
    for expected in ("关于协助采集DNA样本的函", f"编号：{referral.reference_no}", "广州市公安局天河区分局：",
                     case.stay.person.file_no, "天河客运站候车厅", "全国失踪人员DNA数据库", "广州市救助管理站",
                     "（盖章）", timezone.localtime(sent).strftime("%Y-%m-%d"), "020-86660000", "估计年龄"):
        assert expected in text, expected


def test_the_notice_is_chinese_whatever_the_screen_language(client_as, reception, case):
    client = client_as(reception)
    client.cookies["django_language"] = "en"
    page = client.get(f"/tracing/cases/{case.pk}/notice/").content.decode()
    assert "寻亲公告" in page and "估计年龄" in page and "天河客运站候车厅" in page
    assert "Family tracing notice" not in page


def test_downloads_are_audited_as_exports(client_as, reception, case, refer):
    client = client_as(reception)
    response = client.get(f"/tracing/cases/{case.pk}/notice.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    refer(case, reception, when=timezone.now() - DAY)
    response = client.get(f"/tracing/cases/{case.pk}/dna-request.pdf")
    assert response.status_code == 200
    exports = AuditEvent.objects.filter(action="export", person=case.stay.person, user=reception)
    assert sorted(e.detail["document"] for e in exports) == ["dna-letter.pdf", "notice.pdf"]


def test_no_letter_before_the_request(client_as, reception, case):
    assert client_as(reception).get(f"/tracing/cases/{case.pk}/dna-request.pdf").status_code == 404


def test_the_pdfs_are_kept_out_of_shared_caches(client_as, reception, case, refer):
    refer(case, reception)
    client = client_as(reception)
    for name in ("tracing:notice_pdf", "tracing:dna_letter"):
        response = client.get(reverse(name, args=[case.pk]))
        assert response.status_code == 200 and response["Cache-Control"].startswith("private")


# --- The DNA letter says only what happened (issue 22) ------------------------------------------------------


def test_the_dna_letter_lists_the_quick_queries_recorded_and_the_notices_published(case, reception, query, publish,
                                                                                   refer, case_of):
    made = timezone.now() - DAY
    query(case, reception, when=made)
    publish(case_of(case.stay), reception, when=made + DAY / 4, channel="toutiao")
    refer(case_of(case.stay), reception, when=timezone.now() - DAY / 2)
    text, _reader = text_of(documents.dna_letter_pdf(case_of(case.stay).dna_referral))
    assert "已进行的快速身份查询：" in text
    assert f"{timezone.localtime(made):%Y-%m-%d}公安身份核查：未能确认" in text and "公安人口信息系统比对" in text
    assert "已发布寻亲公告：今日头条" in text
    assert "未能进行快速身份查询" not in text


def test_a_dna_letter_without_a_query_says_why_none_was_possible_and_claims_no_notice(case, reception, refer, case_of):
    refer(case, reception, no_query_reason="本人昏迷，无法交流，未携带任何证件")
    text, _reader = text_of(documents.dna_letter_pdf(case_of(case.stay).dna_referral))
    assert "未能进行快速身份查询：本人昏迷，无法交流，未携带任何证件。" in text
    assert "经快速身份查询" not in text and "已进行的快速身份查询" not in text
    assert "寻亲公告" not in text  # none was published
    assert "至今未能查明其身份" in text


def test_a_dna_request_without_a_query_nor_a_reason_is_refused_and_nothing_is_lost(client_as, reception, case, case_of):
    client = client_as(reception)
    form = client.get(f"/tracing/cases/{case.pk}/do/dna/")
    assert "no_query_reason" in form.content.decode()
    sent = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    refused = client.post(f"/tracing/cases/{case.pk}/do/dna/", {"police_unit": "天河分局", "sent_at": sent})
    page = refused.content.decode()
    assert refused.status_code == 400 and "天河分局" in page and "No quick identity query is recorded on this case" in page
    assert not hasattr(case_of(case.stay), "dna_referral")
    done = client.post(f"/tracing/cases/{case.pk}/do/dna/", {"police_unit": "天河分局", "sent_at": sent,
                                                             "no_query_reason": "本人不能言语"})
    assert done.status_code == 302 and case_of(case.stay).dna_referral.no_query_reason == "本人不能言语"
