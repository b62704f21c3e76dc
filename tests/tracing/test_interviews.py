"""Interviews on a stay: the clues stored beside the words, accepted or dismissed by staff (audited, on
the timeline), and what accepted clues do: the family reports from that place rank first, names are
compared with the reports', the notice says where the person may come from, the letter to the police."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from family.finding import rank_reports
from lib import idcard
from oversight import figures
from shelter.models import AuditEvent
from shelter.timeline import for_person
from tracing.models import Clue, ClueState, Interview
from tracing.services import find_family, judge_clue, record_interview

WORDS = ("俺是湖南的，屋里在隆回那边，俺哥叫王建军。他说电话是13873912345。"
         "问他以前住哪，他说在长宁住过。")


@pytest.fixture
def interviewed(arrive, station, reception):
    stay = arrive(station, reception)
    return record_interview(stay=stay, by=reception, words=WORDS, interviewer="李娟", language="湖南话")


@pytest.fixture
def reports(take_report, reception, other_station, make_user, committed):
    """Three open family reports of the other station: from Sichuan (first taken), from another county of
    Hunan, and from 隆回 (last taken)."""
    desk = make_user("desk2", "reception", other_station)
    sichuan = take_report(desk, committed, name="刘德明", sex="M", native_place="四川省宜宾市长宁县")
    hunan = take_report(desk, committed, name="赵国强", sex="M", native_place="湖南省衡阳市衡南县")
    longhui = take_report(desk, committed, name="王建国", sex="M", native_place="湖南邵阳隆回县六都寨镇")
    return sichuan, hunan, longhui


def clue(interview, kind, value):
    return Clue.objects.get(interview=interview, kind=kind, normalised=value)


@pytest.mark.django_db
def test_the_clues_are_stored_with_their_sentence(interviewed):
    found = {(c.kind, c.normalised) for c in interviewed.clues.all()}
    assert {("place", "湖南省"), ("place", "湖南省邵阳市隆回县"), ("name", "王建军"), ("phone", "13873912345"),
            ("place", "长宁")} <= found
    assert all(c.state == ClueState.PROPOSED for c in interviewed.clues.all())
    assert clue(interviewed, "name", "王建军").sentence == "俺是湖南的，屋里在隆回那边，俺哥叫王建军。"
    # The language staff recorded points to Hunan too.
    assert clue(interviewed, "accent", "湖南话").regions == ["43"]


@pytest.mark.django_db
def test_accepting_a_place_changes_the_ranking(interviewed, reports, reception):
    sichuan, hunan, longhui = reports
    person = interviewed.stay.person
    assert rank_reports(person) == []  # nothing accepted yet: no report is pointed to
    judge_clue(clue=clue(interviewed, "place", "湖南省"), step="accept", by=reception)
    ranked = [f.report for f in rank_reports(person)]
    assert set(ranked[:2]) == {hunan, longhui} and sichuan not in ranked
    judge_clue(clue=clue(interviewed, "place", "湖南省邵阳市隆回县"), step="accept", by=reception)
    ranked = [f.report for f in rank_reports(person)]
    assert ranked[0] == longhui
    assert ranked[1] == hunan


@pytest.mark.django_db
def test_an_ambiguous_place_is_accepted_as_the_candidate_chosen(interviewed, reports, reception):
    sichuan, _hunan, _longhui = reports
    changning = clue(interviewed, "place", "长宁")
    judge_clue(clue=changning, step="accept", by=reception, code="511524")
    changning.refresh_from_db()
    assert (changning.code, changning.normalised) == ("511524", "四川省宜宾市长宁县")
    assert rank_reports(interviewed.stay.person)[0].report == sichuan


@pytest.mark.django_db
def test_accepted_names_are_compared_with_the_reports_pinyin_aware(arrive, station, reception, reports):
    _sichuan, _hunan, longhui = reports
    stay = arrive(station, reception)
    # Every report here was taken by 张伟 (the tests' REPORTER); the person said 章伟, which sounds the same.
    interview = record_interview(stay=stay, by=reception, words="我爸叫章伟。", interviewer="李娟")
    judge_clue(clue=clue(interview, "name", "章伟"), step="accept", by=reception)
    fits = rank_reports(stay.person)
    assert len(fits) == 3  # every report was taken by 张伟
    assert all(f.name == 0.9 for f in fits)


@pytest.mark.django_db
def test_dismissed_clues_do_not_rank(interviewed, reports, reception):
    place = clue(interviewed, "place", "湖南省邵阳市隆回县")
    judge_clue(clue=place, step="accept", by=reception)
    judge_clue(clue=place, step="dismiss", by=reception)
    assert rank_reports(interviewed.stay.person) == []


@pytest.mark.django_db
def test_a_valid_id_number_proposes_the_identity_check(arrive, station, reception, client_as):
    number = "43052419800101123" + idcard.check_char("43052419800101123")
    stay = arrive(station, reception)
    interview = record_interview(stay=stay, by=reception, words=f"他说身份证是{number}。", interviewer="李娟")
    page = client_as(reception).get(reverse("tracing:interview", args=[interview.pk]))
    assert b'id="identity-check"' in page.content
    wrong = record_interview(stay=stay, by=reception, words="他说身份证是430524198001011230。", interviewer="李娟")
    if idcard.check_char("43052419800101123") != "0":
        page = client_as(reception).get(reverse("tracing:interview", args=[wrong.pk]))
        assert b'id="identity-check"' not in page.content


@pytest.mark.django_db
def test_recording_and_judging_through_the_pages_is_audited_and_on_the_timeline(arrive, station, reception,
                                                                                 client_as, reports):
    stay = arrive(station, reception)
    client = client_as(reception)
    page = client.get(reverse("tracing:interviews", args=[stay.pk]))
    assert page.status_code == 200
    response = client.post(reverse("tracing:interviews", args=[stay.pk]), {
        "held_at": timezone.localtime(stay.arrived_at).strftime("%Y-%m-%dT%H:%M"), "interviewer": "李娟", "language": "湖南话",
        "interpreter": "", "words": WORDS, "conclusion": "可能是湖南邵阳人", "show_on_notice": "on"})
    interview = stay.interviews.get()
    assert response.status_code == 302 and response["Location"] == interview.get_absolute_url()
    place = clue(interview, "place", "湖南省邵阳市隆回县")
    client.post(reverse("tracing:clue", args=[place.pk, "accept"]))
    place.refresh_from_db()
    assert place.state == ClueState.ACCEPTED and place.decided_by == reception
    assert AuditEvent.objects.filter(action=AuditEvent.TRANSITION, person=stay.person).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.CREATE, person=stay.person).exists()
    page = client.get(interview.get_absolute_url())
    assert page.context["fits"][0].report == reports[2]
    titles = [str(e.title) for e in for_person(stay.person)]
    assert any("王建军" in t or "隆回" in t for t in titles)
    # The notice says where the person may come from; the letter goes to 隆回县's police.
    notice = client.get(reverse("tracing:notice", args=[stay.tracing_case.pk]))
    assert "湖南省邵阳市隆回县" in notice.content.decode()
    letter = client.get(reverse("tracing:police_letter", args=[interview.pk]))
    assert letter["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action=AuditEvent.EXPORT, detail__document="clue-letter.pdf").exists()


@pytest.mark.django_db
def test_another_station_cannot_see_the_interview(interviewed, other_station, make_user, client_as):
    stranger = make_user("stranger", "reception", other_station)
    assert client_as(stranger).get(interviewed.get_absolute_url()).status_code == 404
    place = clue(interviewed, "place", "湖南省")
    assert client_as(stranger).post(reverse("tracing:clue", args=[place.pk, "accept"])).status_code == 404


@pytest.mark.django_db
def test_an_interview_before_the_arrival_is_refused_and_nothing_typed_is_lost(arrive, station, reception, client_as):
    stay = arrive(station, reception)
    before = stay.arrived_at.replace(year=stay.arrived_at.year - 1)
    page = client_as(reception).post(reverse("tracing:interviews", args=[stay.pk]), {
        "held_at": before.strftime("%Y-%m-%dT%H:%M"), "interviewer": "李娟", "words": WORDS})
    assert page.status_code == 200
    assert "held_at" in page.context["form"].errors
    assert WORDS in page.content.decode()


@pytest.mark.django_db
def test_a_recording_is_kept_privately_and_each_listening_audited(arrive, station, reception, client_as,
                                                                  other_station, make_user):
    stay = arrive(station, reception)
    client = client_as(reception)
    sound = SimpleUploadedFile("access.mp3", b"\xff\xfb\x90\x64" + bytes(413) + b"\xff\xfb\x90\x64" + bytes(413),
                               content_type="audio/mpeg")  # two MPEG audio frames (lib.recordings)
    response = client.post(reverse("tracing:interviews", args=[stay.pk]), {
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "interviewer": "李娟", "words": WORDS,
        "audio": sound})
    interview = stay.interviews.get()
    assert response.status_code == 302 and interview.audio
    heard = client.get(reverse("tracing:interview_audio", args=[interview.pk]))
    assert heard.status_code == 200 and heard["Content-Type"] == "audio/mpeg"
    assert AuditEvent.objects.filter(action=AuditEvent.VIEW, detail__document="interview-audio").exists()
    stranger = make_user("stranger", "reception", other_station)
    assert client_as(stranger).get(reverse("tracing:interview_audio", args=[interview.pk])).status_code == 404


@pytest.mark.django_db
def test_a_file_that_is_no_recording_is_refused_and_the_words_are_kept(arrive, station, reception, client_as):
    stay = arrive(station, reception)
    fake = SimpleUploadedFile("voice.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00<html>not a sound</html>",
                              content_type="audio/mpeg")  # starts like an MP3 (the first-bytes check passed it)
    page = client_as(reception).post(reverse("tracing:interviews", args=[stay.pk]), {
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "interviewer": "李娟", "words": WORDS,
        "audio": fake})
    assert page.status_code == 200 and "audio" in page.context["form"].errors
    assert WORDS in page.content.decode() and not stay.interviews.exists()


@pytest.mark.django_db
def test_a_family_found_through_interview_clues_counts_in_the_month(interviewed, reception, supervisor, station):
    judge_clue(clue=clue(interviewed, "place", "湖南省邵阳市隆回县"), step="accept", by=reception)
    case = interviewed.stay.tracing_case
    find_family(case=case, by=supervisor, reason="隆回县公安局按问询线索找到其兄王建军", channel="interview")
    month = figures.this_month()
    assert figures.compute([station.pk], month, month).value("found_interview", month) == 1


def test_a_pasted_book_or_a_nul_in_the_words_is_refused_beside_the_box(client_as, reception, stay):
    """Text boxes hold at most 20,000 characters (a 10 MB interview tied a request up for half a minute)
    and no control character but line breaks and tabs (issue 23); nothing is stored."""
    url = reverse("tracing:interviews", args=[stay.pk])
    form = {"held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "interviewer": "李娟"}
    for words, message in (("我家在湖南。" * 5000, "at most 20000 characters"),
                           ("我家在湖南\x07隆回。", "control characters"),
                           ("我家在湖南\x00隆回。", "Null characters are not allowed")):
        page = client_as(reception).post(url, {**form, "words": words}).content.decode()
        assert message in page
    assert not Interview.objects.exists()
