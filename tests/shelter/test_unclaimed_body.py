"""The body (issue 22): an unclaimed body is recorded (where it is kept, the police told), has a claim
deadline (BODY_CLAIM_DAYS) reminded once before it, then is claimed (by whom, the proof) or disposed of
with the approval and its reference; an unidentified person's only after the notice for the unidentified
deceased. A django-fsm workflow on Body."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lib.workflow import WorkflowError
from shelter import sweep
from shelter.models import Body, BodyState, Death, Identity, Notification, StateLog, Stay
from shelter.services import body_step, record_body, record_death

DAY = datetime.timedelta(days=1)


@pytest.fixture
def death(stay, reception, scan):
    arrived = timezone.now() - 40 * DAY
    Stay.objects.filter(pk=stay.pk).update(arrived_at=arrived)
    stay.arrived_at = arrived
    return record_death(stay=stay, by=reception, death=Death(
        died_at=timezone.now() - 20 * DAY, place="站内", cause="病故", proof_kind="medical", proof=scan("cert.pdf"),
        late_reason="补录"))


def keep(death, by, since=None):
    since = since or death.died_at + datetime.timedelta(hours=3)
    return record_body(death=death, by=by, body=Body(
        kept_at="广州市殡仪馆", kept_since=since, police_told_at=since, police_unit="天河派出所",
        police_reference="穗公2026-77", late_reason="补录"))


def test_an_unclaimed_body_has_a_claim_deadline_of_15_days_a_setting(death, reception, settings):
    settings.BODY_CLAIM_DAYS = 15
    body = keep(death, reception)
    assert body.state == BodyState.KEPT
    assert body.claim_due_at == body.kept_since + 15 * DAY
    assert body.entered_by == reception and body.entered_at > body.kept_since
    settings.BODY_CLAIM_DAYS = 30
    Body.objects.all().delete()
    assert keep(death, reception).claim_due_at == death.died_at + datetime.timedelta(hours=3) + 30 * DAY


def test_the_police_must_be_told(death, reception):
    with pytest.raises(ValidationError) as e:
        record_body(death=death, by=reception, body=Body(kept_at="殡仪馆", kept_since=death.died_at, late_reason="补"))
    assert {"police_told_at", "police_unit"} <= set(e.value.message_dict)


def test_a_reminder_goes_out_once_before_the_claim_deadline(death, reception, supervisor, settings):
    settings.BODY_CLAIM_WARN_DAYS = 3
    body = keep(death, reception, since=timezone.now() - DAY)
    assert sweep.body_claims(timezone.now()) == []
    before = body.claim_due_at - 2 * DAY
    assert sweep.body_claims(before) == [body]
    assert sweep.body_claims(before + DAY) == []
    assert Notification.objects.filter(kind="body_claim_due", user=supervisor).count() == 1


def test_a_claimed_body_is_no_longer_chased(death, reception, supervisor, scan):
    body = keep(death, reception, since=timezone.now() - DAY)
    body_step(body=body, step="claim", by=reception, claimed_at=timezone.now(), claimant="王建国", relation="儿子",
              id_number="", proof=scan("claim.pdf"))
    body.refresh_from_db()
    assert body.state == BodyState.CLAIMED and body.claimant_name == "王建国" and body.claim_proof
    assert body.closed_entered_at and body.closed_by == reception
    assert sweep.body_claims(body.claim_due_at + DAY) == []
    assert StateLog.for_object(body).filter(transition="claim").exists()


def test_a_claim_needs_who_and_the_proof(death, reception):
    body = keep(death, reception)
    with pytest.raises(ValidationError) as e:
        body_step(body=body, step="claim", by=reception, claimed_at=timezone.now(), claimant="", relation="")
    assert {"claimant_name", "claimant_relation", "claim_proof"} <= set(e.value.message_dict)
    assert Body.objects.get(pk=body.pk).state == BodyState.KEPT


def test_no_disposal_before_the_claim_deadline(death, reception):
    Stay.objects.filter(pk=death.stay_id).update(identity=Identity.CONFIRMED)
    body = keep(death, reception, since=timezone.now() - DAY)
    with pytest.raises(ValidationError) as e:
        body_step(body=body, step="dispose", by=reception, disposed_at=timezone.now(), disposal="火化",
                  approved_by="天河区民政局", approval_reference="天民〔2026〕9号")
    assert "claim deadline" in " ".join(e.value.message_dict["disposed_at"])


def test_an_unidentified_body_is_disposed_of_only_after_the_notice(death, reception):
    body = keep(death, reception)  # kept 20 days ago: the deadline has passed
    dispose = {"disposed_at": timezone.now(), "disposal": "火化", "approved_by": "天河区民政局",
               "approval_reference": "天民〔2026〕9号"}
    with pytest.raises(ValidationError) as e:
        body_step(body=body, step="dispose", by=reception, **dispose)
    assert "notice for the unidentified deceased" in " ".join(e.value.messages)
    body_step(body=body, step="record_notice", by=reception, published_at=timezone.now() - DAY,
              reference="全国救助寻亲网 无名尸体认领启事 2026-118")
    body_step(body=body, step="dispose", by=reception, **dispose)
    body.refresh_from_db()
    assert body.state == BodyState.DISPOSED and body.approval_reference == "天民〔2026〕9号"
    assert body.notice_entered_at is not None


def test_a_disposal_needs_the_approval_and_its_reference(death, reception):
    Stay.objects.filter(pk=death.stay_id).update(identity=Identity.CONFIRMED)
    body = keep(death, reception)
    with pytest.raises(ValidationError) as e:
        body_step(body=body, step="dispose", by=reception, disposed_at=timezone.now(), disposal="火化",
                  approved_by="", approval_reference="")
    assert {"approved_by", "approval_reference"} <= set(e.value.message_dict)


def test_a_claimed_body_cannot_then_be_disposed_of(death, reception, scan):
    body = keep(death, reception)
    body_step(body=body, step="claim", by=reception, claimed_at=timezone.now(), claimant="王建国", relation="儿子",
              proof=scan("claim.pdf"))
    with pytest.raises(WorkflowError):
        body_step(body=body, step="dispose", by=reception, disposed_at=timezone.now(), disposal="火化",
                  approved_by="x", approval_reference="y")


def test_the_page_records_the_body_and_the_claim_and_the_head_only_reads(death, client_as, reception, head, scan):
    client = client_as(reception)
    at = timezone.localtime(death.died_at + DAY).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("shelter:body", args=[death.stay_id]), {
        "body-kept_at": "广州市殡仪馆", "body-kept_since": at, "body-police_told_at": at,
        "body-police_unit": "天河派出所", "body-late_reason": "补录"})
    assert response.status_code == 302
    body = Body.objects.get(death=death)
    page = client.get(reverse("shelter:death_report", args=[death.stay_id])).content.decode()
    assert "广州市殡仪馆" in page and body.claim_due_at.astimezone().strftime("%Y-%m-%d") in page
    # A claim missing its proof comes back with what was typed.
    url = reverse("shelter:body_step", args=[death.stay_id, "claim"])
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"claim-claimed_at": now, "claim-claimant": "王建国", "claim-relation": "儿子"})
    assert response.status_code == 200 and "王建国" in response.content.decode()
    response = client.post(url, {"claim-claimed_at": now, "claim-claimant": "王建国", "claim-relation": "儿子",
                                 "claim-proof": scan("claim.pdf")})
    assert response.status_code == 302 and Body.objects.get(pk=body.pk).state == BodyState.CLAIMED
    proof = client.get(reverse("shelter:document", args=["body", body.pk]))
    assert proof.status_code == 200 and proof["Content-Type"] == "application/pdf"
    head_client = client_as(head)
    assert head_client.get(reverse("shelter:death_report", args=[death.stay_id])).status_code == 200
    assert head_client.post(url, {}).status_code == 403


def test_the_board_shows_a_body_past_its_claim_deadline(death, reception, client_as, supervisor):
    keep(death, reception)
    page = client_as(supervisor).get(reverse("oversight:board")).content.decode()
    assert "bodies-overdue" in page and "广州市殡仪馆" in page
