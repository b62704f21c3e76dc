"""One door for every write, on a tracing case: each transition checks the case and sets the case's own
fields; the step's service (tracing.services) saves the step's record and makes the writes that follow
for other rows (the stay's identity, the notices taken down, the case's refresh month)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lib import workflow
from shelter.models import SecondCheck, Stay
from shelter.services import record_check
from tracing import services
from tracing.models import DnaReferral, Publication, QuickQuery, TracingCase

HOUR = datetime.timedelta(hours=1)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def case(station, reception, arrive, case_of):
    """An unknown person's case, arrived three hours ago, allowed a notice without a portrait."""
    stay = arrive(station, reception, arrived_at=timezone.now() - 3 * HOUR)
    found = case_of(stay)
    TracingCase.objects.filter(pk=found.pk).update(no_portrait_reason="测试")
    return reload(found)


def notice(reference="N-1", at=None):
    return Publication(channel="national", reference=reference, published_at=at or timezone.now() - HOUR)


def confirming_query():
    return QuickQuery(kind="police_id", result="confirmed", made_at=timezone.now(), details="公安人口信息系统比对成功",
                      reference="公安核查2026-001")


def test_publishing_through_the_service_saves_the_publication(case, reception):
    services.publish_notice(case=case, by=reception, publication=notice())
    case = reload(case)
    assert case.state == "notice_published" and case.publications.count() == 1 and case.refresh_due_at


def test_the_publish_transition_alone_saves_no_publication(case, reception):
    workflow.apply(case, "publish_notice", reception, publication=notice())
    assert reload(case).state == "notice_published"
    assert not Publication.objects.exists()


def test_a_confirming_query_through_the_service_confirms_the_stay_and_takes_the_notices_down(case, reception,
                                                                                               supervisor):
    services.publish_notice(case=case, by=reception, publication=notice())
    services.record_query(case=reload(case), by=reception, query=confirming_query())
    record_check(check=SecondCheck.objects.get(decision="identity"), by=supervisor, agreed=True)
    case = reload(case)
    assert case.state == "closed" and case.close_cause == "identity"
    assert Stay.objects.get(pk=case.stay_id).identity == "confirmed"
    assert set(case.publications.values_list("state", flat=True)) == {"withdrawn"}
    assert case.queries.count() == 1


def test_the_query_transition_alone_saves_nothing_and_closes_nothing(case, reception):
    services.publish_notice(case=case, by=reception, publication=notice())
    workflow.apply(reload(case), "record_query", reception, query=confirming_query())
    case = reload(case)
    assert case.state == "notice_published" and case.closed_at is None
    assert Stay.objects.get(pk=case.stay_id).identity == "unknown"
    assert set(case.publications.values_list("state", flat=True)) == {"published"}
    assert not QuickQuery.objects.exists()


def test_the_family_found_through_the_service_takes_the_notices_down(case, supervisor, reception):
    services.publish_notice(case=case, by=reception, publication=notice())
    services.find_family(case=reload(case), by=supervisor, channel="website", reason="家属来电")
    case = reload(case)
    assert case.state == "family_found"
    assert set(case.publications.values_list("state", flat=True)) == {"withdrawn"}


def test_the_family_found_transition_alone_leaves_the_notices(case, supervisor, reception):
    services.publish_notice(case=case, by=reception, publication=notice())
    workflow.apply(reload(case), "find_family", supervisor, channel="website", reason="家属来电")
    assert set(reload(case).publications.values_list("state", flat=True)) == {"published"}


def test_a_refresh_through_the_service_restarts_the_month_the_transition_alone_does_not(case, reception):
    services.publish_notice(case=case, by=reception, publication=notice(at=timezone.now() - 2 * HOUR))
    due = reload(case).refresh_due_at
    publication = Publication.objects.get()
    workflow.apply(publication, "update", reception, at=timezone.now() - HOUR)
    assert reload(case).refresh_due_at == due
    services.refresh_notice(publication=reload(publication), by=reception, at=timezone.now())
    assert reload(case).refresh_due_at > due


def test_a_withdrawal_through_the_service_recounts_the_notice_the_transition_alone_does_not(case, reception):
    services.publish_notice(case=case, by=reception, publication=notice())
    publication = Publication.objects.get()
    workflow.apply(publication, "withdraw", reception, at=timezone.now(), reason="发错了")
    assert reload(case).notice_met_at is not None  # the transition set the publication's fields only
    other = services.publish_notice(case=reload(case), by=reception, publication=notice("N-2"))
    assert other == "notice_published"
    second = Publication.objects.get(reference="N-2")
    services.withdraw_notice(publication=second, by=reception, at=timezone.now(), reason="发错了")
    case = reload(case)
    assert case.notice_met_at is None and case.state == "open" and case.refresh_due_at is None


def test_the_dna_request_is_saved_by_its_service_not_by_the_transition(case, reception):
    referral = DnaReferral(police_unit="天河分局", sent_at=timezone.now(), no_query_reason="无任何可查询的信息")
    workflow.apply(case, "refer_dna", reception, referral=referral)
    assert reload(case).state == "dna_referred" and not DnaReferral.objects.exists()


def test_the_dna_steps_through_their_services(case, reception):
    sent = timezone.now() - 2 * HOUR
    services.refer_dna(case=case, by=reception, referral=DnaReferral(police_unit="天河分局", sent_at=sent,
                                                                             no_query_reason="无任何可查询的信息"))
    case = reload(case)
    services.record_dna_receipt(case=case, received_at=sent + HOUR / 2, received_by="民警 王")
    services.record_sample(case=reload(case), by=reception, sampled_at=sent + HOUR, sampled_by="民警 王",
                           database="national")
    services.record_result(case=reload(case), by=reception, result="no_match", result_at=sent + HOUR)
    referral = DnaReferral.objects.get()
    assert referral.received_by == "民警 王" and referral.sampled_by == "民警 王" and referral.result == "no_match"
    assert reload(case).state == "result_received"


def test_a_receipt_without_a_request_is_refused(case):
    with pytest.raises(ValidationError):
        services.record_dna_receipt(case=case, received_at=timezone.now(), received_by="民警 王")


def test_a_notice_without_a_portrait_is_allowed_through_the_service(station, reception, supervisor, arrive, case_of):
    case = case_of(arrive(station, reception))
    services.allow_without_portrait(case=case, by=supervisor, reason="面部受伤，一周后拍照")
    assert reload(case).no_portrait_reason == "面部受伤，一周后拍照" and reload(case).no_portrait_by == supervisor
