"""Two people taking the same step at once: the second is told someone else was quicker (409), for
every step, never a server error or another step's message."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lib import workflow
from shelter.models import Death, Departure, Stay
from shelter.services import depart_stay, record_death
from tracing.services import close_case

CHANGED = "Someone else changed this record at the same moment"


def departure():
    return Departure(kind="ticket", departed_at=timezone.now(), destination="湖南省邵阳市", ticket_no="K9067")


@pytest.fixture
def record(scan):
    """record(step): what the step records, a departure or a death with its proof."""
    def record(step):
        if step == "depart":
            return {"departure": departure()}
        return {"death": Death(died_at=timezone.now(), place="医务室", cause="心脏骤停", proof_kind="medical",
                               proof=scan())}

    return record


@pytest.mark.parametrize("first, second", [("depart", "depart"), ("die", "die"), ("depart", "die")])
def test_the_second_of_two_steps_at_once_is_told_the_record_changed(stay, reception, record, first, second):
    """Both desks loaded the stay before either saved: the loser's copy is stale."""
    mine, theirs = Stay.objects.get(pk=stay.pk), Stay.objects.get(pk=stay.pk)
    {"depart": depart_stay, "die": record_death}[first](stay=theirs, by=reception, **record(first))
    with pytest.raises(workflow.WorkflowError) as refused:
        {"depart": depart_stay, "die": record_death}[second](stay=mine, by=reception, **record(second))
    assert CHANGED in refused.value.message and refused.value.conflict
    assert Departure.objects.count() + Death.objects.count() == 1


def test_the_page_of_the_loser_answers_409_and_keeps_the_form(client_as, reception, stay, monkeypatch):
    """The other desk departs the stay between this page's load and its save."""
    real = workflow.locked_state

    done = []

    def other_desk_first(obj):
        if not done and isinstance(obj, Stay):
            done.append(True)
            depart_stay(stay=Stay.objects.get(pk=obj.pk), by=reception, departure=departure())
        return real(obj)

    monkeypatch.setattr(workflow, "locked_state", other_desk_first)
    response = client_as(reception).post(reverse("shelter:depart", args=[stay.pk]), {
        "kind": "ticket", "departed_at": (timezone.localtime() + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
        "destination": "广西玉林", "ticket_no": "T123"})
    html = response.content.decode()
    # (The other desk's departure ran inside this request's transaction here, so it is rolled back with it.)
    assert response.status_code == 409 and CHANGED in html and "T123" in html


def test_a_tracing_step_lost_to_another_answers_409(client_as, supervisor, stay, monkeypatch):
    case = stay.tracing_case
    real = workflow.locked_state

    done = []

    def closed_meanwhile(obj):
        if not done and isinstance(obj, type(case)):
            done.append(True)
            close_case(case=type(case).objects.get(pk=case.pk), by=supervisor, reason="重复登记")
        return real(obj)

    monkeypatch.setattr(workflow, "locked_state", closed_meanwhile)
    response = client_as(supervisor).post(reverse("tracing:act", args=[case.pk, "family-found"]),
                                          {"reason": "儿子来电", "channel": "toutiao"})
    assert response.status_code == 409 and CHANGED in response.content.decode()


def test_a_button_step_lost_to_another_answers_409(client_as, reception, stay, monkeypatch):
    """Admit pressed on two desks: the second is told, with a way back to reload."""
    real = workflow.locked_state
    done = []

    def other_desk_first(obj):
        if not done and isinstance(obj, Stay):
            done.append(True)
            workflow.apply(Stay.objects.get(pk=obj.pk), "admit", reception)
        return real(obj)

    monkeypatch.setattr(workflow, "locked_state", other_desk_first)
    response = client_as(reception).post(reverse("shelter:transition", args=[stay.pk, "admit"]))
    html = response.content.decode()
    assert response.status_code == 409 and CHANGED in html and stay.person.get_absolute_url() in html
