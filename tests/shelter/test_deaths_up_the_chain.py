"""Deaths up the chain (issue 22): the report to the civil-affairs bureau, and to the police when the death
was unnatural or the person unidentified, is a deadline (DEATH_REPORT_HOURS) chased by the sweep once, met
by the sendings recorded (each with the time it states and the time it was entered), shown on the board
and in the deaths ledger's 上报 columns."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from oversight import ledgers
from shelter import sweep
from shelter.models import Death, DeathReportSending, Identity, Notification, Stay
from shelter.services import record_death, record_death_report_sending

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def die(stay, reception, scan):
    stay.arrived_at = timezone.now() - datetime.timedelta(days=5)
    Stay.objects.filter(pk=stay.pk).update(arrived_at=stay.arrived_at)

    def record(at=None, unnatural=False, identity=None):
        if identity:
            Stay.objects.filter(pk=stay.pk).update(identity=identity)
            stay.identity = identity
        return record_death(stay=stay, by=reception, death=Death(
            died_at=at or timezone.now() - HOUR, place="广州市第一人民医院", cause="心脏骤停", proof_kind="medical",
            proof=scan("cert.pdf"), unnatural=unnatural, late_reason="补录"))
    return record


def send(death, kind, at, by, office="白云区民政局", reference="穗救死报〔2026〕3号"):
    return record_death_report_sending(by=by, sending=DeathReportSending(
        death=death, sent_at=at, recipient_kind=kind, recipient=office, method="传真", reference=reference,
        late_reason="补录"))


def test_a_natural_death_of_a_known_person_is_owed_to_the_bureau_within_24_hours(die, settings):
    settings.DEATH_REPORT_HOURS = 24
    death = die(identity=Identity.CONFIRMED)
    assert not death.police_needed
    assert death.report_due_at == death.died_at + datetime.timedelta(hours=24)
    assert death.report_missing() == ["civil_affairs"]


@pytest.mark.parametrize("unnatural, identity", [(True, Identity.CONFIRMED), (False, Identity.UNKNOWN)])
def test_an_unnatural_death_or_an_unidentified_person_is_owed_to_the_police_too(die, unnatural, identity):
    death = die(unnatural=unnatural, identity=identity)
    assert death.police_needed
    assert death.report_missing() == ["civil_affairs", "police"]


def test_the_deadline_is_a_setting(die, settings):
    settings.DEATH_REPORT_HOURS = 12
    death = die()
    assert death.report_due_at == death.died_at + datetime.timedelta(hours=12)


def test_the_deadline_is_met_when_every_office_owed_has_it(die, reception):
    death = die(at=timezone.now() - 5 * HOUR, identity=Identity.UNKNOWN)
    send(death, "civil_affairs", death.died_at + 2 * HOUR, reception)
    death.refresh_from_db()
    assert death.report_met_at is None
    police = send(death, "police", death.died_at + 3 * HOUR, reception, office="天河派出所")
    death.refresh_from_db()
    # Met when the last sending was entered (after the time it states), still within the deadline.
    assert death.report_met_at == police.entered_at and not death.report_late()
    # The sending keeps the time it states and the time the server entered it.
    assert police.entered_at > police.sent_at and police.entered_by == reception


def test_a_report_entered_after_the_deadline_with_an_on_time_date_is_late(die, reception):
    """No back-dating (issue 21): the deadline is judged by when the sending was entered."""
    death = die(at=timezone.now() - 30 * HOUR, identity=Identity.CONFIRMED)
    sending = send(death, "civil_affairs", death.died_at + 2 * HOUR, reception)
    death.refresh_from_db()
    assert sending.sent_at < death.report_due_at < sending.entered_at
    assert death.report_met_at == sending.entered_at and death.report_late()


def test_the_sweep_reminds_once_before_the_deadline_and_never_after_it_is_met(die, supervisor, head, settings):
    settings.DEATH_REPORT_HOURS, settings.DEATH_REPORT_WARN_HOURS = 24, 6
    death = die(at=timezone.now() - HOUR)
    assert sweep.death_reports(timezone.now()) == []  # 23 hours left: not yet
    later = death.report_due_at - 5 * HOUR
    assert sweep.death_reports(later) == [death]
    assert sweep.death_reports(later + HOUR) == []  # once
    told = Notification.objects.filter(kind="death_report_due")
    assert {n.user for n in told} == {supervisor, head}
    assert "civil-affairs bureau" in told.first().worded()[1] or "民政" in told.first().worded()[1]


def test_a_report_made_in_time_is_not_chased(die, reception, supervisor):
    death = die(identity=Identity.CONFIRMED)
    send(death, "civil_affairs", death.died_at + HOUR, reception)
    assert sweep.death_reports(death.report_due_at + HOUR) == []


def test_two_sweeps_claim_the_reminder_once(die, supervisor):
    death = die()
    now = death.report_due_at + HOUR
    assert death.claim_report_reminder(now)
    assert not Death.objects.get(pk=death.pk).claim_report_reminder(now)


def test_the_board_shows_the_report_due(die, client_as, supervisor):
    death = die(at=timezone.now() - 30 * HOUR)
    page = client_as(supervisor).get(reverse("oversight:board")).content.decode()
    assert "death-reports-overdue" in page and death.stay.person.file_no in page


def test_the_deaths_ledger_shows_the_sendings_not_the_internal_notification(die, reception, supervisor):
    death = die(at=timezone.now() - 40 * HOUR, identity=Identity.UNKNOWN)
    send(death, "civil_affairs", death.died_at + 2 * HOUR, reception)
    police = DeathReportSending(death=death, sent_at=death.died_at + 30 * HOUR, recipient_kind="police",
                                recipient="天河派出所", method="专人送达", reference="公通2026-5", late_reason="补录")
    record_death_report_sending(sending=police, by=reception)
    month = timezone.localdate(death.died_at).replace(day=1)
    row = ledgers.build("deaths", [death.stay.person.station_id], month, month).dicts()[0]
    assert "白云区民政局" in row["上报对象"] and "天河派出所" in row["上报对象"]
    assert "supervisor" not in row["上报对象"]
    assert "公通2026-5" in row["上报文号"] and "传真" in row["上报方式"] and "专人送达" in row["上报方式"]
    assert row["上报情况"] == "逾期"


def test_the_death_form_asks_whether_the_death_was_unnatural(client_as, reception, stay, scan):
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client_as(reception).post(reverse("shelter:death", args=[stay.pk]), {
        "died_at": at, "place": "站内", "cause": "坠楼", "unnatural": "on", "proof_kind": "police",
        "proof": scan("record.pdf")})
    assert Death.objects.get(stay=stay).police_needed


def test_the_file_shows_the_report_due_and_its_sendings_on_the_timeline(die, reception, client_as):
    death = die(at=timezone.now() - 5 * HOUR)
    client = client_as(reception)
    page = client.get(death.stay.person.get_absolute_url()).content.decode()
    assert timezone.localtime(death.report_due_at).strftime("%Y-%m-%d %H:%M") in page
    send(death, "civil_affairs", death.died_at + HOUR, reception)
    page = client.get(death.stay.person.get_absolute_url()).content.decode()
    assert "白云区民政局" in page and "穗救死报〔2026〕3号" in page


def test_the_periodic_task_and_the_command_chase_the_report(die, supervisor):
    die(at=timezone.now() - 30 * HOUR)
    call_command("check_deadlines")
    assert Notification.objects.filter(kind="death_report_due", user=supervisor).count() == 1
