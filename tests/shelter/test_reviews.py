"""Long stays are reviewed: an adult with no mental or intellectual disability past STAY_REVIEW_DAYS,
anyone unidentified past one month (three months is the household registration's own deadline, on the
tracing case: tests/tracing/test_last_clocks.py); each review records the reviewer, the
decision and the next review date; due and overdue reviews are on the board and reminded of once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from shelter import sweep
from shelter.models import Notification, ReviewError, Stay, StayReview
from shelter.services import confirm_identity, record_review
from tests.factories import PersonFactory, StayFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def resident(station, reception):
    """resident(days_ago, identity="unknown", mental="normal", ages=(40, 50)): a person in the station."""
    def resident(days_ago, identity="unknown", mental="normal", ages=(40, 50)):
        person = PersonFactory(station=station, sex="M", age_min=ages[0], age_max=ages[1], created_by=reception)
        return StayFactory(person=person, arrived_at=timezone.now() - days_ago * DAY, found_place="天河客运站",
                           identity=identity, mental_state=mental, entered_by=reception, staff_in_charge=reception)

    return resident


def review(stay, by, decision="keep", next_in=None, at=None, **kw):
    at = at or timezone.now()
    next_on = timezone.localtime(at + next_in).date() if next_in else None
    return record_review(review=StayReview(stay=stay, decision=decision, reviewed_at=at, next_review_on=next_on, **kw),
                         by=by)


def test_an_adult_without_disability_is_due_for_review_at_ten_days(resident):
    stay = resident(11, identity="confirmed")
    assert (stay.review_point, stay.review_due_at) == ("adult", stay.arrived_at + 10 * DAY)
    assert stay.review_overdue()
    assert resident(3, identity="confirmed").review_overdue() is False


def test_a_vulnerable_or_young_person_is_not_reviewed_at_ten_days(resident):
    assert resident(11, identity="confirmed", mental="dementia").review_due_at is None
    assert resident(11, identity="confirmed", ages=(12, 14)).review_due_at is None


def test_an_unidentified_person_is_reviewed_at_one_month_and_no_review_stands_for_the_household_registration(
        resident, supervisor):
    stay = resident(31, mental="dementia")
    assert (stay.review_point, stay.review_due_at) == ("one_month", stay.arrived_at + 30 * DAY)
    review(stay, supervisor, decision="household", notes="准备落户")
    stay.refresh_from_db()
    assert (stay.review_point, stay.review_due_at) == ("", None)  # the application is the case's step
    assert stay.tracing_case.household_met_at is None and stay.tracing_case.household_due_at is not None


def test_a_review_records_reviewer_decision_and_next_review_which_becomes_due(resident, supervisor):
    stay = resident(12, identity="confirmed")
    done = review(stay, supervisor, decision="keep", next_in=7 * DAY, notes="待家属来接")
    assert (done.reviewer, done.decision, done.point) == (supervisor, "keep", "adult")
    stay.refresh_from_db()
    assert stay.review_point == "next" and timezone.localtime(stay.review_due_at).date() == done.next_review_on


def test_keeping_someone_needs_a_next_review_date_and_only_a_supervisor_reviews(resident, supervisor, reception):
    stay = resident(12, identity="confirmed")
    with pytest.raises(ValidationError) as e:
        review(stay, supervisor, decision="keep")
    assert "next_review_on" in e.value.message_dict
    with pytest.raises(ReviewError):
        review(stay, reception, decision="hospital")
    assert not StayReview.objects.exists()


def test_confirming_the_identity_or_ending_the_stay_drops_the_reviews_owed(resident, reception):
    stay = resident(31, mental="dementia")
    confirm_identity(stay=stay)
    assert Stay.objects.get(pk=stay.pk).review_due_at is None


def test_due_and_overdue_reviews_are_on_the_board(resident, client_as, supervisor):
    overdue = resident(95, mental="dementia")  # past one month and three months, never reviewed
    soon = resident(29, mental="dementia")  # one month in a day
    later = resident(5, mental="dementia")
    page = client_as(supervisor).get(reverse("oversight:board")).content.decode()
    section = page.split('id="reviews-overdue"')[1].split("</section>")[0]
    assert overdue.person.file_no in section and soon.person.file_no not in section
    assert later.person.file_no not in section
    section = page.split('id="reviews-due"')[1].split("</section>")[0]
    assert soon.person.file_no in section and later.person.file_no not in section


def test_the_sweep_reminds_the_supervisors_once(resident, supervisor, reception):
    stay = resident(11, identity="confirmed")
    assert [s.pk for s in sweep.run()] == [stay.pk]
    assert sweep.run() == []
    assert list(Notification.objects.filter(kind="stay_review").values_list("user__username", flat=True)) == ["supervisor"]


def test_a_review_through_the_page(resident, client_as, supervisor):
    stay = resident(12, identity="confirmed")
    client = client_as(supervisor)
    url = reverse("shelter:review", args=[stay.pk])
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"reviewed_at": at, "decision": "keep", "notes": "等待车票"})
    assert response.status_code == 200 and "needs a date for the next review" in response.content.decode()
    next_on = (timezone.localdate() + 5 * DAY).isoformat()
    response = client.post(url, {"reviewed_at": at, "decision": "keep", "next_review_on": next_on, "notes": "等待车票"})
    assert response.status_code == 302
    page = client.get(stay.person.get_absolute_url()).content.decode()
    assert "keep in the station" in page and "等待车票" in page


def test_beat_schedules_the_review_sweep(resident):
    task = app.tasks[app.conf.beat_schedule["sweep-stay-reviews"]["task"]]
    stay = resident(11, identity="confirmed")
    assert task.delay().get() == 1
    assert Stay.objects.get(pk=stay.pk).review_reminded_at is not None
