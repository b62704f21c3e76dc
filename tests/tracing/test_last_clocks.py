"""The last clocks of a tracing case (issue 22): the police's DNA sample a month after the request, the
household registration applied for after three months unidentified (its own step), the first interview
within days of the arrival and again every month while the person is unidentified. Each is a deadline on
the case and the board, swept once per stage, against a frozen clock."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from lib.errors import Refusal
from oversight import checks
from shelter.models import Death, Departure, SecondCheck
from shelter.services import depart_stay, record_check, record_death
from tracing import sweep
from tracing.models import HouseholdApplication, TracingCase
from tracing.services import apply_household, find_family, record_interview, record_sample

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def reload(case):
    return TracingCase.objects.get(pk=case.pk)


def swept(kind):
    return [(r.kind, r.stage) for r in sweep.run() if r.kind == kind]


def application(**values):
    values = {"applied_to": "广州市公安局白云区分局户政科", "reference": "穗救〔2025〕12号", **values}
    return HouseholdApplication(**values)


# --- (a) The police's DNA sample -------------------------------------------------------------------------


def test_the_police_sample_is_due_a_month_after_the_request_and_met_by_the_sample(
        station, reception, supervisor, case_of, refer, reminders, arrive):
    arrival = at(2025, 9, 1, 10, 0)
    with time_machine.travel(arrival, tick=False) as clock:
        case = case_of(arrive(station, reception, arrived_at=arrival))
        assert case.sample_due_at is None and reload(case).deadline_status("sample") is None  # no request yet
        clock.move_to(arrival + 5 * DAY)
        refer(case, reception)
        case = reload(case)
        assert case.sample_due_at == arrival + 35 * DAY
        clock.move_to(arrival + 5 * DAY + 23 * DAY)  # the last quarter of the month: at risk
        assert reload(case).deadline_status("sample") == "at_risk"
        assert swept("sample") == [("sample", "at_risk")]
        clock.move_to(arrival + 5 * DAY + 31 * DAY)
        assert reload(case).deadline_status("sample") == "overdue"
        assert swept("sample") == [("sample", "overdue")]
        assert swept("sample") == []  # once
        record_sample(case=reload(case), by=reception, sampled_at=timezone.now() - HOUR, sampled_by="民警 王",
                      database="national")
        assert reload(case).deadline_status("sample") == "met"
        assert reload(case).sample_met_at == timezone.now()  # as entered: the hour it states is no earlier
    assert [r for r in reminders() if r[0].startswith("tracing_sample")] == [
        ("tracing_sample_at_risk", "reception"), ("tracing_sample_overdue", "supervisor")]


def test_the_sample_clock_stops_when_the_family_is_found_and_raises_no_problem(station, reception, supervisor,
                                                                                 case_of, refer, arrive):
    arrival = at(2025, 9, 1, 10, 0)
    with time_machine.travel(arrival, tick=False) as clock:
        case = case_of(arrive(station, reception, arrived_at=arrival))
        refer(case, reception)
        clock.move_to(arrival + 10 * DAY)
        find_family(case=reload(case), by=supervisor, channel="toutiao", reason="儿子看到公告来电")
        clock.move_to(arrival + 40 * DAY)
        case = reload(case)
        assert case.deadline_status("sample") is None
        assert swept("sample") == []
        assert TracingCase.objects.stage_counts("sample", timezone.now())["overdue"] == 0
        # The data-quality check asked a sample of a person whose family was found: no longer.
        assert [f.key for f in checks.dna_not_sampled(timezone.now())] == []


def test_an_unknown_person_without_a_sample_after_a_month_is_still_a_problem(station, reception, case_of, refer,
                                                                               arrive):
    arrival = at(2025, 9, 1, 10, 0)
    with time_machine.travel(arrival, tick=False) as clock:
        case = case_of(arrive(station, reception, arrived_at=arrival))
        refer(case, reception)
        clock.move_to(arrival + 40 * DAY)
        assert [f.key for f in checks.dna_not_sampled(timezone.now())] == [
            f"dna_not_sampled:dna:{case.dna_referral.pk}"]


# --- (b) The household registration after three months unidentified ---------------------------------------


def test_the_household_registration_is_due_three_months_after_the_arrival_and_met_by_its_own_step(
        station, reception, supervisor, case_of, reminders, arrive):
    arrival = at(2025, 3, 3, 9, 0)
    with time_machine.travel(arrival, tick=False) as clock:
        stay = arrive(station, reception, arrived_at=arrival)
        case = case_of(stay)
        assert case.household_due_at == arrival + 90 * DAY
        clock.move_to(arrival + 70 * DAY)  # the last quarter of the three months
        assert swept("household") == [("household", "at_risk")]
        clock.move_to(arrival + 91 * DAY)
        assert reload(case).deadline_status("household") == "overdue"
        assert swept("household") == [("household", "overdue")]
        # The long-stay review no longer stands for it: a review does not meet it, and none is owed at 90 days.
        stay.refresh_from_db()
        assert "three_months" not in [point for _at, point in stay.review_points()]
        applied = timezone.now() - 2 * HOUR
        saved = apply_household(case=reload(case), by=reception, application=application(applied_at=applied))
        case = reload(case)
        assert case.deadline_status("household") == "met" and case.household_met_at == applied
        assert case.state == "open"  # a record on the case, not a change of its state
        assert saved.entered_at == timezone.now() and saved.entered_by == reception  # entered apart from stated
        assert saved.outcome == "awaiting"
    assert [r for r in reminders() if r[0].startswith("tracing_household")] == [
        ("tracing_household_at_risk", "reception"), ("tracing_household_overdue", "supervisor")]


def test_the_household_application_is_refused_before_the_arrival_and_to_a_station_head(
        station, reception, head, case_of, arrive):
    arrival = timezone.now() - 100 * DAY
    case = case_of(arrive(station, reception, arrived_at=arrival))
    with pytest.raises(ValidationError) as refused:
        apply_household(case=case, by=reception, application=application(applied_at=arrival - DAY, late_reason="补录"))
    assert "applied_at" in refused.value.message_dict
    with pytest.raises(Refusal):
        apply_household(case=reload(case), by=head, application=application(applied_at=timezone.now()))
    assert not HouseholdApplication.objects.exists() and reload(case).household_met_at is None


def test_an_application_entered_days_later_needs_a_reason(station, reception, case_of, arrive):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - 100 * DAY))
    with pytest.raises(ValidationError) as refused:
        apply_household(case=case, by=reception, application=application(applied_at=timezone.now() - 5 * DAY))
    assert "late_reason" in refused.value.message_dict
    saved = apply_household(case=reload(case), by=reception, application=application(
        applied_at=timezone.now() - 5 * DAY, late_reason="经办人出差，回站后补录"))
    assert saved.late


def test_the_household_and_interview_clocks_stop_when_the_person_dies(station, reception, case_of, arrive, scan):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - 95 * DAY))
    assert case.deadline_status("household") == "overdue" and case.deadline_status("interview") == "overdue"
    stay = case.stay
    record_death(stay=stay, by=reception, death=Death(died_at=timezone.now() - HOUR, place="站内医务室",
                                                        cause="心脏骤停", proof_kind="medical", proof=scan()))
    case = reload(case)
    assert case.is_open  # tracing goes on for the unidentified deceased
    assert case.deadline_status("household") is None and case.deadline_status("interview") is None
    assert case.deadline_status("notice") == "overdue"


def test_a_transfer_to_another_station_keeps_the_clocks(station, other_station, reception, case_of, arrive):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - 10 * DAY))
    depart_stay(stay=case.stay, by=reception, departure=Departure(
        kind="transfer", to_station=other_station, departed_at=timezone.now() - HOUR, destination=other_station.name,
        receiver_name="接收站接待员"))
    assert reload(case).household_due_at is not None and reload(case).interview_due_at is not None


# --- (c) Interviews ---------------------------------------------------------------------------------------


def test_the_first_interview_is_due_two_days_after_the_arrival_then_every_month(station, reception, supervisor, case_of,
                                                                                   reminders, arrive):
    arrival = at(2025, 9, 1, 10, 0)
    with time_machine.travel(arrival, tick=False) as clock:
        stay = arrive(station, reception, arrived_at=arrival)
        case = case_of(stay)
        assert case.interview_due_at == arrival + 2 * DAY
        clock.move_to(arrival + 37 * HOUR)  # the last 12 hours of the two days
        assert swept("interview") == [("interview", "at_risk")]
        clock.move_to(arrival + 49 * HOUR)
        assert swept("interview") == [("interview", "overdue")]
        held = arrival + 49 * HOUR - 30 * 60 * datetime.timedelta(seconds=1)
        record_interview(stay=stay, by=reception, words="我叫……记不清了，家里有条河", interviewer="李社工", held_at=held)
        case = reload(case)
        assert case.interview_due_at == held + 30 * DAY and case.deadline_status("interview") == "running"
        # The first interview keeps its own deadline for the month's figures: held half an hour late.
        assert (case.interview_first_due_at, case.interview_first_at) == (arrival + 2 * DAY, held)
        assert case.interview_overdue_sent_at is None  # the next one may be reminded of again
        clock.move_to(held + 31 * DAY)
        assert swept("interview") == [("interview", "overdue")]  # the at-risk one superseded
        # An older interview entered late does not move the clock back.
        record_interview(stay=stay, by=reception, words="还是说不清", interviewer="李社工", held_at=held - DAY)
        assert reload(case).interview_due_at == held + 30 * DAY
        assert reload(case).interview_first_at == held - DAY  # the first one held, entered late
    assert [r[0] for r in reminders() if r[0].startswith("tracing_interview")] == [
        "tracing_interview_at_risk", "tracing_interview_overdue", "tracing_interview_overdue"]


def test_the_interview_days_are_settings(settings, station, reception, case_of, arrive):
    settings.TRACING_FIRST_INTERVIEW_DAYS, settings.TRACING_INTERVIEW_DAYS = 3, 14
    arrival = timezone.now() - HOUR
    stay = arrive(station, reception, arrived_at=arrival)
    assert case_of(stay).interview_due_at == arrival + 3 * DAY
    interview = record_interview(stay=stay, by=reception, words="听不懂", interviewer="李社工", held_at=arrival)
    assert reload(case_of(stay)).interview_due_at == interview.held_at + 14 * DAY


def test_a_person_whose_identity_is_confirmed_owes_no_interview(station, reception, supervisor, case_of, query,
                                                                 arrive):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - 5 * DAY))
    query(case, reception, result="confirmed")
    # Unidentified for every clock until someone else checks the identity (issue 21).
    assert reload(case).deadline_status("interview") == "overdue"
    record_check(check=SecondCheck.objects.get(decision="identity"), by=supervisor, agreed=True)
    assert reload(case).deadline_status("interview") is None
    assert TracingCase.objects.stage_counts("interview", timezone.now())["overdue"] == 0


# --- The case page and the board ---------------------------------------------------------------------------


def test_the_case_page_offers_the_application_and_the_board_shows_each_clock(client_as, station, reception, supervisor,
                                                                              case_of, refer, arrive):
    old = case_of(arrive(station, reception, arrived_at=timezone.now() - 95 * DAY, name="甲"))
    refer(old, reception, when=timezone.now() - 40 * DAY)
    page = client_as(supervisor).get("/oversight/").content.decode()
    for kind in ("sample", "household", "interview"):
        match = re.search(rf'<section class="card" id="{kind}-overdue">(.*?)</section>', page, re.S)
        assert match and old.stay.person.file_no in match.group(1), kind
    assert f"/tracing/cases/{old.pk}/do/household/" in page and f"/tracing/cases/{old.pk}/do/dna-sample/" in page

    client = client_as(reception)
    form = client.get(f"/tracing/cases/{old.pk}/do/household/")
    assert form.status_code == 200 and "applied_to" in form.content.decode()
    empty = client.post(f"/tracing/cases/{old.pk}/do/household/", {"applied_at": "", "applied_to": ""})
    assert empty.status_code == 400 and not HouseholdApplication.objects.exists()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    done = client.post(f"/tracing/cases/{old.pk}/do/household/", {
        "applied_at": now, "applied_to": "白云区公安分局户政科", "reference": "穗救〔2025〕3号", "outcome": "awaiting"})
    assert done.status_code == 302
    assert reload(old).household_met_at is not None
    shown = client.get(f"/tracing/cases/{old.pk}/").content.decode()
    assert "白云区公安分局户政科" in shown and "穗救〔2025〕3号" in shown


def test_the_answer_to_the_application_is_recorded_once_with_its_own_times(client_as, station, reception, case_of,
                                                                              arrive):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - 95 * DAY))
    applied = timezone.now() - 3 * DAY
    apply_household(case=case, by=reception, application=application(applied_at=applied, late_reason="补录"))
    client = client_as(reception)
    url = f"/tracing/cases/{case.pk}/do/household-answer/"
    assert url in client.get(f"/tracing/cases/{case.pk}/").content.decode()
    too_early = (timezone.localtime(applied) - DAY).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, {"outcome": "registered", "outcome_at": too_early})
    assert refused.status_code == 400 and HouseholdApplication.objects.get().outcome == "awaiting"
    answered = timezone.localtime(timezone.now() - DAY).replace(second=0, microsecond=0)
    done = client.post(url, {"outcome": "registered", "outcome_at": answered.strftime("%Y-%m-%dT%H:%M")})
    assert done.status_code == 302
    saved = HouseholdApplication.objects.get()
    assert (saved.outcome, saved.outcome_at, saved.outcome_by) == ("registered", answered, reception)
    assert saved.outcome_entered_at > answered  # entered apart from the time it states
    assert client.get(url).status_code == 302  # nothing awaits an answer any more
    with pytest.raises(ValidationError):
        saved.settle("refused", timezone.now(), reception)
    timeline = client.get(case.stay.person.get_absolute_url()).content.decode()
    assert "Household registration applied for to 广州市公安局白云区分局户政科" in timeline


def test_the_case_page_says_when_a_clock_has_not_started_or_has_stopped(client_as, station, reception, case_of,
                                                                          arrive, scan):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - 3 * DAY))
    page = client_as(reception).get(f"/tracing/cases/{case.pk}/").content.decode()
    assert "starts when the DNA request is sent" in page
    record_death(stay=case.stay, by=reception, death=Death(died_at=timezone.now() - HOUR, place="站内医务室",
                                                             cause="心脏骤停", proof_kind="medical", proof=scan()))
    page = client_as(reception).get(f"/tracing/cases/{case.pk}/").content.decode()
    assert page.count("not while the person is out of the station's care") == 2
    assert "/do/household/" not in page
    with pytest.raises(ValidationError) as refused:
        apply_household(case=reload(case), by=reception, application=application(applied_at=timezone.now()))
    assert "no longer in the station's care" in str(refused.value)
