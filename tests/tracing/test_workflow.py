"""The tracing case: opened and closed with its stay, its workflow steps (allowed and refused), identity
queries, publications per channel and their withdrawal, the DNA referral, and history."""

import datetime
import importlib
import types

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from lib import workflow
from shelter.models import AuditEvent, Departure, SecondCheck, StateLog, Stay
from shelter.services import depart_stay, record_check
from tracing.models import DnaReferral, Publication, TracingCase
from tracing.services import close_case, find_family, record_result, record_sample, refresh_notice

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def case(station, reception, case_of, arrive):
    """A case whose person arrived two days ago (so times after the arrival are in the past)."""
    return case_of(arrive(station, reception, arrived_at=timezone.now() - 2 * DAY))


def reload(case):
    return TracingCase.objects.get(pk=case.pk)


def test_a_stay_without_confirmed_identity_opens_a_case_with_its_deadlines(stay, case_of):  # conftest's stay
    case = case_of(stay)
    assert case.state == "open" and case.station == stay.person.station
    assert case.notice_due_at == stay.arrived_at + 24 * HOUR
    assert case.dna_due_at == stay.arrived_at + 7 * DAY
    assert case.notice_warn_at == stay.arrived_at + 18 * HOUR  # last quarter of 24 h
    assert case.refresh_due_at is None  # starts with the first publication


@pytest.mark.parametrize("identity, opened", [("unknown", True), ("self_reported", True), ("confirmed", False)])
def test_only_unconfirmed_identities_are_traced(station, reception, identity, opened, arrive):
    stay = arrive(station, reception, identity=identity)
    assert TracingCase.objects.filter(stay=stay).exists() is opened


def test_the_intake_form_opens_the_case(client_as, reception, case_of):
    response = client_as(reception).post("/people/new/", {
        "p-sex": "F", "p-age_min": "70", "p-age_max": "80", "s-arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "s-found_place": "越秀公园东门", "s-brought_by": "police", "s-mental_state": "dementia", "s-identity": "unknown",
    })
    assert response.status_code == 302
    stay = Stay.objects.get()
    assert case_of(stay).state == "open"


def test_a_query_that_does_not_confirm_is_recorded_and_the_case_stays_open(case, reception, query):
    query(case, reception, result="no_result", kind="phone")
    case = reload(case)
    assert case.state == "open" and case.closed_at is None
    q = case.queries.get()
    assert (q.kind, q.result, q.entered_by) == ("phone", "no_result", reception)
    assert case.stay.identity == "unknown"


def test_a_confirming_query_confirms_the_identity_closes_the_case_and_withdraws_the_notice_once_checked(
        case, reception, supervisor, publish, query):
    publish(case, reception, channel="national")
    publish(reload(case), reception, channel="toutiao", reference="TT-1")
    # A face comparison is no basis for a confirmed identity.
    with pytest.raises(ValidationError) as e:
        query(reload(case), reception, result="confirmed", kind="face")
    assert "kind" in e.value.message_dict
    query(reload(case), reception, result="confirmed", kind="police_id")
    # Until someone else checks it, the person is unidentified for every clock.
    case = reload(case)
    assert case.state == "notice_published" and case.is_open
    assert Stay.objects.get(pk=case.stay_id).identity == "unknown"
    check = SecondCheck.objects.get(decision="identity")
    record_check(check=check, by=supervisor, agreed=True)
    case = reload(case)
    assert (case.state, case.close_cause) == ("closed", "identity")
    assert Stay.objects.get(pk=case.stay_id).identity == "confirmed"
    assert set(case.publications.values_list("state", flat=True)) == {"withdrawn"}
    assert all(p.withdrawn_at for p in case.publications.all())
    last = StateLog.for_object(case).last()
    assert (last.transition, last.source_state, last.state, last.by) == ("close", "notice_published", "closed", supervisor)


def test_confirming_the_identity_elsewhere_closes_the_case(case):
    stay = Stay.objects.get(pk=case.stay_id)
    stay.identity = "confirmed"
    stay.save()
    assert (reload(case).state, reload(case).close_cause) == ("closed", "identity")


def test_publishing_meets_the_notice_deadline_and_starts_the_monthly_refresh(case, reception, publish):
    when = case.stay.arrived_at + 5 * HOUR
    publish(case, reception, when=when)
    case = reload(case)
    assert case.state == "notice_published"
    assert case.notice_met_at == when
    assert case.refresh_due_at == when + 30 * DAY
    publish(case, reception, when=when + HOUR, channel="wechat", reference="WX-7")
    case = reload(case)
    assert case.state == "notice_published" and case.notice_met_at == when
    assert case.refresh_due_at == when + HOUR + 30 * DAY
    assert list(case.publications.values_list("channel", "state")) == [("national", "published"), ("wechat", "published")]


def test_a_refresh_on_a_channel_restarts_the_month(case, reception, supervisor, publish):
    publish(case, reception, when=case.stay.arrived_at + HOUR)
    publication = Publication.objects.get()
    later = timezone.now()
    refresh_notice(publication=publication, by=reception, at=later)
    assert Publication.objects.get().state == "updated"
    assert reload(case).refresh_due_at == later + 30 * DAY
    log = StateLog.for_object(publication).get()
    assert (log.source_state, log.state, log.by) == ("published", "updated", reception)


def test_a_refresh_before_the_publication_is_refused(case, reception, publish):
    publish(case, reception, when=case.stay.arrived_at + 2 * HOUR)
    with pytest.raises(ValidationError):
        refresh_notice(publication=Publication.objects.get(), by=reception, at=case.stay.arrived_at + HOUR)
    assert Publication.objects.get().state == "published"


def test_a_publication_needs_a_reference_or_link_and_cannot_precede_the_arrival(case, reception, publish):
    with pytest.raises(ValidationError) as e:
        publish(case, reception, reference="")
    assert "reference" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        publish(case, reception, when=case.stay.arrived_at - HOUR)
    assert "published_at" in e.value.message_dict
    assert not Publication.objects.exists() and reload(case).state == "open"


def test_the_dna_steps_in_order(case, reception, refer):
    sent = timezone.now() - DAY
    refer(case, reception, when=sent)
    case = reload(case)
    assert case.state == "dna_referred" and case.dna_met_at == sent
    referral = case.dna_referral
    assert referral.reference_no == f"DNA-GZ-{timezone.localdate().year}-{case.pk:06d}"
    referral.mark_received(sent + HOUR, "民警 王")
    record_sample(case=case, by=reception, sampled_at=sent + 2 * HOUR, sampled_by="民警 王（天河派出所）",
                   database="national")
    record_result(case=case, by=reception, result="no_match", result_at=sent + 3 * HOUR)
    case = reload(case)
    assert case.state == "result_received"
    r = DnaReferral.objects.get()
    assert (r.received_by, r.sampled_by, r.database, r.result) == ("民警 王", "民警 王（天河派出所）", "national", "no_match")
    assert [log.state for log in StateLog.for_object(case)] == ["dna_referred", "dna_sampled", "result_received"]


def test_the_dna_sample_cannot_come_before_the_request(case, reception, refer):
    refer(case, reception)
    with pytest.raises(ValidationError) as e:
        record_sample(case=reload(case), by=reception, sampled_at=timezone.now() - DAY, sampled_by="x",
                       database="national")
    assert "sampled_at" in e.value.message_dict
    assert reload(case).state == "dna_referred"


@pytest.mark.parametrize("name, kwargs", [
    ("record_sample", {"sampled_at": None, "sampled_by": "x", "database": "national"}),
    ("record_result", {"result": "match", "result_at": None}),
])
def test_dna_steps_out_of_order_are_refused_with_a_message(case, reception, name, kwargs):
    with pytest.raises(workflow.WorkflowError) as e:
        workflow.apply(case, name, reception, **kwargs)
    assert "not possible now" in e.value.message
    assert reload(case).state == "open"


def test_a_second_dna_request_is_refused(case, reception, refer):
    refer(case, reception)
    with pytest.raises(workflow.WorkflowError):
        refer(reload(case), reception)
    assert DnaReferral.objects.count() == 1


def test_permissions_reception_traces_supervisor_closes_head_only_reads(case, reception, supervisor, head, publish):
    with pytest.raises(workflow.WorkflowError) as e:
        close_case(case=case, by=reception, reason="test")
    assert "not allowed" in e.value.message
    with pytest.raises(workflow.WorkflowError) as e:
        publish(case, head)
    assert "not allowed" in e.value.message
    close_case(case=case, by=supervisor, reason="transferred to the police")
    case = reload(case)
    assert (case.state, case.close_cause) == ("closed", "other")
    log = StateLog.for_object(case).get()
    assert (log.by, log.reason) == (supervisor, "transferred to the police")


def test_family_found_withdraws_every_publication_and_logs_each(case, reception, supervisor, publish):
    publish(case, reception, channel="national")
    publish(reload(case), reception, channel="newspaper", reference="羊城晚报 2025-10-02 A7")
    find_family(case=reload(case), by=supervisor, reason="儿子看到头条推送后来电", channel="toutiao")
    case = reload(case)
    assert (case.state, case.close_cause) == ("family_found", "family")
    for p in case.publications.all():
        assert p.state == "withdrawn"
        log = StateLog.for_object(p).get()
        assert (log.state, log.by, log.reason) == ("withdrawn", supervisor, "儿子看到头条推送后来电")
    with pytest.raises(workflow.WorkflowError):
        publish(case, reception, channel="tv")


def departure(kind="ticket", **kw):
    values = dict(kind=kind, destination="湖南省邵阳市", ticket_no="G1234", departed_at=timezone.now(),
                  receiver_name="李明", receiver_relation="儿子", receiver_id_number="11010519491231002X")
    values.update(kw)
    return Departure(**values)


def test_departure_home_with_the_family_counts_as_family_found(case, reception, publish):
    publish(case, reception)
    depart_stay(stay=Stay.objects.get(pk=case.stay_id), by=reception, departure=departure("family", found_channel="toutiao"))
    case = reload(case)
    assert (case.state, case.close_cause, case.found_channel) == ("family_found", "family", "toutiao")
    assert Publication.objects.get().state == "withdrawn"


def test_two_people_acting_on_one_case_at_once_cannot_both_win(case, reception, supervisor, refer):
    first, second = reload(case), reload(case)
    refer(first, reception)
    with pytest.raises(workflow.WorkflowError) as e:
        close_case(case=second, by=supervisor, reason="duplicate")
    assert "same moment" in e.value.message
    assert reload(case).state == "dna_referred"


def test_a_save_of_an_old_copy_never_clears_a_claimed_reminder(case, reception, publish):
    stale = reload(case)
    now = timezone.now()
    assert TracingCase.objects.filter(pk=case.pk).update(dna_at_risk_sent_at=now) == 1
    publish(stale, reception)  # saves the stale copy, loaded before the claim
    assert reload(case).dna_at_risk_sent_at == now


def test_the_person_file_shows_the_case_panel_and_timeline(client_as, reception, case, query, publish):
    query(case, reception)
    publish(reload(case), reception, channel="toutiao", reference="TT-99")
    page = client_as(reception).get(case.stay.person.get_absolute_url()).content.decode()
    assert f"/tracing/cases/{case.pk}/" in page
    assert "Identity query: police identity check, not confirmed" in page
    assert "Notice published: Toutiao" in page
    assert "Tracing case opened" in page
    assert f"/tracing/cases/{case.pk}/do/dna/" in page  # one click to the DNA request


def test_the_case_page_is_audited_and_hidden_from_other_stations(client_as, reception, case, other_station, make_user):
    assert client_as(reception).get(f"/tracing/cases/{case.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="view", person=case.stay.person, user=reception).exists()
    stranger = make_user("sz-reception", "reception", other_station)
    assert client_as(stranger).get(f"/tracing/cases/{case.pk}/").status_code == 404
    assert client_as(stranger).get(f"/tracing/cases/{case.pk}/notice.pdf").status_code == 404


def test_a_form_error_keeps_what_was_typed(client_as, reception, case):
    response = client_as(reception).post(f"/tracing/cases/{case.pk}/do/publish/", {
        "channel": "toutiao", "published_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "reference": "", "url": "",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the notice" in page and 'value="toutiao" selected' in page
    assert not Publication.objects.exists()


def test_publishing_through_the_page(client_as, reception, supervisor, case):
    data = {"channel": "toutiao", "published_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "reference": "TT-1"}
    # No main portrait: refused, until a supervisor records why the notice cannot wait for one.
    response = client_as(reception).post(f"/tracing/cases/{case.pk}/do/publish/", data)
    assert response.status_code == 400 and "has no main portrait" in response.content.decode()
    assert client_as(reception).get(f"/tracing/cases/{case.pk}/do/no-portrait/").status_code == 403
    response = client_as(supervisor).post(f"/tracing/cases/{case.pk}/do/no-portrait/", {"reason": "面部受伤，一周后补拍"})
    assert response.status_code == 302
    assert (reload(case).no_portrait_reason, reload(case).no_portrait_by) == ("面部受伤，一周后补拍", supervisor)
    response = client_as(reception).post(f"/tracing/cases/{case.pk}/do/publish/", data)
    assert response.status_code == 302
    assert reload(case).state == "notice_published"
    page = client_as(reception).get(f"/tracing/cases/{case.pk}/").content.decode()
    assert "<strong>Publish the notice</strong> open → notice published" in page


def test_a_step_not_possible_now_is_explained(client_as, reception, case):
    response = client_as(reception).get(f"/tracing/cases/{case.pk}/do/dna-sample/", follow=True)
    assert "not possible now" in response.content.decode()


def test_every_arrival_counts_from_its_own_time(station, reception, case_of, arrive):
    arrived = timezone.now() - datetime.timedelta(hours=30)
    case = case_of(arrive(station, reception, arrived_at=arrived))
    assert case.deadline_status("notice") == "overdue"
    assert case.deadline_status("dna") == "running"
    assert case.deadline_status("refresh") is None


def test_refresh_and_withdraw_through_the_page(client_as, reception, case, publish):
    publish(case, reception, when=case.stay.arrived_at + HOUR)
    p = Publication.objects.get()
    client = client_as(reception)
    too_early = timezone.localtime(case.stay.arrived_at).strftime("%Y-%m-%dT%H:%M")
    page = client.post(f"/tracing/publications/{p.pk}/update/", {f"p{p.pk}-at": too_early}, follow=True)
    assert "The refresh cannot be before the publication." in page.content.decode()
    assert Publication.objects.get().state == "published"
    now = timezone.localtime().replace(second=0, microsecond=0)
    client.post(f"/tracing/publications/{p.pk}/update/", {f"p{p.pk}-at": now.strftime("%Y-%m-%dT%H:%M")})
    assert Publication.objects.get().state == "updated"
    assert reload(case).refresh_due_at == now + 30 * DAY
    page = client.post(f"/tracing/publications/{p.pk}/withdraw/", follow=True).content.decode()
    assert "Say why the notice is withdrawn." in page and Publication.objects.get().state == "updated"
    client.post(f"/tracing/publications/{p.pk}/withdraw/", {"reason": "网站链接失效"})
    assert Publication.objects.get().state == "withdrawn"
    page = client.post(f"/tracing/publications/{p.pk}/withdraw/", {"reason": "再次"}, follow=True).content.decode()
    assert "not possible now" in page


def test_stays_registered_before_tracing_existed_get_their_case_by_migration(station, reception, arrive):
    migration = importlib.import_module("tracing.migrations.0003_open_cases_for_earlier_stays")
    open_stay = arrive(station, reception, arrived_at=timezone.now() - 30 * HOUR)
    confirmed = arrive(station, reception, identity="confirmed")
    TracingCase.objects.all().delete()  # as before the tracing app
    migration.open_cases(apps, types.SimpleNamespace(connection=connection))  # RunPython passes its schema editor
    case = TracingCase.objects.get()
    assert case.stay == open_stay and case.notice_due_at == open_stay.arrived_at + 24 * HOUR
    assert case.deadline_status("notice") == "overdue"
    assert not TracingCase.objects.filter(stay=confirmed).exists()


def test_receipt_by_the_police_is_recorded_once_and_never_overwritten(case, reception, refer):
    sent = timezone.now() - DAY
    refer(case, reception, when=sent)
    reload(case).dna_referral.mark_received(sent + HOUR, "民警 王")
    with pytest.raises(ValidationError) as e:
        reload(case).dna_referral.mark_received(sent + 2 * HOUR, "民警 李")
    assert "already recorded" in e.value.messages[0]
    r = DnaReferral.objects.get()
    assert (r.received_at, r.received_by) == (sent + HOUR, "民警 王")


def test_receipt_by_the_police_is_refused_on_a_closed_case(case, reception, supervisor, refer):
    refer(case, reception, when=timezone.now() - DAY)
    close_case(case=reload(case), by=supervisor, reason="transferred")
    with pytest.raises(ValidationError) as e:
        reload(case).dna_referral.mark_received(timezone.now() - HOUR, "民警 王")
    assert "case is closed" in e.value.messages[0]
    assert DnaReferral.objects.get().received_at is None


def test_a_posted_receipt_on_a_closed_case_is_refused_and_keeps_what_was_typed(client_as, case, reception, supervisor,
                                                                               refer):
    refer(case, reception, when=timezone.now() - DAY)
    close_case(case=reload(case), by=supervisor, reason="transferred")
    response = client_as(reception).post(f"/tracing/cases/{case.pk}/do/dna-received/", {
        "received_at": timezone.localtime(timezone.now() - HOUR).strftime("%Y-%m-%dT%H:%M"), "received_by": "民警 赵",
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert "case is closed" in page and 'value="民警 赵"' in page
    assert DnaReferral.objects.get().received_at is None


def test_a_second_posted_receipt_does_not_overwrite_the_first(client_as, case, reception, refer):
    sent = timezone.now() - DAY
    refer(case, reception, when=sent)
    reload(case).dna_referral.mark_received(sent + HOUR, "民警 王")
    response = client_as(reception).post(f"/tracing/cases/{case.pk}/do/dna-received/", {
        "received_at": timezone.localtime(sent + 2 * HOUR).strftime("%Y-%m-%dT%H:%M"), "received_by": "民警 李",
    })
    assert response.status_code == 400 and "already recorded" in response.content.decode()
    assert DnaReferral.objects.get().received_by == "民警 王"


@pytest.mark.parametrize("action, data", [
    ("publish", {"channel": "toutiao", "reference": "TT-2025-778", "url": ""}),
    ("dna", {"police_unit": "广州市公安局天河区分局"}),
])
def test_a_step_refused_by_the_workflow_keeps_what_was_typed(client_as, case, reception, supervisor, action, data):
    """The case closed while the form was open: the refusal is said above the form, which keeps the typing."""
    close_case(case=case, by=supervisor, reason="transferred")
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client_as(reception).post(f"/tracing/cases/{case.pk}/do/{action}/",
                                         {**data, "published_at": now, "sent_at": now})
    page = response.content.decode()
    assert response.status_code == 400
    assert "is not possible now" in page and "closed" in page
    assert all(f'value="{v}"' in page for k, v in data.items() if v and k != "channel")
    assert not Publication.objects.exists() and not DnaReferral.objects.exists()


def test_closing_refused_by_the_workflow_keeps_the_reason_typed(client_as, case, supervisor):
    find_family(case=case, by=supervisor, reason="family came", channel="report")
    response = client_as(supervisor).post(f"/tracing/cases/{case.pk}/do/close/",
                                          {"cause": "other", "reason": "moved to a care home"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not possible now" in page and "moved to a care home" in page


@pytest.mark.parametrize("typed, message", [("0001-01-01T00:00", "before 1900"), ("9999-12-31T23:59", "after 2100")])
def test_a_publication_out_of_the_registers_years_is_refused_beside_the_field(client_as, reception, case, typed,
                                                                              message):
    response = client_as(reception).post(f"/tracing/cases/{case.pk}/do/publish/", {
        "channel": "toutiao", "published_at": typed, "reference": "TT-1", "url": ""})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Publication.objects.exists()
