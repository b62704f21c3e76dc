"""Found means named (issue 22) and a match confirmed by a second pair of eyes (issue 21): confirming a family
report's candidate offers the report's facts to copy onto the file, field by field; the family's confirmation
is the identity's basis; the one who took the report cannot confirm its match alone."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from family.models import Candidate, FamilyReport, PossibleDuplicate
from family.services import confirm_candidate, dismiss_duplicate, register_report
from oversight import ledgers
from shelter.models import Departure, Person, SecondCheck, SelfApprovalRefused, Stay
from shelter.services import depart_stay, record_check
from tests.factories import FamilyReportFactory
from tracing.models import TracingCase

ID_NUMBER = "430524195003150014"


@pytest.fixture
def proposed(station, reception, arrive):
    """A report taken by reception for 王建国 (born 1950-03-15, from 湖南邵阳隆回), with the unknown resident
    proposed as its candidate."""
    def proposed(taken_by=reception):
        report = register_report(report=FamilyReportFactory.build(
            name="王建国", sex="M", date_of_birth=datetime.date(1950, 3, 15), id_number=ID_NUMBER,
            native_place="湖南省邵阳市隆回县", age_min=None, age_max=None), by=taken_by)
        stay = arrive(station, reception)
        candidate = Candidate.objects.create(report=report, person=stay.person, stay=stay, score=0.9,
                                             face_distance=0.4, description_score=0.8)
        FamilyReport.objects.filter(pk=report.pk).update(state="candidate_found")
        return Candidate.objects.get(pk=candidate.pk)

    return proposed


def test_done_when_a_confirmed_match_names_the_file_and_the_register_ledger(client_as, proposed, supervisor,
                                                                             reception, station):
    candidate = proposed()
    client = client_as(supervisor)
    page = client.get(candidate.report.get_absolute_url()).content.decode()
    assert "Copy the report's facts onto the file" in page and "湖南省邵阳市隆回县" in page
    response = client.post(reverse("family:review", args=[candidate.pk, "confirm"]), {
        "reason": "儿子当面认出", "channel": "face",
        "facts": ["name", "sex", "date_of_birth", "id_number", "native_place", "relatives_phone"]})
    assert response.status_code == 302
    person = Person.objects.get(pk=candidate.person_id)
    assert (person.name, person.date_of_birth, person.id_number, person.native_place, person.relatives_phone) == (
        "王建国", datetime.date(1950, 3, 15), ID_NUMBER, "湖南省邵阳市隆回县", "13912345678")
    # The family's confirmation is the identity's basis, with a second pair of eyes (the report's taker
    # is not the one who confirmed): the identity is confirmed.
    stay = Stay.objects.get(pk=candidate.stay_id)
    assert stay.identity == "confirmed"
    case = TracingCase.objects.get(stay=stay)
    assert case.state == "family_found"
    assert case.queries.get().kind == "family" and case.queries.get().reference == candidate.report.reference
    # The family takes him home; the file and the register ledger carry the name.
    depart_stay(stay=stay, by=reception, departure=Departure(
        kind="family", departed_at=timezone.now(), receiver_name="张伟", receiver_relation="儿子",
        receiver_id_number="11010519491231002X", found_channel="face"))
    assert "王建国" in client.get(person.get_absolute_url()).content.decode()
    month = timezone.localdate().replace(day=1)
    rows = ledgers.build("register", [station.pk], month, month).dicts()
    assert [row["姓名"] for row in rows if row["档案号"] == person.file_no] == ["王建国"]


def test_facts_not_chosen_are_not_copied(proposed, supervisor):
    candidate = proposed()
    confirm_candidate(candidate=candidate, by=supervisor, reason="当面核对", facts=["name"])
    person = Person.objects.get(pk=candidate.person_id)
    assert person.name == "王建国" and person.id_number == "" and person.date_of_birth is None


def test_the_reports_taker_cannot_confirm_its_match_alone(proposed, supervisor, make_user, station):
    candidate = proposed(taken_by=supervisor)
    make_user("wang", "supervisor", station, first_name="王芳")
    with pytest.raises(SelfApprovalRefused) as e:
        confirm_candidate(candidate=candidate, by=supervisor, reason="当面核对")
    assert "王芳" in e.value.message
    assert Candidate.objects.get(pk=candidate.pk).state == "proposed"
    # The night shift: awaiting a second check; the identity waits for it too.
    confirm_candidate(candidate=Candidate.objects.get(pk=candidate.pk), by=supervisor, reason="当面核对",
                      awaiting=True)
    assert Candidate.objects.get(pk=candidate.pk).state == "confirmed"
    assert set(SecondCheck.objects.values_list("decision", "state")) == {("match", "pending"),
                                                                          ("identity", "pending")}
    assert Stay.objects.get(pk=candidate.stay_id).identity == "unknown"
    record_check(check=SecondCheck.objects.get(decision="identity"), by=make_user("li", "supervisor", station),
                 agreed=True)
    assert Stay.objects.get(pk=candidate.stay_id).identity == "confirmed"


def test_the_one_who_registered_the_newer_file_cannot_dismiss_its_warning_alone(station, reception, supervisor,
                                                                                 arrive):
    one, two = arrive(station, reception), arrive(station, reception)
    warning = PossibleDuplicate.objects.create(person=two.person, other=one.person, found_by="intake")
    # The one who registered the newer file cannot dismiss the warning alone.
    with pytest.raises(SelfApprovalRefused):
        dismiss_duplicate(warning=warning, by=reception, reason="不是同一人")
    dismiss_duplicate(warning=warning, by=supervisor, reason="不是同一人")
    assert PossibleDuplicate.objects.get(pk=warning.pk).state == "dismissed"
    assert not SecondCheck.objects.exists()
