"""Tracing outlasts the stay while the person is unknown: a transfer, leaving or a death keeps the case
open with its notices, its monthly refresh and its DNA steps; the case closes on identity or family."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shelter.models import Death, Departure, SecondCheck, Stay
from shelter.services import depart_stay, record_check, record_death
from tracing import documents, sweep
from tracing.models import Publication, TracingCase
from tracing.services import find_family, publish_notice, record_result, record_sample

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def transfer():
    return Departure(kind="transfer", destination="广州市社会福利院", receiver_name="福利院 刘主任",
                     departed_at=timezone.now() - HOUR)


def left():
    return Departure(kind="left", notes="自行离站，劝阻无效", departed_at=timezone.now() - HOUR)


ENDINGS = {"transfer": (depart_stay, "departure"), "left": (depart_stay, "departure"), "death": (record_death, "death")}


@pytest.fixture
def death(scan):
    """death(): a death an hour ago, with its proof."""
    return lambda: Death(died_at=timezone.now() - HOUR, place="广州市第一人民医院", cause="多器官衰竭",
                         proof_kind="medical", proof=scan("cert.pdf"))


@pytest.fixture
def ended(station, reception, arrive, case_of, publish, refer, death):
    """ended(how): an unknown person who arrived 40 days ago, with a notice and a DNA request, whose stay
    then ended (transfer, left, death). Returns the case."""
    def ended(how):
        stay = arrive(station, reception, arrived_at=timezone.now() - 40 * DAY)
        case = case_of(stay)
        publish(case, reception, when=stay.arrived_at + 10 * HOUR)
        refer(TracingCase.objects.get(pk=case.pk), reception, when=stay.arrived_at + 6 * DAY)
        service, kwarg = ENDINGS[how]
        record = {"transfer": transfer, "left": left, "death": death}[how]
        service(stay=Stay.objects.get(pk=stay.pk), by=reception, **{kwarg: record()})
        return TracingCase.objects.get(pk=case.pk)

    return ended


@pytest.mark.parametrize("how", ["transfer", "left", "death"])
def test_an_unknown_persons_case_stays_open_after_the_stay_ends(ended, how, reception):
    case = ended(how)
    assert case.is_open and case.state == "dna_referred" and case.close_cause == ""
    assert Publication.objects.get(case=case).state == "published"  # the notice stays up
    # The monthly refresh goes on: it is overdue (published 40 days ago) and the sweep reminds of it.
    assert case.refresh_due_at is not None
    sent = sweep.run()
    assert any(r.case.pk == case.pk and r.kind == "refresh" for r in sent)
    # The DNA steps can still be recorded.
    now = timezone.now()
    record_sample(case=case, by=reception, sampled_at=now - 2 * HOUR, sampled_by="民警 王", database="national")
    record_result(case=TracingCase.objects.get(pk=case.pk), by=reception, result="no_match",
                   result_at=now - HOUR)
    case = TracingCase.objects.get(pk=case.pk)
    assert case.state == "result_received" and case.is_open


def test_the_case_closes_when_the_identity_is_confirmed_after_the_transfer(ended, query, make_user):
    case = ended("transfer")
    query(case, case.stay.staff_in_charge, result="confirmed")
    record_check(check=SecondCheck.objects.get(decision="identity"), agreed=True,
                 by=make_user("checker", "supervisor", case.station))
    case = TracingCase.objects.get(pk=case.pk)
    assert (case.state, case.close_cause) == ("closed", "identity")
    assert Stay.objects.get(pk=case.stay_id).identity == "confirmed"
    assert Publication.objects.get(case=case).state == "withdrawn"


def test_the_case_closes_when_the_family_is_found_after_the_person_left(ended, supervisor):
    case = ended("left")
    find_family(case=case, by=supervisor, reason="家属来电，经视频确认", channel="website")
    case = TracingCase.objects.get(pk=case.pk)
    assert (case.state, case.close_cause) == ("family_found", "family")


def test_a_death_turns_the_notice_into_one_for_the_unidentified_deceased(ended, client_as, reception):
    case = ended("death")
    assert case.person_died
    assert str(case.notice_title()) == "Notice for an unidentified deceased person"
    facts = dict((str(k), str(v)) for k, v in case.notice_facts())
    assert facts["Place of death"] == "广州市第一人民医院"
    assert "died without their identity being known" in documents.notice_text(case)
    page = client_as(reception).get(reverse("tracing:case", args=[case.pk])).content.decode()
    assert "unidentified deceased" in page


def test_the_notice_shows_ethnicity_and_native_place(station, reception, arrive, case_of):
    case = case_of(arrive(station, reception, ethnicity="苗族", native_place="贵州省黔东南", dialect="贵州口音"))
    facts = dict((str(k), str(v)) for k, v in case.notice_facts())
    assert (facts["Ethnicity"], facts["Native place"], facts["Accent"]) == ("苗族", "贵州省黔东南", "贵州口音")


def test_a_notice_with_a_main_portrait_needs_no_reason(station, reception, resident, committed, case_of):
    case = case_of(resident(station, reception, committed, face="obama_1"))
    assert case.has_main_portrait() and case.portrait_waiver_refusal() is not None
    publish_notice(case=case, by=reception, publication=Publication(channel="national", reference="N-7"))
    assert TracingCase.objects.get(pk=case.pk).notice_met_at is not None


def test_without_a_portrait_the_notice_waits_for_a_supervisors_reason(station, reception, supervisor, arrive, case_of):
    case = case_of(arrive(station, reception))
    with pytest.raises(ValidationError):
        publish_notice(case=case, by=reception, publication=Publication(channel="national", reference="N-8"))
    with pytest.raises(ValidationError):
        case.allow_without_portrait(reception, "急")
    with pytest.raises(ValidationError):
        case.allow_without_portrait(supervisor, "  ")
    case.allow_without_portrait(supervisor, "面部受伤")
    case = TracingCase.objects.get(pk=case.pk)
    publish_notice(case=case, by=reception, publication=Publication(channel="national", reference="N-8"))
    assert case.notice_met_at is not None and case.no_portrait_by == supervisor


def test_the_case_of_an_unknown_person_who_died_shows_the_report_due_and_the_body(ended, client_as, reception):
    case = ended("death")
    death = case.stay.death
    url = reverse("tracing:case", args=[case.pk])
    page = client_as(reception).get(url).content.decode()
    assert timezone.localtime(death.report_due_at).strftime("%Y-%m-%d %H:%M") in page and "death-deadlines" in page
