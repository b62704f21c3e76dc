"""Old photos and face evidence in words (issue 24): a family's photo says when it was taken (the year,
or the person's age in it); an old one weighs less in the rank and the review says why; every face part
reads as "about 1 in N strangers are this close", measured by the named encoder."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from face.encoding import strangers_this_close
from family.finding import FACE_WEIGHT, rank_score
from family.models import Candidate, FamilyReport, ReportPhoto
from family.services import check_photo, register_report
from tests import factories


@pytest.fixture
def father(station, reception, committed, resident):
    return resident(station, reception, committed, face="obama_1", name="", sex="M", age_min=60, age_max=70,
                    native_place="河南省周口市")


def report_with(by, committed, photo, **dating):
    data = photo("obama_3")
    with committed():
        report = register_report(report=factories.FamilyReportFactory.build(
            name="张德明", sex="M", age_min=66, age_max=66, native_place="广东省广州市"),
                                 photos=[(data, check_photo(data))], by=by, **dating)
    report.refresh_from_db()
    return report


def test_an_old_photo_weighs_less_and_the_review_says_so(client_as, station, reception, supervisor, committed,
                                                          father, photo):
    twenty = timezone.localdate().year - 20
    report = report_with(reception, committed, photo, taken_year=twenty)
    assert ReportPhoto.objects.get(report=report).years_old() == 20
    top = Candidate.objects.get(report=report)
    assert top.person == father.person
    weak = FACE_WEIGHT * settings.FACE_OLD_PHOTO_WEIGHT
    assert top.score == pytest.approx(rank_score(top.face_distance, top.description_score, weak))
    assert top.description_score < 1 and top.score < rank_score(top.face_distance, top.description_score)
    text = client_as(supervisor).get(report.get_absolute_url()).content.decode()
    assert "The photo is about 20 years old: face evidence is weak at that gap" in text
    assert f"taken in {twenty}" in text
    n = strangers_this_close(top.face_distance, "mobilefacenet@2")
    assert f"1 in {n} strangers are this close" in text and "measured by MobileFaceNet" in text


def test_a_recent_photo_keeps_the_full_face_weight(client_as, reception, supervisor, committed, father, photo):
    report = report_with(reception, committed, photo, taken_year=timezone.localdate().year - 1)
    top = Candidate.objects.get(report=report)
    assert top.score == pytest.approx(rank_score(top.face_distance, top.description_score))
    text = client_as(supervisor).get(report.get_absolute_url()).content.decode()
    assert "face evidence is weak" not in text and "strangers are this close" in text


def test_the_age_in_the_photo_dates_it_from_the_persons_age_now(reception, committed, father, photo):
    report = report_with(reception, committed, photo, age_in_photo=40)
    assert ReportPhoto.objects.get(report=report).years_old() == 26  # 66 now
    top = Candidate.objects.get(report=report)
    weak = FACE_WEIGHT * settings.FACE_OLD_PHOTO_WEIGHT
    assert top.score == pytest.approx(rank_score(top.face_distance, top.description_score, weak))


def test_added_photos_carry_their_year_and_a_future_year_is_refused(client_as, reception, committed, photo, station):
    report = report_with(reception, committed, photo)
    url = reverse("family:report_photos", args=[report.pk])
    future = timezone.localdate().year + 1
    with committed():
        client_as(reception).post(url, {"photos": [_upload(photo("obama_2"))], "photo_year": future})
    assert report.photos.count() == 1  # refused: nothing added
    with committed():
        client_as(reception).post(url, {"photos": [_upload(photo("obama_2"))], "photo_year": 2001})
    assert list(report.photos.order_by("pk").values_list("taken_year", flat=True)) == [None, 2001]
    assert FamilyReport.objects.get(pk=report.pk).photos.count() == 2


def _upload(data):
    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
