"""A second pair of eyes (issue 21): a decision on an entry is taken by someone other than the one who made
it; self-approval is refused with a message naming who can approve; the night shift records it as awaiting
a second check, listed to the supervisors, reminded once, checked by someone else."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shelter import sweep
from shelter.models import CheckState, Decision, Notification, SecondCheck, SelfApprovalRefused, Service, Stay
from shelter.services import mark_late_seen, record_check


@pytest.fixture
def other_supervisor(station, make_user):
    return make_user("wang", "supervisor", station, first_name="王芳")


def late_service(stay, by):
    Stay.objects.filter(pk=stay.pk).update(arrived_at=timezone.now() - datetime.timedelta(days=3))
    service = Service(stay=Stay.objects.get(pk=stay.pk), kind="meal", given_at=timezone.now() - datetime.timedelta(days=2),
                      entered_by=by, late_reason="停电后补录")
    service.full_clean()
    service.save()
    return service


def test_the_list_of_decisions_is_one_list():
    assert set(Decision.values) == {"identity", "late_entry", "problem", "duplicate", "match", "case_closed",
                                    "stated_time"}


def test_a_supervisor_cannot_mark_their_own_late_entry_seen(client_as, supervisor, other_supervisor, stay):
    service = late_service(stay, supervisor)
    with pytest.raises(SelfApprovalRefused) as e:
        mark_late_seen(entry=service, by=supervisor)
    assert "王芳" in e.value.message  # names who can take it
    response = client_as(supervisor).post(reverse("shelter:late_seen", args=["service", service.pk]), follow=True)
    html = response.content.decode()
    assert "second pair of eyes" in html and "王芳" in html
    service.refresh_from_db()
    assert service.late_seen_at is None and not SecondCheck.objects.exists()
    # Someone else may.
    assert mark_late_seen(entry=service, by=other_supervisor)


def test_the_night_shift_records_it_as_awaiting_a_second_check(client_as, supervisor, other_supervisor, stay,
                                                                settings):
    service = late_service(stay, supervisor)
    client = client_as(supervisor)
    client.post(reverse("shelter:late_seen", args=["service", service.pk]), {"awaiting": "1"})
    service.refresh_from_db()
    assert service.late_seen_by == supervisor  # it takes effect
    check = SecondCheck.objects.get()
    assert (check.decision, check.state, check.entered_by, check.target) == (
        "late_entry", "pending", supervisor, service)
    assert "停电后补录" in client.get(reverse("shelter:checks")).content.decode()
    assert "1 decision awaits a second check" in client.get(reverse("oversight:board")).content.decode()
    # The one who decided cannot check it.
    with pytest.raises(SelfApprovalRefused):
        record_check(check=check, by=supervisor, agreed=True)
    # The sweep reminds the other supervisors once.
    later = timezone.now() + datetime.timedelta(hours=settings.SECOND_CHECK_REMIND_HOURS + 1)
    assert sweep.remind_checks(timezone.now()) == []
    assert sweep.remind_checks(later) == [check]
    assert sweep.remind_checks(later) == []
    told = Notification.objects.filter(kind="second_check_waiting")
    assert [n.user for n in told] == [other_supervisor]
    # Someone else checks it.
    response = client_as(other_supervisor).post(reverse("shelter:check", args=[check.pk]), {"agreed": "1"})
    assert response.status_code == 302
    check = SecondCheck.objects.get(pk=check.pk)
    assert check.state == CheckState.CHECKED and check.checked_by == other_supervisor


def test_a_second_check_that_disagrees_puts_the_late_entry_back_on_the_list(supervisor, other_supervisor, stay):
    service = late_service(stay, supervisor)
    mark_late_seen(entry=service, by=supervisor, awaiting=True)
    check = SecondCheck.objects.get()
    with pytest.raises(ValidationError):
        record_check(check=check, by=other_supervisor, agreed=False, reason=" ")
    record_check(check=SecondCheck.objects.get(), by=other_supervisor, agreed=False, reason="补录理由不足")
    service.refresh_from_db()
    assert service.late_seen_at is None
    assert SecondCheck.objects.get().state == CheckState.REJECTED


def test_after_a_second_check_disagrees_the_maker_cannot_take_the_decision_again_alone(supervisor,
                                                                                      other_supervisor, stay):
    """Not agreed, the decision is for someone else now: its maker recording it again as awaiting a
    second check is refused, naming who can take it (every decision of the list, in shelter.services.decide)."""
    service = late_service(stay, supervisor)
    mark_late_seen(entry=service, by=supervisor, awaiting=True)
    record_check(check=SecondCheck.objects.get(), by=other_supervisor, agreed=False, reason="补录理由不足")
    with pytest.raises(SelfApprovalRefused) as refused:
        mark_late_seen(entry=Service.objects.get(pk=service.pk), by=supervisor, awaiting=True)
    assert "did not agree" in refused.value.message and "王芳" in refused.value.message
    assert Service.objects.get(pk=service.pk).late_seen_at is None and SecondCheck.objects.count() == 1
    assert mark_late_seen(entry=Service.objects.get(pk=service.pk), by=other_supervisor)  # someone else may


def test_reception_cannot_give_a_second_check(client_as, reception, supervisor, stay):
    service = late_service(stay, supervisor)
    mark_late_seen(entry=service, by=supervisor, awaiting=True)
    check = SecondCheck.objects.get()
    assert client_as(reception).post(reverse("shelter:check", args=[check.pk]), {"agreed": "1"}).status_code == 403
