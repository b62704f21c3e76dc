"""Identity confirmed needs a basis (issue 21): a recorded quick query (police check with its reference, ID
card seen with its number, the family's confirmation, a match in the national system) and a second pair of
eyes; until both exist the person counts as unidentified for every clock. A case closed without the family
found waits for its second check, and one that disagrees opens it again."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shelter.models import SecondCheck, SelfApprovalRefused, Stay
from shelter.services import record_check
from tracing.models import QuickQuery, TracingCase
from tracing.services import close_case, record_query


def intake(**stay):
    return {"p-sex": "F", "p-age_min": "70", "p-age_max": "80", "p-name": "李秀英",
            "s-arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "s-found_place": "越秀公园东门",
            "s-brought_by": "police", "s-mental_state": "dementia", "s-found_circumstances": "夜间独自徘徊",
            **{f"s-{k}": v for k, v in stay.items()}}


def test_reception_cannot_mark_identity_confirmed_without_a_basis(client_as, reception):
    response = client_as(reception).post("/people/new/", intake(identity="confirmed"))
    html = response.content.decode()
    assert response.status_code == 200 and not Stay.objects.exists()
    assert "“Confirmed” needs its basis" in html
    assert "夜间独自徘徊" in html and "李秀英" in html  # nothing lost
    # A basis without its reference is refused beside the reference.
    response = client_as(reception).post("/people/new/", intake(identity="confirmed", identity_basis="id_card"))
    assert "Give the reference of the basis" in response.content.decode() and not Stay.objects.exists()


def test_the_basis_at_intake_is_a_query_awaiting_its_second_check(client_as, reception, supervisor):
    response = client_as(reception).post("/people/new/", intake(
        identity="confirmed", identity_basis="id_card", identity_reference="430524195003150022"), follow=True)
    assert "once someone else has checked its basis" in response.content.decode()
    stay = Stay.objects.get()
    # Unidentified for every clock until the check: self-reported, its case open with its deadlines.
    assert stay.identity == "self_reported"
    case = TracingCase.objects.get(stay=stay)
    assert case.is_open and case.notice_due_at
    query = case.queries.get()
    assert (query.kind, query.result, query.reference, query.entered_by) == (
        "id_card", "confirmed", "430524195003150022", reception)
    check = SecondCheck.objects.get()
    assert (check.decision, check.state, check.target, check.entered_by) == ("identity", "pending", query, reception)
    assert "430524195003150022" in client_as(supervisor).get("/checks/").content.decode()
    record_check(check=check, by=supervisor, agreed=True)
    assert Stay.objects.get().identity == "confirmed"
    case = TracingCase.objects.get(stay=stay)
    assert (case.state, case.close_cause) == ("closed", "identity")


def test_the_one_who_recorded_the_basis_cannot_check_it(supervisor, case_of, arrive, station):
    case = case_of(arrive(station, supervisor))
    record_query(case=case, by=supervisor, query=QuickQuery(kind="police_id", result="confirmed",
                                                             made_at=timezone.now(), reference="公安核查-7"))
    with pytest.raises(SelfApprovalRefused):
        record_check(check=SecondCheck.objects.get(), by=supervisor, agreed=True)
    assert Stay.objects.get().identity == "unknown"


@pytest.mark.parametrize("kind, reference, field", [("face", "x", "kind"), ("phone", "x", "kind"),
                                                    ("police_id", " ", "reference")])
def test_a_confirming_query_needs_a_basis_and_its_reference(kind, reference, field, case_of, arrive, station,
                                                            reception):
    case = case_of(arrive(station, reception))
    query = QuickQuery(case=case, kind=kind, result="confirmed", made_at=timezone.now(), reference=reference,
                       entered_by=reception)
    with pytest.raises(ValidationError) as e:
        query.full_clean()
    assert field in e.value.message_dict


def test_a_case_closed_without_the_family_found_waits_for_a_second_check(supervisor, make_user, case_of, arrive,
                                                                        station):
    case = case_of(arrive(station, supervisor))
    close_case(case=case, by=supervisor, reason="转其他机构")
    check = SecondCheck.objects.get()
    assert (check.decision, check.state, check.entered_by) == ("case_closed", "pending", supervisor)
    assert not TracingCase.objects.get(pk=case.pk).is_open  # it takes effect
    other = make_user("wang", "supervisor", station)
    record_check(check=check, by=other, agreed=False, reason="家属仍在寻找，不应结案")
    case = TracingCase.objects.get(pk=case.pk)
    assert case.is_open and case.state == "open" and case.close_cause == ""


def test_a_case_opened_again_by_its_second_check_has_its_notice_due_again(supervisor, make_user, case_of, arrive,
                                                                           station, publish):
    """Its notices were taken down when it closed: open again, its notice counts as not out (due, and the
    board chases it), and no refresh runs for notices that are down."""
    case = case_of(arrive(station, supervisor))
    publish(case, supervisor)
    case = TracingCase.objects.get(pk=case.pk)
    assert case.notice_met_at is not None and case.refresh_due_at is not None
    close_case(case=case, by=supervisor, reason="转其他机构")
    record_check(check=SecondCheck.objects.get(), by=make_user("wang", "supervisor", station), agreed=False,
                 reason="家属仍在寻找，不应结案")
    case = TracingCase.objects.get(pk=case.pk)
    assert case.is_open and case.state == "open"
    assert (case.notice_met_at, case.refresh_due_at) == (None, None)
    assert case.deadline_status("notice") != "met"


def test_a_checked_id_card_query_names_the_file(supervisor, reception, case_of, arrive, station):
    case = case_of(arrive(station, reception, sex="U"))
    record_query(case=case, by=reception, query=QuickQuery(kind="id_card", result="confirmed", made_at=timezone.now(),
                                                           reference="430524195003150014", name="王建国"))
    record_check(check=SecondCheck.objects.get(), by=supervisor, agreed=True)
    person = Stay.objects.get().person
    assert (person.name, person.id_number, person.sex) == ("王建国", "430524195003150014", "M")
    assert str(person.date_of_birth) == "1950-03-15"


def test_an_id_card_query_needs_a_valid_number(reception, case_of, arrive, station):
    case = case_of(arrive(station, reception))
    query = QuickQuery(case=case, kind="id_card", result="confirmed", made_at=timezone.now(),
                       reference="430524195003150011", entered_by=reception)
    with pytest.raises(ValidationError) as e:
        query.full_clean()
    assert "reference" in e.value.message_dict


def test_an_invalid_id_card_number_at_intake_is_refused_beside_the_field(client_as, reception):
    response = client_as(reception).post("/people/new/", intake(
        identity="confirmed", identity_basis="id_card", identity_reference="430524195003150011"))
    assert "This is not a valid ID card number" in response.content.decode() and not Stay.objects.exists()
