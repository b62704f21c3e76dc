"""Where an accepted clue leads staff: a valid ID number to the police identity check with the number
filled in (an invalid one nowhere), and a name to the files of other stations, shown only as far as a
station may see another station's file, each search audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lib import idcard
from shelter.models import AuditEvent
from tracing.models import Clue, QuickQuery
from tracing.services import judge_clue, record_interview

BODY = "43052419800101123"
VALID = BODY + idcard.check_char(BODY)
WRONG = BODY + ("0" if idcard.check_char(BODY) != "0" else "1")


def clue(interview, kind, value):
    return Clue.objects.get(interview=interview, kind=kind, normalised=value)


@pytest.mark.django_db
def test_an_accepted_valid_id_number_opens_the_identity_check_with_the_number(arrive, station, reception, supervisor,
                                                                              client_as):
    stay = arrive(station, reception)
    interview = record_interview(stay=stay, by=reception, interviewer="李娟",
                                 words=f"问他身份证，他背出来了：{VALID}。说是隆回县发的。")
    number = clue(interview, "id_number", VALID)
    client = client_as(supervisor)
    page = client.get(interview.get_absolute_url()).content.decode()
    assert f'id="identity-query-{number.pk}"' not in page  # proposed: accept it first
    judge_clue(clue=number, step="accept", by=reception)
    page = client.get(interview.get_absolute_url()).content.decode()
    link = reverse("tracing:act", args=[stay.tracing_case.pk, "query"]) + f"?clue={number.pk}"
    assert f'id="identity-query-{number.pk}"' in page and link in page
    form = client.get(link)
    assert form.status_code == 200
    assert form.context["form"].initial["kind"] == "police_id"
    assert VALID in form.context["form"].initial["details"]
    # The query recorded from it is the case's identity query.
    data = {"kind": "police_id", "made_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "result": "not_confirmed", "details": form.context["form"].initial["details"]}
    client.post(reverse("tracing:act", args=[stay.tracing_case.pk, "query"]), data)
    assert QuickQuery.objects.filter(case=stay.tracing_case, kind="police_id", details__contains=VALID).exists()


@pytest.mark.django_db
def test_an_invalid_id_number_is_shown_invalid_and_proposes_nothing(arrive, station, reception, supervisor, client_as):
    stay = arrive(station, reception)
    interview = record_interview(stay=stay, by=reception, interviewer="李娟", words=f"他说身份证号是{WRONG}。")
    number = clue(interview, "id_number", WRONG)
    assert not number.valid
    judge_clue(clue=number, step="accept", by=reception)
    client = client_as(supervisor)
    page = client.get(interview.get_absolute_url()).content.decode()
    assert f'id="identity-query-{number.pk}"' not in page and 'id="identity-check"' not in page
    assert f'id="clue-{number.pk}"' in page and 'class="error"' in page
    # Asking for the form with it by hand fills nothing in.
    form = client.get(reverse("tracing:act", args=[stay.tracing_case.pk, "query"]) + f"?clue={number.pk}")
    assert not form.context["form"].initial.get("details")


@pytest.mark.django_db
def test_a_name_clue_finds_another_stations_file_as_a_lead_without_its_details(arrive, station, other_station,
                                                                               reception, make_user, client_as):
    stay = arrive(station, reception)
    interview = record_interview(stay=stay, by=reception, interviewer="李娟", language="湖南话",
                                 words="问他叫什么，他说：我叫王建军，屋里是隆回的。我哥前年也出来打工了。")
    desk = make_user("desk2", "reception", other_station)
    there = arrive(other_station, desk, name="王建君", native_place="湖南省邵阳市")  # sounds the same
    arrive(other_station, desk, name="李德明")  # another name
    here = arrive(station, reception, name="王建军")  # our own file: not a lead, the desk sees it anyway
    client = client_as(reception)
    page = client.get(interview.get_absolute_url()).content.decode()
    assert 'id="name-leads"' not in page  # nothing accepted yet: nothing searched
    judge_clue(clue=clue(interview, "name", "王建军"), step="accept", by=reception)
    page = client.get(interview.get_absolute_url()).content.decode()
    leads = page[page.index('id="name-leads"'):]
    assert there.person.file_no in leads and other_station.name in leads
    assert here.person.file_no not in leads and "李德明" not in page
    # Only what a station may see of another station's file: no name, no link to it.
    assert "王建君" not in page and there.person.get_absolute_url() not in page
    assert client.get(there.person.get_absolute_url()).status_code == 404
    search = AuditEvent.objects.get(action=AuditEvent.LIST, person=stay.person)
    assert search.detail["names"] == ["王建军"] and search.detail["files"] == [there.person.file_no]
