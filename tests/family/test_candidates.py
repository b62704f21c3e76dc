"""Finding the family: a report's photo and description against the residents, ranked candidates with
their reasons, the review (confirm, reject), stations kept apart, and every face search audited.

Real encodings throughout: residents' portraits are webcam-like frames of the photos in tests/faces
taken with Portrait.take; the families bring the original files."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from face.encoding import is_candidate  # the active encoder's calibrated decision (issue 24)
from face.services import take_portrait
from family.finding import rank_score
from family.models import Candidate, FamilyReport
from family.services import close_report, confirm_candidate, request_search
from lib import workflow
from shelter.models import AuditEvent, Notification, StateLog, Station

SEX = {"obama": "M", "biden": "M", "harington": "M", "leslie": "F", "lacamoire": "M"}  # the people in tests/faces


def candidates_of(report):
    return list(Candidate.objects.filter(report=report).select_related("person"))  # in rank order


def test_done_when_the_resident_is_the_top_candidate_and_confirming_finds_the_family(
        client_as, station, reception, supervisor, committed, resident, make_user, take_report, case_of):
    """The issue's scenario: a family reports a missing father with a photo; he is a resident; he is the
    top candidate, with reasons field by field; a supervisor confirms; the tracing case and the report
    move on and the staff in charge are told."""
    father = resident(station, reception, committed, face="obama_1", name="", sex="M", age_min=60, age_max=70,
                      native_place="河南省周口市")
    other = resident(station, reception, committed, face="biden_2", name="", sex="M", age_min=60, age_max=70)
    taker = make_user("counter", "reception", station)
    report = take_report(taker, committed, photos=["obama_3"], name="张德明", sex="M", age_min=66, age_max=66,
                         native_place="河南省周口市郸城县", dialect="河南话")

    ranked = candidates_of(report)
    assert [c.person for c in ranked] == [father.person]  # the other man's face is far: not proposed
    top = ranked[0]
    assert is_candidate(top.face_distance) and top.stay == father and top.photo.report == report
    fields = {f["field"]: f for f in top.reasons["fields"]}
    assert set(fields) == {"sex", "age", "place"}  # the resident's name is not known: not compared
    assert fields["place"]["score"] == 1.0 and "河南省周口市" in fields["place"]["reason"]["en"]
    assert fields["sex"]["reason"] == {"zh-hans": "性别相同", "en": "same sex"}
    assert top.score == pytest.approx(rank_score(top.face_distance, top.description_score))
    assert report.state == "candidate_found"

    page = client_as(supervisor).get(report.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200 and father.person.file_no in text and other.person.file_no not in text
    assert "face distance %.2f" % top.face_distance in text and "places 河南省周口市郸城县 and 河南省周口市" in text

    response = client_as(supervisor).post(reverse("family:review", args=[top.pk, "confirm"]),
                                          {"reason": "儿子到站当面认出父亲"})
    assert response.status_code == 302
    report.refresh_from_db()
    top.refresh_from_db()
    case = case_of(father)
    assert report.state == "confirmed" and report.matched_person == father.person and report.matched_stay == father
    assert top.state == "confirmed" and top.reviewed_by == supervisor and top.review_reason == "儿子到站当面认出父亲"
    assert case.state == "family_found" and case.close_cause == "family"
    assert case.found_channel == "face"  # not chosen: the face brought this candidate
    assert "GZ-R" in StateLog.for_object(case).get(state="family_found").reason
    told = Notification.objects.filter(kind="family_confirmed")
    assert {n.user for n in told} == {reception, taker}  # staff in charge of the stay, and the report's taker
    assert father.person.file_no in told[0].subject
    assert StateLog.for_object(report).filter(transition="confirm_match", by=supervisor).exists()


def test_every_same_person_pair_ranks_first_through_the_reports(station, reception, supervisor, committed, person_in,
                                                                take_report, resident, photos_of):
    """One resident per photo in tests/faces; a family report with each original photo proposes exactly
    the residents who are that person (every same-person pair), none other, nearest first."""
    residents = {}
    for name, who in person_in.items():
        residents[name] = resident(station, reception, committed, face=name, supervisor=supervisor, sex=SEX[who],
                                   age_min=None, age_max=None).person
    for name, who in person_in.items():
        report = take_report(reception, committed, photos=[name], sex=SEX[who])
        ranked = candidates_of(report)
        assert {c.person for c in ranked} == {residents[p] for p in photos_of[who]}, name
        assert ranked[0].person == residents[name]  # its own portrait, a crop of the same picture
        distances = [c.face_distance for c in ranked]
        assert distances == sorted(distances) and is_candidate(distances[-1])


def test_a_rejected_pair_is_never_proposed_again(client_as, station, reception, supervisor, committed, resident,
                                                 take_report, webcam):
    man = resident(station, reception, committed, face="biden_2", sex="M")
    report = take_report(reception, committed, photos=["biden_1"], sex="M")
    candidate = Candidate.objects.get(report=report)
    client_as(supervisor).post(reverse("family:review", args=[candidate.pk, "reject"]), {"reason": "家属看照片说不是"})
    candidate.refresh_from_db()
    report.refresh_from_db()
    assert candidate.state == "rejected" and candidate.review_reason == "家属看照片说不是"
    assert report.state == "open"  # nothing left to review: the search goes on

    # Searched again from both sides: the report again, and a new portrait of the same man.
    with committed():
        request_search(report=report, by=reception)
    with committed():
        take_portrait(person=man.person, data=webcam("biden_1"), by=reception)
    rows = Candidate.objects.filter(report=report, person=man.person)
    assert rows.count() == 1 and rows.get().state == "rejected"
    report.refresh_from_db()
    assert report.state == "open" and not Candidate.objects.filter(state="proposed").exists()
    # The rejection is of that pair only: another file with the same face is still proposed.
    second = resident(station, reception, committed, face="biden_1", sex="M")
    assert list(Candidate.objects.filter(state="proposed").values_list("person", flat=True)) == [second.person.pk]


def test_a_new_portrait_is_searched_against_the_open_reports(station, reception, committed, take_report, resident):
    report = take_report(reception, committed, photos=["leslie_2"], name="李秀英", sex="F")
    assert report.state == "open" and not Candidate.objects.exists()
    woman = resident(station, reception, committed, face="leslie_1", name="李秀英", sex="F", age_min=75, age_max=85)
    candidate = Candidate.objects.get(report=report)
    assert candidate.person == woman.person and is_candidate(candidate.face_distance)
    assert {f["field"] for f in candidate.reasons["fields"]} >= {"name", "sex"}
    report.refresh_from_db()
    assert report.state == "candidate_found"
    assert Notification.objects.filter(kind="family_candidate", user=reception).exists()
    # A man's portrait is never compared with a report about a woman.
    resident(station, reception, committed, face="obama_1", sex="M")
    assert Candidate.objects.count() == 1


def test_a_report_without_photo_finds_a_name_that_sounds_the_same(station, reception, committed, resident, take_report):
    same_sound = resident(station, reception, committed, name="李秀瑛", sex="F", age_min=75, age_max=85,
                          native_place="湖南省邵阳市")
    resident(station, reception, committed, name="", sex="F", age_min=75, age_max=85)  # sex and age only
    resident(station, reception, committed, name="李秀瑛", sex="M", age_min=75, age_max=85)  # a man
    report = take_report(reception, committed, name="李秀英", sex="F", age_min=80, age_max=80,
                         native_place="湖南省邵阳市隆回县")
    ranked = candidates_of(report)
    assert [c.person for c in ranked] == [same_sound.person]
    name = next(f for f in ranked[0].reasons["fields"] if f["field"] == "name")
    assert name["score"] == 0.9 and "sound the same" in name["reason"]["en"]
    assert ranked[0].face_distance is None


def test_stations_see_only_their_own_candidates(client_as, station, other_station, reception, committed, make_user,
                                                resident, take_report, case_of):
    """A report at station A, the resident at station B: A sees "possible match at B, contact them"
    without the file; B sees the report without the family's contact details, and reviews it."""
    b_reception = make_user("b-reception", "reception", other_station)
    b_supervisor = make_user("b-supervisor", "supervisor", other_station)
    a_supervisor = make_user("a-supervisor", "supervisor", station)
    woman = resident(other_station, b_reception, committed, face="leslie_1", name="李秀英", sex="F")
    report = take_report(reception, committed, photos=["leslie_2"], name="李秀英", sex="F")
    candidate = Candidate.objects.get(report=report)

    a_page = client_as(reception).get(report.get_absolute_url()).content.decode()
    assert "Possible match at Shenzhen Rescue Station" in a_page and woman.person.file_no in a_page
    assert woman.person.get_absolute_url() not in a_page and "face/portraits" not in a_page
    assert "same name" not in a_page  # the reasons would tell the other file's details
    assert "13912345678" in a_page  # the family's phone, for the station handling the report

    b_page = client_as(b_supervisor).get(report.get_absolute_url()).content.decode()
    assert woman.person.get_absolute_url() in b_page and "same name 李秀英" in b_page
    assert "13912345678" not in b_page and "11010519491231002X" not in b_page and "张伟" not in b_page
    assert "visible only to the staff of Guangzhou Rescue Station" in b_page
    assert client_as(b_supervisor).get(reverse("family:reports")).content.decode().count(report.reference) == 1

    # A cannot review B's resident; B can.
    assert client_as(a_supervisor).post(reverse("family:review", args=[candidate.pk, "confirm"]),
                                        {"reason": "x"}).status_code == 404
    client_as(b_supervisor).post(reverse("family:review", args=[candidate.pk, "confirm"]),
                                 {"reason": "视频核对", "channel": "report"})
    report.refresh_from_db()
    assert report.state == "confirmed" and case_of(woman).state == "family_found"
    assert case_of(woman).found_channel == "report"  # chosen by the reviewer
    # A third station sees nothing of it.
    third = make_user("c", "supervisor", Station.objects.create(code="FS", name="Foshan Rescue Station"))
    assert client_as(third).get(report.get_absolute_url()).status_code == 404
    assert client_as(third).get(reverse("family:report_photo", args=[report.photos.get().pk])).status_code == 404


def test_every_face_search_is_audited_and_only_permitted_roles_search(client_as, station, reception, head, committed,
                                                                      resident, take_report):
    man = resident(station, reception, committed, face="obama_1", sex="M")
    portrait_search = AuditEvent.objects.get(action="face_search", person=man.person)
    assert portrait_search.user == reception and portrait_search.detail["portrait"] == man.person.portraits.get().pk
    report = take_report(reception, committed, photos=["obama_3", "obama_small"], sex="M")
    searches = AuditEvent.objects.filter(action="face_search", person=None).order_by("pk")
    assert [e.detail["photo"] for e in searches] == [p.pk for p in report.search_photos()]
    assert all(e.user == reception and e.station == station for e in searches)
    found = searches[0].detail["results"]
    assert [r["file"] for r in found] == [man.person.file_no] and is_candidate(found[0]["distance"])

    # Station heads read reports but do not search faces.
    assert client_as(head).get(report.get_absolute_url()).status_code == 200
    assert client_as(head).post(reverse("family:report_search", args=[report.pk])).status_code == 403
    assert client_as(head).post(reverse("family:review", args=[Candidate.objects.get().pk, "confirm"]),
                                {"reason": "x"}).status_code == 403
    # Reception searches but does not decide.
    with committed():
        assert client_as(reception).post(reverse("family:report_search", args=[report.pk])).status_code == 302
    assert AuditEvent.objects.filter(action="face_search", person=None).count() == 4
    assert client_as(reception).post(reverse("family:review", args=[Candidate.objects.get().pk, "reject"]),
                                     {"reason": "x"}).status_code == 403


def test_a_decision_needs_a_reason_and_a_report_still_searched(station, reception, supervisor, committed, resident,
                                                               take_report):
    resident(station, reception, committed, face="leslie_1", sex="F")
    report = take_report(reception, committed, photos=["leslie_2"], sex="F")
    candidate = Candidate.objects.get(report=report)
    with pytest.raises(ValidationError) as refused:
        confirm_candidate(candidate=candidate, by=supervisor, reason="  ")
    assert "reason" in refused.value.message_dict
    candidate.refresh_from_db()
    assert candidate.state == "proposed" and FamilyReport.objects.get().state == "candidate_found"
    close_report(report=report, step="close", by=supervisor, reason="家属撤回")
    candidate.refresh_from_db()
    with pytest.raises(workflow.WorkflowError):
        confirm_candidate(candidate=candidate, by=supervisor, reason="太晚了")


def test_the_confirmation_is_told_in_the_sites_language_whoever_confirms(client_as, station, reception, supervisor,
                                                                         committed, settings, resident, take_report,
                                                                         case_of):
    """A supervisor who reads the site in Chinese confirms; the site's language here is English (tests):
    the notification and the case's history are in English, the supervisor's page in Chinese."""
    mother = resident(station, reception, committed, face="leslie_1", sex="F")
    report = take_report(reception, committed, photos=["leslie_2"], sex="F")
    candidate = Candidate.objects.get(report=report)
    client = client_as(supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.post(reverse("family:review", args=[candidate.pk, "confirm"]), {"reason": "当面核对"}, follow=True)
    assert "已确认：寻亲登记" in page.content.decode()
    told = Notification.objects.get(kind="family_confirmed")
    log = StateLog.for_object(case_of(mother)).get(state="family_found")
    with translation.override("en"):
        assert told.subject.startswith("Family found: report") and "confirmed that the relative" in told.body
        assert log.reason_text.startswith("Family report ") and log.reason_text.endswith("当面核对")
    with translation.override("zh-hans"):
        assert told.subject.startswith("已找到亲属") and log.reason_text.startswith("寻亲登记")


def test_a_confirmation_nobody_in_charge_is_told_to_the_active_supervisors_of_the_residents_station(
        station, other_station, reception, supervisor, head, committed, resident, make_user, take_report):
    woman = resident(station, reception, committed, face="leslie_1", sex="F")
    taker = make_user("b-counter", "reception", other_station)
    report = take_report(taker, committed, photos=["leslie_2"], sex="F")
    make_user("b-supervisor", "supervisor", other_station)
    make_user("old-supervisor", "supervisor", station, is_active=False)
    second = make_user("supervisor2", "supervisor", station)
    candidate = Candidate.objects.get(report=report)
    assert set(candidate.recipients()) == {reception, taker}
    for user in (reception, taker):
        user.is_active = False
        user.save()
    candidate.refresh_from_db()
    assert set(candidate.recipients()) == {supervisor, second}
    assert woman.person.station == station
