"""The time of entry kept apart from the time stated (issue 21): a deadline step stated before its deadline but
entered after it counts as late, shows on the late list and in the month as met only after the fact, until
someone other than the one who entered it accepts the stated time with a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from oversight import figures as stats
from oversight import ledgers
from shelter.models import SecondCheck, SelfApprovalRefused
from shelter.services import record_check
from tracing.models import DnaReferral, Publication, TracingCase
from tracing.services import accept_stated_time, publish_notice, record_sample, refer_dna

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def reload(case):
    return TracingCase.objects.get(pk=case.pk)


@pytest.fixture
def late_notice(station, arrive, case_of):
    """A notice stated as published 2 hours after the arrival (3 days ago), entered now by `by`."""
    def late_notice(by):
        stay = arrive(station, by, arrived_at=timezone.now() - 72 * HOUR)
        case = case_of(stay)
        TracingCase.objects.filter(pk=case.pk).update(no_portrait_reason="测试")
        publish_notice(case=reload(case), by=by, publication=Publication(
            channel="national", reference="GZ-1", published_at=stay.arrived_at + 2 * HOUR, late_reason="停电补录"))
        return reload(case)

    return late_notice


def test_a_step_entered_after_its_deadline_counts_late_until_someone_else_accepts_it(
        late_notice, reception, supervisor, client_as, station):
    case = late_notice(reception)
    assert case.notice_stated_at == case.stay.arrived_at + 2 * HOUR
    assert case.notice_entered_at > case.notice_due_at
    assert case.notice_met_at == case.notice_entered_at  # judged by the entry time
    assert case.met_after_the_fact("notice")
    month = timezone.localdate(case.stay.arrived_at).replace(day=1)
    figures = stats.compute([station.pk], month, month)
    assert (figures.value("notice_late"), figures.value("notice_on_time"), figures.value("after_the_fact")) == (1, 0, 1)
    row = ledgers.build("tracing", [station.pk], month, month).dicts()[0]
    assert (row["公告情况"], row["事后补录"]) == ("逾期", "公告")
    page = client_as(supervisor).get("/late/").content.decode()
    assert "Deadlines met only after the fact" in page and case.stay.person.file_no in page
    # Reception may not accept it; a supervisor who did not enter it may, with a reason.
    with pytest.raises(ValidationError):
        accept_stated_time(case=case, kind="notice", by=reception, reason="x")
    response = client_as(supervisor).post(reverse("tracing:accept_stated_time", args=[case.pk, "notice"]),
                                     {"reason": "公告截图显示按时发布"})
    assert response.status_code == 302
    case = reload(case)
    assert case.notice_met_at == case.notice_stated_at and case.stated_time_accepted("notice")["reason"]
    figures = stats.compute([station.pk], month, month)
    assert (figures.value("notice_on_time"), figures.value("after_the_fact")) == (1, 1)
    assert ledgers.build("tracing", [station.pk], month, month).dicts()[0]["事后补录"] == "公告（已认可）"


def test_the_one_who_entered_it_cannot_accept_its_stated_time(late_notice, supervisor, make_user, station):
    case = late_notice(supervisor)
    with pytest.raises(SelfApprovalRefused):
        accept_stated_time(case=case, kind="notice", by=supervisor, reason="截图为证")
    assert reload(case).notice_met_at == case.notice_entered_at
    # The night shift: it takes effect awaiting a second check; one that disagrees undoes it.
    accept_stated_time(case=case, kind="notice", by=supervisor, reason="截图为证", awaiting=True)
    assert reload(case).notice_met_at == case.notice_stated_at
    check = SecondCheck.objects.get()
    assert (check.decision, check.params) == ("stated_time", {"deadline": "notice"})
    record_check(check=check, by=make_user("wang", "supervisor", station), agreed=False, reason="截图不清楚")
    case = reload(case)
    assert case.notice_met_at == case.notice_entered_at and not case.stated_time_accepted("notice")


def test_a_step_entered_in_time_is_not_after_the_fact(station, reception, arrive, case_of):
    stay = arrive(station, reception, arrived_at=timezone.now() - 3 * HOUR)
    case = case_of(stay)
    refer_dna(case=case, by=reception, referral=DnaReferral(police_unit="天河分局", sent_at=timezone.now() - HOUR,
                                                            no_query_reason="本人无法说话，无从查询"))
    case = reload(case)
    assert case.dna_stated_at and case.dna_entered_at > case.dna_stated_at
    assert not case.met_after_the_fact("dna") and case.dna_met_at >= case.dna_stated_at
    record_sample(case=case, by=reception, sampled_at=timezone.now() - HOUR / 2, sampled_by="民警 王",
                  database="national")
    referral = DnaReferral.objects.get()
    assert referral.sample_entered_at is not None and referral.sample_entered_at > referral.sampled_at


def test_a_sample_entered_after_its_deadline_with_an_on_time_date_is_late(station, reception, arrive, case_of):
    """The police sample's month (issue 22) is judged by when the sample was entered, not the date it states."""
    stay = arrive(station, reception, arrived_at=timezone.now() - 40 * DAY)
    case = case_of(stay)
    refer_dna(case=case, by=reception, referral=DnaReferral(
        police_unit="天河分局", sent_at=stay.arrived_at + 2 * DAY, no_query_reason="本人无法说话，无从查询",
        late_reason="补录"))
    case = reload(case)
    record_sample(case=case, by=reception, sampled_at=case.sample_due_at - DAY, sampled_by="民警 王",
                  database="national")
    case, referral = reload(case), DnaReferral.objects.get()
    assert referral.sampled_at < case.sample_due_at < referral.sample_entered_at
    assert case.sample_met_at == referral.sample_entered_at > case.sample_due_at  # met late
