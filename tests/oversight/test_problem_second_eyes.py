"""A problem accepted by a second pair of eyes (issue 21): a supervisor cannot accept a problem of their own
(its owner), unless recorded as awaiting a second check; one that disagrees opens it again."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from family.services import registered_apart
from oversight import problem_sweep
from oversight.models import Problem, ProblemKind, ProblemState
from oversight.services import accept_problem
from shelter.models import SecondCheck, SelfApprovalRefused
from shelter.services import record_check


@pytest.fixture
def own_problem(station, supervisor, arrive):
    stay = arrive(station, supervisor)
    problem = Problem.build(kind="no_portrait", key=f"no_portrait:stay:{stay.pk}", station_id=station.pk,
                            person_id=stay.person_id, stay_id=stay.pk, owner_id=supervisor.pk, now=timezone.now())
    problem.save()
    return problem


def test_a_supervisor_cannot_accept_their_own_problem(client_as, own_problem, supervisor, make_user, station):
    make_user("wang", "supervisor", station, first_name="王芳")
    with pytest.raises(SelfApprovalRefused) as e:
        accept_problem(problem=own_problem, by=supervisor, reason="家属不同意拍照")
    assert "王芳" in e.value.message
    response = client_as(supervisor).post(f"/oversight/problems/{own_problem.pk}/accept/",
                                          {"reason": "家属不同意拍照"}, follow=True)
    assert "second pair of eyes" in response.content.decode()
    assert Problem.objects.get().state == ProblemState.OPEN


def test_the_night_shift_accepts_it_awaiting_a_second_check(client_as, own_problem, supervisor, make_user, station):
    client_as(supervisor).post(f"/oversight/problems/{own_problem.pk}/accept/",
                               {"reason": "家属不同意拍照", "awaiting": "1"})
    assert Problem.objects.get().state == ProblemState.ACCEPTED  # it takes effect
    check = SecondCheck.objects.get()
    assert (check.decision, check.state, check.entered_by) == ("problem", "pending", supervisor)
    record_check(check=check, by=make_user("wang", "supervisor", station), agreed=False, reason="应补拍照片")
    problem = Problem.objects.get()
    assert problem.state == ProblemState.OPEN and problem.accepted_by is None and problem.closed_at is None
    assert problem.accepted_until is None  # the ledger no longer says "accepted until" of an open problem


def test_a_dismissal_given_its_second_check_raises_no_problem(station, reception, supervisor, arrive):
    one, two = arrive(station, reception), arrive(station, reception)
    registered_apart(person=two.person, duplicates=[SimpleNamespace(person=one.person)], by=reception)
    later = timezone.now() + datetime.timedelta(days=2)
    problem_sweep.run(later)
    assert Problem.objects.get(kind=ProblemKind.DUPLICATE_DISMISSED).state == ProblemState.OPEN
    record_check(check=SecondCheck.objects.get(decision="duplicate"), by=supervisor, agreed=True)
    problem_sweep.run(later)
    assert Problem.objects.get(kind=ProblemKind.DUPLICATE_DISMISSED).state == ProblemState.FIXED
