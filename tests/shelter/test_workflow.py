"""The stay workflow: every transition allowed and refused, its history, and two people at once."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from lib import workflow
from shelter.models import Death, Departure, Notification, StateLog, Stay
from shelter.services import depart_stay, record_death


def departure(**kw):
    values = dict(kind="ticket", destination="湖南省邵阳市", ticket_no="G1234-05A", departed_at=timezone.now())
    values.update(kw)
    return Departure(**values)


@pytest.fixture
def death(scan):
    """death(): a death record with its proof, as the form makes it."""
    return lambda: Death(died_at=timezone.now(), place="站内医务室", cause="心脏骤停", proof_kind="medical",
                         proof=scan("cert.pdf"))


def reload(stay):
    return Stay.objects.get(pk=stay.pk)


def test_admit_moves_reception_to_in_care_and_logs_who_and_why(stay, reception):
    workflow.apply(stay, "admit", reception, reason="intake done")
    assert reload(stay).state == "in_care"
    log = StateLog.for_object(stay).get()
    assert (log.source_state, log.state, log.by, log.reason) == ("reception", "in_care", reception, "intake done")


def test_admit_is_refused_when_already_in_care(stay, reception):
    workflow.apply(stay, "admit", reception)
    with pytest.raises(workflow.WorkflowError) as e:
        workflow.apply(stay, "admit", reception)
    assert "already" in e.value.message
    assert StateLog.for_object(stay).count() == 1


def test_admit_needs_a_complete_intake(stay, reception):
    stay.found_place = ""
    with pytest.raises(workflow.WorkflowError) as e:
        workflow.apply(stay, "admit", reception)
    assert "not complete" in e.value.message
    assert reload(stay).state == "reception"


def test_station_head_may_read_but_not_admit(stay, head):
    with pytest.raises(workflow.WorkflowError) as e:
        workflow.apply(stay, "admit", head)
    assert "not allowed" in e.value.message


@pytest.mark.parametrize("start", ["reception", "in_care"])
def test_departure_from_an_open_stay(stay, reception, start):
    if start == "in_care":
        workflow.apply(stay, "admit", reception)
    phone = stay.belongings.create(item="手机", quantity=1)
    depart_stay(stay=stay, by=reception, departure=departure(), counted_out={phone.pk: ("returned", "")})
    stay = reload(stay)
    assert stay.state == "departed"
    assert stay.departure.entered_by == reception
    assert stay.belongings.get().returned_at is not None


@pytest.mark.parametrize("end", ["depart", "die"])
def test_no_transition_leaves_a_closed_stay(stay, reception, end, death):
    if end == "depart":
        depart_stay(stay=stay, by=reception, departure=departure())
    else:
        record_death(stay=stay, by=reception, death=death())
    for name, kwargs in (("admit", {}), ("depart", {"departure": departure()}), ("die", {"death": death()})):
        with pytest.raises(workflow.WorkflowError):
            workflow.apply(reload(stay), name, reception, **kwargs)
    assert Departure.objects.count() == (1 if end == "depart" else 0)
    assert Death.objects.count() == (1 if end == "die" else 0)


@pytest.mark.parametrize("kind, missing", [
    ("family", {"receiver_name", "receiver_relation", "receiver_id_number", "found_channel"}),
    ("ticket", {"destination", "ticket_no"}),
    ("transfer", {"destination", "receiver_name"}),
    ("escorted", {"destination", "escort_staff", "receiver_name"}),
    ("left", {"notes"}),
])
def test_each_kind_of_departure_asks_for_what_it_needs(stay, reception, kind, missing):
    with pytest.raises(ValidationError) as e:
        depart_stay(stay=stay, by=reception, departure=Departure(kind=kind, departed_at=timezone.now()))
    assert set(e.value.message_dict) == missing
    assert reload(stay).state == "reception"


def test_family_receiver_id_number_is_checked(stay, reception):
    bad = departure(kind="family", receiver_name="李明", receiver_relation="儿子", receiver_id_number="110105194912310021")
    with pytest.raises(ValidationError) as e:
        depart_stay(stay=stay, by=reception, departure=bad)
    assert "receiver_id_number" in e.value.message_dict


@pytest.mark.parametrize("typed, stored", [
    ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width: normalised
    ("\u2460\u24601010519491231002X", None),  # ①①: "11" under NFKC, then a wrong check digit: refused
    ("\u2167" + "1010519491231002X", None),  # Ⅷ: no digit, refused
])
def test_the_receivers_id_number_in_other_digits_is_normalised_or_refused(stay, reception, typed, stored):
    given = departure(kind="family", receiver_name="李明", receiver_relation="儿子", receiver_id_number=typed,
                      found_channel="interview")
    if stored is None:
        with pytest.raises(ValidationError) as e:
            depart_stay(stay=stay, by=reception, departure=given)
        assert "receiver_id_number" in e.value.message_dict
    else:
        depart_stay(stay=stay, by=reception, departure=given)
        assert Departure.objects.get().receiver_id_number == stored


def test_departure_before_arrival_is_refused(stay, reception):
    with pytest.raises(ValidationError):
        depart_stay(stay=stay, by=reception, departure=departure(departed_at=stay.arrived_at - datetime.timedelta(hours=1)))


def test_death_is_reported_at_once_to_supervisors_and_head(stay, reception, supervisor, head, settings,
                                                          django_capture_on_commit_callbacks, death):
    workflow.apply(stay, "admit", reception)
    with django_capture_on_commit_callbacks(execute=True):
        record_death(stay=stay, by=reception, death=death())
    stay = reload(stay)
    assert stay.state == "deceased"
    assert stay.death.reported_at is not None
    assert set(Notification.objects.filter(kind="death").values_list("user__username", flat=True)) == {"supervisor", "head"}
    assert sorted(m.to[0] for m in mail.outbox) == ["head@example.org", "supervisor@example.org"]
    assert settings.SITE_URL + stay.person.get_absolute_url() in mail.outbox[0].body
    with open(settings.SMS_FILE_PATH, encoding="utf-8") as f:
        assert "13800000002" in f.read()  # the supervisor's phone


def test_death_needs_proof(stay, reception, death):
    d = death()
    d.proof = None
    with pytest.raises(ValidationError) as e:
        record_death(stay=stay, by=reception, death=d)
    assert "proof" in e.value.message_dict
    assert reload(stay).state == "reception"


def test_two_people_discharging_at_once_cannot_both_win(stay, reception, supervisor, death):
    """Both loaded the stay while it was open; the second save finds the state changed and rolls back."""
    first, second = reload(stay), reload(stay)
    depart_stay(stay=first, by=reception, departure=departure(ticket_no="T-1"))
    with pytest.raises(workflow.WorkflowError) as e:
        record_death(stay=second, by=supervisor, death=death())
    assert "same moment" in e.value.message
    stay = reload(stay)
    assert stay.state == "departed" and stay.departure.ticket_no == "T-1"
    assert not Death.objects.exists()
    assert StateLog.for_object(stay).count() == 1


def test_state_cannot_be_set_by_hand(stay):
    with pytest.raises(AttributeError):
        stay.state = "departed"


def test_graph_transitions_draws_the_stay_workflow():
    out = StringIO()
    call_command("graph_transitions", "shelter.Stay", stdout=out)
    dot = out.getvalue()
    for source, target, name in (("reception", "in_care", "admit"), ("in_care", "departed", "depart"),
                                 ("reception", "deceased", "die")):
        assert f'state.{source}" -> "shelter.' in dot and f'state.{target}" [label={name}]' in dot


def test_a_death_is_reported_in_the_stations_language_whatever_the_reporters(stay, reception, supervisor, settings, death):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):
        record_death(stay=stay, by=reception, death=death())
    assert Notification.objects.get(user=supervisor).subject.startswith("死亡报告")
