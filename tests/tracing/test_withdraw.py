"""Withdrawing a notice undoes something: it asks for a reason (behind a disclosure that confirms the
step), shows in the case's history, and a withdrawn notice no longer meets the notice deadline nor
starts the refresh month."""

import datetime

import pytest
from django.utils import timezone

from tracing.models import Publication, TracingCase
from tracing.services import find_family, withdraw_notice

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case(station, reception, case_of, arrive):
    return case_of(arrive(station, reception, arrived_at=timezone.now() - 2 * DAY))


def reload(case):
    return TracingCase.objects.get(pk=case.pk)


def withdraw(publication, user, reason="网站链接失效"):
    return withdraw_notice(publication=Publication.objects.get(pk=publication.pk), by=user, at=timezone.now(),
                          reason=reason)


def test_a_withdrawal_needs_a_reason(case, reception, publish):
    publish(case, reception, when=case.stay.arrived_at + HOUR)
    publication = Publication.objects.get()
    with pytest.raises(Exception, match="Say why the notice is withdrawn"):
        withdraw(publication, reception, reason="  ")
    assert Publication.objects.get().state == "published"


def test_the_only_notice_withdrawn_no_longer_meets_the_deadline_nor_runs_the_refresh(case, reception, publish):
    publish(case, reception, when=case.stay.arrived_at + HOUR)
    assert reload(case).notice_met_at is not None and reload(case).state == "notice_published"
    withdraw(Publication.objects.get(), reception)
    after = reload(case)
    assert after.notice_met_at is None and after.refresh_due_at is None and after.state == "open"
    assert after.deadline_status("notice") == "overdue"  # 24 hours are long past: the notice is owed again


def test_the_other_notices_still_out_keep_the_deadline_and_the_refresh_clock(case, reception, publish):
    first = case.stay.arrived_at + HOUR
    publish(case, reception, when=first, channel="national", reference="N-1")
    publish(reload(case), reception, when=first + 3 * HOUR, channel="newspaper", reference="L-1")
    assert reload(case).refresh_due_at == first + 3 * HOUR + 30 * DAY
    withdraw(Publication.objects.get(reference="N-1"), reception)
    after = reload(case)
    assert after.notice_met_at == first + 3 * HOUR  # met by the notice still out
    assert after.refresh_due_at == first + 3 * HOUR + 30 * DAY and after.state == "notice_published"
    withdraw(Publication.objects.get(reference="L-1"), reception)
    assert reload(case).refresh_due_at is None and reload(case).notice_met_at is None


def test_the_case_page_asks_for_a_reason_and_shows_the_withdrawal_in_its_history(client_as, case, reception,
                                                                                  publish):
    publish(case, reception, when=case.stay.arrived_at + HOUR)
    p = Publication.objects.get()
    client = client_as(reception)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f'<label for="withdraw-reason-{p.pk}">' in page and f'id="withdraw-reason-{p.pk}" name="reason"' in page
    assert "<details" in page
    client.post(f"/tracing/publications/{p.pk}/withdraw/", {"reason": "网站链接失效"})
    page = client.get(case.get_absolute_url()).content.decode()
    history = page[page.index('class="timeline"'):]
    assert "网站链接失效" in history and "Withdraw" in history


def test_family_found_keeps_the_deadline_met(case, reception, supervisor, publish):
    publish(case, reception, when=case.stay.arrived_at + HOUR)
    met = reload(case).notice_met_at
    find_family(case=reload(case), by=supervisor, reason="家属来电", channel="dna")
    assert reload(case).notice_met_at == met and Publication.objects.get().state == "withdrawn"
