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
from shelter.models import Departure, Notification, Person, SecondCheck, SelfApprovalRefused, StateLog, Stay
from shelter.services import correct_file, depart_stay, record_check
from tests.factories import FamilyReportFactory
from tracing.models import TracingCase
from tracing.models.cases import pending

ID_NUMBER = "430524195003150014"


@pytest.fixture
def proposed(station, reception, arrive):
    """A report taken by reception for 王建国 (born 1950-03-15, from 湖南邵阳隆回), with the unknown resident
    proposed as its candidate."""
    def proposed(taken_by=reception, **facts):
        report = register_report(report=FamilyReportFactory.build(
            name="王建国", sex="M", date_of_birth=datetime.date(1950, 3, 15), id_number=ID_NUMBER,
            native_place="湖南省邵阳市隆回县", age_min=None, age_max=None), by=taken_by)
        stay = arrive(station, reception, **facts)
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


# --- A second check that disagrees with a match confirmed by the report's taker undoes it (issue 21) -------

FILE_FACTS = ("name", "sex", "date_of_birth", "id_number", "native_place", "relatives_phone")


def file_facts(person_id):
    return Person.objects.filter(pk=person_id).values(*FILE_FACTS).get()


def confirmed_by_its_taker(proposed, taker, facts=("name", "date_of_birth", "native_place")):
    """The night shift: the report's taker confirms its match alone, awaiting a second check, copying `facts`."""
    candidate = proposed(taken_by=taker, name="老人", native_place="广东省")
    before = file_facts(candidate.person_id)
    confirm_candidate(candidate=candidate, by=taker, reason="家属当面辨认", facts=list(facts), awaiting=True)
    return Candidate.objects.get(pk=candidate.pk), before


def test_done_when_a_second_check_that_disagrees_undoes_the_match(client_as, proposed, supervisor, make_user,
                                                                   station):
    candidate, before = confirmed_by_its_taker(proposed, supervisor)
    stay = Stay.objects.get(pk=candidate.stay_id)
    case = TracingCase.objects.get(stay=stay)
    assert file_facts(candidate.person_id)["name"] == "王建国" and case.state == "family_found"
    match = SecondCheck.objects.get(decision="match")
    identity = SecondCheck.objects.get(decision="identity")
    assert identity.target == case.queries.get()

    # Another supervisor gives the second check, on the list of checks, and does not agree.
    li = make_user("li", "supervisor", station, first_name="李明")
    response = client_as(li).post(reverse("shelter:check", args=[match.pk]),
                                  {"agreed": "0", "reason": "照片比对不符，家属认错"})
    assert response.status_code == 302

    # The candidate, the report, the case, the identity's basis and the file are as before the match.
    candidate = Candidate.objects.get(pk=candidate.pk)
    assert (candidate.state, candidate.reviewed_by, candidate.review_reason) == ("proposed", None, "")
    report = FamilyReport.objects.get(pk=candidate.report_id)
    assert (report.state, report.matched_person, report.matched_stay, report.confirmed_at) == (
        "candidate_found", None, None, None)
    case = TracingCase.objects.get(pk=case.pk)
    assert (case.state, case.closed_at, case.close_cause, case.found_channel) == ("open", None, "", "")
    assert TracingCase.objects.filter(pending("dna"), pk=case.pk).exists()  # its deadlines run again
    assert SecondCheck.objects.get(pk=identity.pk).state == "rejected"
    assert Stay.objects.get(pk=stay.pk).identity == "unknown"
    assert file_facts(candidate.person_id) == before
    # Each step is in its history with the checker's reason; the report page and the file show it.
    for record, step in ((report, "undo_match"), (candidate, "undo_confirmation"), (case, "reopen")):
        log = StateLog.for_object(record).get(transition=step)
        assert (log.reason, log.by) == ("照片比对不符，家属认错", li)
    client = client_as(supervisor)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Match undone: the second check did not agree" in page and "照片比对不符，家属认错" in page
    page = client.get(candidate.person.get_absolute_url()).content.decode()
    assert f"Match with family report {report.reference}" in page and "照片比对不符，家属认错" in page
    assert "Put back on the file" in page
    # The staff in charge are told, in codes and parameters.
    told = Notification.objects.filter(kind="match_undone").first()
    assert told.params["reason"] == "照片比对不符，家属认错" and told.params["restored"] == [
        "name", "date_of_birth", "native_place"]

    # Someone other than the report's taker can confirm the match again; the taker alone no longer can.
    with pytest.raises(SelfApprovalRefused) as e:
        confirm_candidate(candidate=candidate, by=supervisor, reason="再次确认", awaiting=True)
    assert "李明" in e.value.message and Candidate.objects.get(pk=candidate.pk).state == "proposed"
    confirm_candidate(candidate=candidate, by=li, reason="DNA比对一致", facts=["name"])
    assert Candidate.objects.get(pk=candidate.pk).state == "confirmed"
    assert FamilyReport.objects.get(pk=report.pk).state == "confirmed"
    assert TracingCase.objects.get(pk=case.pk).state == "family_found"
    assert Stay.objects.get(pk=stay.pk).identity == "confirmed"


def test_a_second_check_that_agrees_leaves_the_match_and_counts_for_the_identity(proposed, supervisor, make_user,
                                                                                  station):
    candidate, _ = confirmed_by_its_taker(proposed, supervisor)
    record_check(check=SecondCheck.objects.get(decision="match"), by=make_user("li", "supervisor", station),
                 agreed=True, reason="核对无误")
    assert Candidate.objects.get(pk=candidate.pk).state == "confirmed"
    report = FamilyReport.objects.get(pk=candidate.report_id)
    assert (report.state, report.matched_person_id) == ("confirmed", candidate.person_id)
    assert TracingCase.objects.get(stay_id=candidate.stay_id).state == "family_found"
    assert file_facts(candidate.person_id)["name"] == "王建国"
    # The same second person checked the family's confirmation: the identity is confirmed with the match.
    assert set(SecondCheck.objects.values_list("decision", "state")) == {("match", "checked"),
                                                                          ("identity", "checked")}
    assert Stay.objects.get(pk=candidate.stay_id).identity == "confirmed"


def test_a_file_corrected_after_the_match_is_not_overwritten_when_it_is_undone(client_as, proposed, supervisor,
                                                                                make_user, station):
    candidate, before = confirmed_by_its_taker(proposed, supervisor)
    person = Person.objects.get(pk=candidate.person_id)
    person.name = "王建军"  # corrected since, by hand
    correct_file(person=person)
    record_check(check=SecondCheck.objects.get(decision="match"), by=make_user("li", "supervisor", station),
                 agreed=False, reason="家属认错")
    facts = file_facts(candidate.person_id)
    assert facts["name"] == "王建军"
    assert (facts["date_of_birth"], facts["native_place"]) == (before["date_of_birth"], before["native_place"])
    page = client_as(supervisor).get(person.get_absolute_url()).content.decode()
    assert "Corrected on the file since the match, so left as it is" in page
    assert Notification.objects.filter(kind="match_undone").first().params["kept"] == ["name"]


def test_a_case_opened_again_by_the_undo_keeps_its_dna_steps(proposed, supervisor, make_user, station, publish,
                                                              refer):
    candidate = proposed(taken_by=supervisor)
    case = TracingCase.objects.get(stay_id=candidate.stay_id)
    publish(case, supervisor)
    refer(TracingCase.objects.get(pk=case.pk), supervisor)
    confirm_candidate(candidate=candidate, by=supervisor, reason="家属当面辨认", awaiting=True)
    assert TracingCase.objects.get(pk=case.pk).state == "family_found"
    record_check(check=SecondCheck.objects.get(decision="match"), by=make_user("li", "supervisor", station),
                 agreed=False, reason="家属认错")
    case = TracingCase.objects.get(pk=case.pk)
    # The DNA request stands; the notice, taken down when the case closed, is to be published again.
    assert (case.state, case.is_open, case.dna_referral.police_unit) == ("dna_referred", True, "广州市公安局天河区分局")
