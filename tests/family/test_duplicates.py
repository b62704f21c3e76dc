"""Have we seen this person before? The warning at intake (description), the warning once a portrait is
taken (face), and merging two files of one person with their history kept."""

import pytest
from django.urls import reverse
from django.utils import timezone

from face.encoding import is_candidate  # the active encoder's calibrated decision (issue 24)
from face.models import Portrait
from face.services import take_portrait
from family.models import Candidate, PossibleDuplicate
from shelter.models import AuditEvent, Departure, Person, SecondCheck, Stay
from shelter.services import depart_stay, record_check

ID_NUMBER = "11010519491231002X"  # a woman born 1949-12-31


def intake(**person):
    data = {"s-arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "s-found_place": "广州南站",
            "s-brought_by": "police", "s-mental_state": "dementia", "s-identity": "unknown",
            "s-intake_token": "5d9c1c7e-0000-4000-8000-000000000001"}
    data.update({f"p-{k}": v for k, v in person.items()})
    return data


def leave(stay, user):
    depart_stay(stay=stay, by=user, departure=Departure(
        kind="left", departed_at=timezone.now(), notes="自行离站"))


def test_a_second_arrival_of_a_known_person_warns_of_the_earlier_file(client_as, station, reception, resident,
                                                                     supervisor):
    earlier = resident(station, reception, None, name="陈美华", sex="F", id_number=ID_NUMBER, native_place="江西省赣州市")
    leave(earlier, reception)
    data = intake(name="陈美华", sex="F", id_number=ID_NUMBER.lower(), age_min="70", age_max="80")
    response = client_as(reception).post(reverse("shelter:intake"), data)
    text = response.content.decode()
    day = timezone.localtime(earlier.arrived_at).strftime("%Y-%m-%d")
    assert response.status_code == 200
    assert (f"This may be the same person as file {earlier.person.file_no} (seen at Guangzhou Rescue Station on {day})"
            in text)
    assert "same ID number" in text and reverse("shelter:return", args=[earlier.person.pk]) in text
    assert Person.objects.count() == 1 and Stay.objects.count() == 1  # nothing registered yet
    assert AuditEvent.objects.filter(person=earlier.person, action="view", user=reception,
                                     detail__duplicate_check=True).count() == 1
    assert 'value="陈美华"' in text and 'value="广州南站"' in text  # nothing typed lost

    # Staff checked: a different person after all. Registered, and the pair is not raised again.
    response = client_as(reception).post(reverse("shelter:intake"), {**data, "not_duplicate": "1"})
    assert response.status_code == 302 and Person.objects.count() == 2
    newer = Person.objects.exclude(pk=earlier.person.pk).get()
    warning = PossibleDuplicate.objects.get()
    assert (warning.person, warning.other, warning.state, warning.reviewed_by) == (newer, earlier.person, "dismissed", reception)
    # The desk's own judgement awaits a second pair of eyes (issue 21); one that disagrees opens it again.
    check = SecondCheck.objects.get()
    assert (check.decision, check.state, check.entered_by, check.target) == ("duplicate", "pending", reception, warning)
    record_check(check=check, by=supervisor, agreed=False, reason="照片相似，需要比对")
    assert PossibleDuplicate.objects.get().state == "open"


def test_another_stations_file_is_named_with_its_contact_only(client_as, station, other_station, reception, make_user,
                                                              resident):
    theirs = make_user("sz", "reception", other_station)
    elsewhere = resident(other_station, theirs, None, name="李秀英", sex="F", age_min=75, age_max=85)
    other_station.phone = "0755-1234"
    other_station.save()
    text = client_as(reception).post(reverse("shelter:intake"), intake(name="李秀英", sex="F", age_min="78",
                                                                      age_max="82")).content.decode()
    assert f"file {elsewhere.person.file_no} (seen at Shenzhen Rescue Station" in text
    assert "contact them (0755-1234)" in text and elsewhere.person.get_absolute_url() not in text
    assert "same name" not in text


def test_no_warning_without_a_name_or_id_number(client_as, station, reception, resident):
    resident(station, reception, None, name="", sex="M", age_min=60, age_max=70)
    response = client_as(reception).post(reverse("shelter:intake"), intake(sex="M", age_min="60", age_max="70"))
    assert response.status_code == 302 and Person.objects.count() == 2


def test_a_portrait_finds_an_earlier_file_by_face(client_as, station, other_station, reception, supervisor, committed,
                                                  make_user, resident):
    first = resident(station, reception, committed, face="obama_1", sex="M").person
    second = resident(station, reception, committed, face="obama_3", sex="M").person
    elsewhere_staff = make_user("sz", "reception", other_station)
    third = resident(other_station, elsewhere_staff, committed, face="obama_small", sex="M").person
    resident(station, reception, committed, face="biden_2", sex="M")  # someone else: no warning
    pairs = {(w.person, w.other): w for w in PossibleDuplicate.objects.all()}
    assert set(pairs) == {(second, first), (third, first), (third, second)}
    assert all(w.found_by == "face" and is_candidate(w.face_distance) and w.state == "open" for w in pairs.values())
    searched = AuditEvent.objects.get(action="face_search", person=second)
    assert [p["file"] for p in searched.detail["people"]] == [first.file_no]

    page = client_as(supervisor).get(second.get_absolute_url()).content.decode()
    assert f"This may be the same person as file {first.file_no}" in page
    assert reverse("shelter:merge", args=[second.pk, first.pk]) in page
    assert f"file {third.file_no} (seen at Shenzhen Rescue Station" in page and "contact them" in page
    assert third.get_absolute_url() not in page
    # Reception sees the warning but leaves the merge to a supervisor.
    page = client_as(reception).get(second.get_absolute_url()).content.decode()
    assert first.file_no in page and reverse("shelter:merge", args=[second.pk, first.pk]) not in page


def test_a_warning_judged_wrong_is_closed_with_its_reason(client_as, station, reception, supervisor, committed,
                                                          resident, webcam):
    first = resident(station, reception, committed, face="obama_1", sex="M").person
    second = resident(station, reception, committed, face="obama_3", sex="M").person
    warning = PossibleDuplicate.objects.get()
    assert client_as(supervisor).post(reverse("family:dismiss_duplicate", args=[warning.pk]),
                                      {"reason": ""}).status_code == 302
    warning.refresh_from_db()
    assert warning.state == "open"
    client_as(supervisor).post(reverse("family:dismiss_duplicate", args=[warning.pk]), {"reason": "双胞胎兄弟"})
    warning.refresh_from_db()
    assert (warning.state, warning.review_reason, warning.reviewed_by) == ("dismissed", "双胞胎兄弟", supervisor)
    with committed():
        take_portrait(person=second, data=webcam("obama_small"), by=reception)
    warning.refresh_from_db()
    assert warning.state == "dismissed" and PossibleDuplicate.objects.count() == 1
    assert "This may be the same person" not in client_as(supervisor).get(first.get_absolute_url()).content.decode()


def test_merging_two_files_keeps_all_history(client_as, station, reception, supervisor, committed, resident,
                                             take_report, case_of):
    """The old file keeps its departed stay; the new file's open stay, portrait, tracing case and family
    report candidate move to it; the new file stays, marked merged; both files' audit logs say so."""
    old_stay = resident(station, reception, committed, name="张建国", sex="M", age_min=50, age_max=55)
    leave(old_stay, reception)
    new_stay = resident(station, reception, committed, face="obama_1", sex="M", age_min=50, age_max=55)
    old, new = old_stay.person, new_stay.person
    report = take_report(reception, committed, photos=["obama_3"], sex="M")
    assert Candidate.objects.get(report=report).person == new

    page = client_as(supervisor).get(reverse("shelter:merge", args=[new.pk, old.pk]))
    assert page.status_code == 200 and old.file_no in page.content.decode()
    response = client_as(supervisor).post(reverse("shelter:merge", args=[new.pk, old.pk]),
                                          {"survivor": old.pk, "reason": "本人认出2023年的照片"})
    assert response.status_code == 302 and response.url == old.get_absolute_url()

    new.refresh_from_db()
    assert new.merged_into == old and new.merged_by == supervisor and new.merge_reason == "本人认出2023年的照片"
    assert set(old.stays.all()) == {old_stay, new_stay} and not new.stays.exists()
    assert case_of(new_stay).stay.person == old  # the tracing case follows its stay
    portrait = Portrait.objects.get()
    assert portrait.person == old and portrait.is_main
    assert Candidate.objects.get(report=report).person == old
    for person, detail in ((new, {"merged_into": old.file_no}), (old, {"merged_from": new.file_no})):
        event = AuditEvent.objects.get(person=person, action="transition", detail__transition="merge")
        assert event.user == supervisor and all(event.detail[k] == v for k, v in detail.items())
    old_page = client_as(supervisor).get(old.get_absolute_url()).content.decode()
    assert f"File {new.file_no} merged into this file" in old_page
    new_page = client_as(supervisor).get(new.get_absolute_url()).content.decode()
    assert f"This file was merged into file {old.file_no}" in new_page
    assert reverse("shelter:return", args=[new.pk]) not in new_page
    listed = [p.pk for p in client_as(supervisor).get(reverse("shelter:people")).context["page"]]
    assert old.pk in listed and new.pk not in listed
    again = client_as(supervisor).get(reverse("shelter:return", args=[new.pk]))
    assert again.status_code == 302 and again.url == old.get_absolute_url()


@pytest.mark.parametrize("case", ["other_station", "reception", "no_reason", "both_open", "twice"])
def test_a_merge_is_refused_when_it_should_be(client_as, station, other_station, reception, supervisor, case, resident,
                                              make_user):
    a = resident(station, reception, None, name="张建国", sex="M")
    b = resident(station, reception, None, name="张建国", sex="M")
    url = reverse("shelter:merge", args=[b.person.pk, a.person.pk])
    data = {"survivor": a.person.pk, "reason": "同一人"}
    if case == "other_station":
        elsewhere = resident(other_station, make_user("sz", "reception", other_station), None, sex="M")
        assert client_as(supervisor).get(reverse("shelter:merge", args=[b.person.pk, elsewhere.person.pk])).status_code == 404
        return
    if case == "reception":
        assert client_as(reception).post(url, data).status_code == 403
        return
    if case == "no_reason":
        data["reason"] = ""
    if case != "both_open":
        leave(a, reception)
    if case == "twice":
        client_as(supervisor).post(url, data)
        c = resident(station, reception, None, name="张建国", sex="M").person
        leave(c.current_stay, reception)
        response = client_as(supervisor).post(reverse("shelter:merge", args=[c.pk, b.person.pk]),
                                              {"survivor": c.pk, "reason": "同一人"}, follow=True)
        assert "already merged" in response.content.decode()
        assert Person.objects.get(pk=b.person.pk).merged_into == a.person
        return
    response = client_as(supervisor).post(url, data, follow=True)
    text = response.content.decode()
    b.person.refresh_from_db()
    assert b.person.merged_into is None and b.person.stays.count() == 1
    assert {"no_reason": "This field is required", "both_open": "Both files have a stay still open"}[case] in text
