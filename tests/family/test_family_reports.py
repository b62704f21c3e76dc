"""Family reports at the counter or by phone: the form (photos checked, bad input refused with nothing
typed lost, double clicks), poor photos, the report's workflow and history, and who sees what."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from family.models import Candidate, FamilyReport
from family.services import close_report, confirm_candidate
from family.views import reports as reports_view
from lib import workflow
from shelter.models import AuditEvent, Departure, Person, StateLog
from shelter.services import depart_stay

FORM = {
    "reported_via": "phone", "reporter_name": "张伟", "reporter_relation": "儿子", "reporter_phone": "13912345678",
    "reporter_id_number": "11010519491231002X", "name": "张德明", "aliases": "老张", "sex": "M", "age_min": "66",
    "age_max": "66", "native_place": "河南省周口市", "dialect": "河南话", "last_seen_on": "2025-03-01",
    "last_seen_place": "广州火车站", "description": "短发花白", "health": "老年痴呆",
}


@pytest.fixture
def upload(photo):
    """upload(name, data=None, content_type="image/jpeg"): a file as the form receives it; without `data`,
    the photo of tests/faces named `name`."""
    def upload(name, data=None, content_type="image/jpeg"):
        return SimpleUploadedFile(name, data if data is not None else photo(name.rsplit(".", 1)[0]), content_type)

    return upload


def test_a_report_taken_at_the_counter_is_stored_checked_and_searched(client_as, station, reception, committed,
                                                                      resident, upload):
    man = resident(station, reception, committed, face="obama_1", sex="M", age_min=60, age_max=70)
    with committed():
        response = client_as(reception).post(reverse("family:report_new"), {
            **FORM, "photos": [upload("obama_3.jpg"), upload("obama_2.jpg")]})
    report = FamilyReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert (report.station, report.taken_by, report.reported_via) == (station, reception, "phone")
    assert report.reporter_id_number == "11010519491231002X" and report.age_range() == (66, 66)
    assert report.photos.count() == 2
    good, turned = sorted(report.photos.all(), key=lambda p: not p.accepted)
    assert good.accepted and good.encoding is not None
    assert not turned.accepted and turned.reasons == ["pose"] and turned.encoding is not None  # kept, flagged
    assert report.search_photos() == [good]  # a poor photo is not searched when a good one exists
    assert Candidate.objects.get(report=report).person == man.person
    assert AuditEvent.objects.filter(action="create", target=str(report)).exists()
    page = client_as(reception).get(report.get_absolute_url()).content.decode()
    assert "poor photo" in page and "Head turned or tilted" in page


def test_a_poor_only_photo_is_kept_searched_and_flagged(station, reception, committed, resident, take_report):
    man = resident(station, reception, committed, face="obama_3", sex="M")
    report = take_report(reception, committed, photos=["obama_240p"], sex="M")  # a small, soft video frame
    only = report.photos.get()
    assert not only.accepted and set(only.reasons) == {"too_small", "blurred"}
    assert report.search_photos() == [only]
    candidate = Candidate.objects.get(report=report)
    assert candidate.person == man.person and candidate.photo == only
    assert AuditEvent.objects.get(action="face_search", person=None).detail["poor"] is True


def test_bad_input_is_refused_clearly_and_nothing_typed_is_lost(client_as, reception, upload):
    response = client_as(reception).post(reverse("family:report_new"), {
        **FORM, "reporter_id_number": "110105194912310021",
        "photos": [upload("obama_3.jpg"), upload("notes.pdf", b"%PDF-1.4 not a photo", "application/pdf")]})
    assert response.status_code == 200 and not FamilyReport.objects.exists()
    text = response.content.decode()
    assert "This ID number is not valid" in text
    assert "notes.pdf: This file is not a picture" in text and "choose the photos again" in text
    for value in ("张德明", "河南省周口市", "13912345678", "短发花白", "老年痴呆"):
        assert value in text


@pytest.mark.parametrize("typed, stored", [
    ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),  # full-width: normalised
    ("\u00b2" + "1010519491231002X", None),  # ²: "2" under NFKC, a wrong check digit: refused
])
def test_the_reporters_id_number_in_other_digits_is_normalised_or_refused(client_as, reception, committed, typed,
                                                                           stored):
    with committed():
        response = client_as(reception).post(reverse("family:report_new"), {**FORM, "reporter_id_number": typed})
    if stored is None:
        assert response.status_code == 200 and not FamilyReport.objects.exists()
        assert "This ID number is not valid" in response.content.decode()
    else:
        assert response.status_code == 302
        assert FamilyReport.objects.get().reporter_id_number == stored


def test_the_search_needs_a_name_or_a_photo(client_as, reception):
    data = {**FORM, "name": "", "aliases": ""}
    response = client_as(reception).post(reverse("family:report_new"), data)
    assert response.status_code == 200 and "the search needs one of them" in response.content.decode()
    assert not FamilyReport.objects.exists()


def test_a_double_click_registers_one_report(client_as, reception, committed):
    data = {**FORM, "submit_token": "0b6f1c58-7c1e-4a0c-a4f4-3a7f1c7d9e11"}
    with committed():
        first = client_as(reception).post(reverse("family:report_new"), data)
        second = client_as(reception).post(reverse("family:report_new"), data)
    assert FamilyReport.objects.count() == 1
    assert first.url == second.url == FamilyReport.objects.get().get_absolute_url()


def test_a_token_that_is_not_one_does_not_break_the_form(client_as, reception, committed):
    with committed():
        response = client_as(reception).post(reverse("family:report_new"), {**FORM, "submit_token": "not-a-uuid"})
    report = FamilyReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert report.submit_token is None


def test_two_clicks_at_the_same_moment_register_one_report(client_as, reception, committed, monkeypatch):
    """The other click's request registers the report between this one's check and its save: the
    unique token refuses the second, which lands on the first report."""
    token = "0b6f1c58-7c1e-4a0c-a4f4-3a7f1c7d9e12"
    register = reports_view.register_report

    def other_click_first(*, report, photos, by, origin=None, **dating):
        monkeypatch.undo()
        register(report=FamilyReport(**{k: v for k, v in FORM.items() if k.startswith("reporter_")}, name="张德明",
                                     sex="M", submit_token=token), photos=[], by=by)
        return register(report=report, photos=photos, by=by, origin=origin, **dating)

    monkeypatch.setattr(reports_view, "register_report", other_click_first)
    with committed():
        response = client_as(reception).post(reverse("family:report_new"), {**FORM, "submit_token": token}, follow=True)
    report = FamilyReport.objects.get()
    assert report.name == "张德明" and str(report.submit_token) == token
    assert response.redirect_chain == [(report.get_absolute_url(), 302)]
    assert "already registered" in response.content.decode()


def test_the_report_workflow_keeps_its_history(client_as, station, reception, supervisor, committed, resident,
                                               take_report):
    father = resident(station, reception, committed, face="leslie_1", sex="F")
    report = take_report(reception, committed, photos=["leslie_2"], sex="F")
    assert report.state == "candidate_found"
    with pytest.raises(workflow.WorkflowError):  # reception may not record a reunion
        close_report(report=report, step="reunite", by=reception)
    candidate = Candidate.objects.get()
    confirm_candidate(candidate=candidate, by=supervisor, reason="当面核对")
    report.refresh_from_db()
    # The family takes her home: the departure reunites the report.
    departed_at = timezone.now()
    depart_stay(stay=father, by=reception, departure=Departure(
        kind="family", departed_at=departed_at, receiver_name="王芳", receiver_relation="女儿",
        receiver_id_number="11010519491231002X", found_channel="face"))
    report.refresh_from_db()
    assert report.state == "reunited" and report.closed_at == departed_at
    steps = list(StateLog.for_object(report).values_list("transition", "state", "by__username"))
    assert steps == [("propose", "candidate_found", "reception"), ("confirm_match", "confirmed", "supervisor"),
                     ("reunite", "reunited", "reception")]
    page = client_as(supervisor).get(report.get_absolute_url()).content.decode()
    assert "Record the reunion" in page and "Found in file" in page
    # The history, steps and states by their names: the search's proposal, then the confirmation.
    assert "<strong>Candidate found</strong> open → candidate found — Found by the automatic search." in page
    assert "candidate found → confirmed: family found — 当面核对" in page


def test_closing_a_report_needs_a_reason(client_as, reception, supervisor, committed, take_report):
    report = take_report(reception, committed, name="张德明", sex="M")
    response = client_as(supervisor).post(reverse("family:report_step", args=[report.pk, "close"]), {"reason": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "open"
    with pytest.raises(ValidationError):
        close_report(report=report, step="close", by=supervisor, reason=" ")
    client_as(supervisor).post(reverse("family:report_step", args=[report.pk, "close"]), {"reason": "家属已自行找到", "confirm": "yes"})
    report.refresh_from_db()
    assert report.state == "closed" and StateLog.for_object(report).get().reason == "家属已自行找到"


def test_closing_a_report_needs_its_confirmation_box_and_keeps_the_reason_typed(client_as, reception, supervisor,
                                                                                committed, take_report):
    """The page's box is required by the browser; a request without it (an old browser, a script) closes
    nothing either, says why, and gives the reason back in the form."""
    report = take_report(reception, committed, name="张德明", sex="M")
    client = client_as(supervisor)
    response = client.post(reverse("family:report_step", args=[report.pk, "close"]), {"reason": "家属已自行找到"},
                           follow=True)
    report.refresh_from_db()
    assert report.state == "open"
    page = response.content.decode()
    assert "Tick “Yes, close this family report” to close it." in page and 'value="家属已自行找到"' in page
    client.post(reverse("family:report_step", args=[report.pk, "close"]), {"reason": "家属已自行找到", "confirm": "yes"})
    report.refresh_from_db()
    assert report.state == "closed"


def test_reports_are_kept_per_station(client_as, station, other_station, reception, admin_user, committed, take_report,
                                      make_user, reporter):
    report = take_report(reception, committed, name="张德明", sex="M")
    stranger = make_user("sz", "supervisor", other_station)
    assert client_as(stranger).get(report.get_absolute_url()).status_code == 404
    assert report.reference not in client_as(stranger).get(reverse("family:reports")).content.decode()
    assert report.reference in client_as(reception).get(reverse("family:reports")).content.decode()
    assert client_as(stranger).post(reverse("family:report_step", args=[report.pk, "close"]),
                                    {"reason": "x"}).status_code == 404
    # Administrators see every report, but the family's contact only the handling station does.
    page = client_as(admin_user).get(report.get_absolute_url()).content.decode()
    assert report.reference in page and reporter["reporter_phone"] not in page


def test_a_station_head_reads_reports_but_takes_none(client_as, head, reception, committed, take_report):
    report = take_report(reception, committed, name="张德明", sex="M")
    assert client_as(head).get(report.get_absolute_url()).status_code == 200
    assert client_as(head).get(reverse("family:report_new")).status_code == 403
    assert client_as(head).post(reverse("family:report_photos", args=[report.pk]), {}).status_code == 403


def test_photos_added_later_are_checked_and_searched(client_as, station, reception, committed, resident, take_report,
                                                     upload):
    woman = resident(station, reception, committed, face="leslie_1", sex="F")
    report = take_report(reception, committed, name="李秀英", sex="F")
    assert not Candidate.objects.exists()
    with committed():
        client_as(reception).post(reverse("family:report_photos", args=[report.pk]), {"photos": [upload("leslie_2.jpg")]})
    assert Candidate.objects.get(report=report).person == woman.person
    refused = client_as(reception).post(reverse("family:report_photos", args=[report.pk]),
                                        {"photos": [upload("a.txt", b"hello", "text/plain")]}, follow=True)
    assert "a.txt: This file is not a picture" in refused.content.decode() and report.photos.count() == 1


def test_a_photo_without_a_face_is_kept_and_said_so(client_as, reception, committed, take_report, upload):
    landscape = io.BytesIO()
    Image.linear_gradient("L").resize((640, 480)).convert("RGB").save(landscape, "JPEG")
    report = take_report(reception, committed, name="张德明", sex="M")
    with committed():
        client_as(reception).post(reverse("family:report_photos", args=[report.pk]),
                                  {"photos": [upload("field.jpg", landscape.getvalue())]})
    kept = report.photos.get()
    assert kept.reasons[0] == "no_face" and kept.encoded_at is not None and kept.encoding is None
    assert report.search_photos() == []
    assert "no face found: not searched" in client_as(reception).get(report.get_absolute_url()).content.decode()


@pytest.mark.parametrize("values, expected", [
    ({"sex": "M", "id_number": "11010519491231002x", "age_min": 70, "age_max": 60},
     {"sex": ["The ID number belongs to a person of the other sex."],
      "age_max": ["The upper age must not be below the lower age."]}),
    ({"id_number": "110105194912310021"},
     {"id_number": ["This ID number is not valid (its check digit does not match): please check each digit."]}),
    ({"date_of_birth": datetime.date.today() + datetime.timedelta(days=2)},
     {"date_of_birth": ["The date of birth is in the future."]}),
])
def test_the_missing_person_is_described_by_the_rules_of_a_residents_file(values, expected, reporter):
    """One set of rules (shelter.models.check_identity_fields): the same description is refused with the
    same messages in a report as in a file."""
    def refusal(obj):
        with pytest.raises(ValidationError) as e:
            obj.clean()
        return e.value.message_dict

    report, person = FamilyReport(**reporter, **values), Person(**values)
    assert refusal(report) == refusal(person) == expected
    if "sex" in expected:  # the number is normalised and gives the date of birth, in both
        assert report.id_number == person.id_number == "11010519491231002X"
        assert report.date_of_birth == person.date_of_birth == datetime.date(1949, 12, 31)


def test_face_searches_record_the_address_and_page_that_caused_them(client_as, station, reception, committed, resident,
                                                                    photo):
    resident(station, reception, committed, face="obama_1", sex="M")
    client = client_as(reception)
    with committed():
        client.post(reverse("family:report_new"), {
            "reported_via": "counter", "reporter_name": "张伟", "reporter_relation": "儿子",
            "reporter_phone": "13912345678", "name": "张德明", "sex": "M",
            "photos": SimpleUploadedFile("p.jpg", photo("obama_3"), "image/jpeg")}, REMOTE_ADDR="10.0.0.9")
    search = AuditEvent.objects.filter(action="face_search", person=None).get()
    assert (search.ip, search.path, search.user) == ("10.0.0.9", reverse("family:report_new"), reception)


def test_the_list_shows_the_open_reports_or_all_of_them(client_as, station, reception):
    """`?all=1` (bookmarked) lists the closed reports too; any other value, the open ones only."""
    for name, state in (("张德明", "open"), ("李秀英", "confirmed"), ("王建国", "closed")):
        FamilyReport.objects.create(station=station, taken_by=reception, reporter_name="张伟", reporter_relation="儿子",
                                    reporter_phone="13912345678", name=name, state=state)
    client = client_as(reception)

    def listed(**query):
        response = client.get(reverse("family:reports"), query)
        assert response.status_code == 200
        return sorted(r.name for r in response.context["reports"]), response.context["show_all"]

    assert listed() == (["张德明", "李秀英"], False)
    assert listed(all="1") == (["张德明", "李秀英", "王建国"], True)
    assert listed(all="yes") == listed(all="") == (["张德明", "李秀英"], False)
    assert AuditEvent.objects.filter(target="family reports").latest("pk").detail == {"all": False}
