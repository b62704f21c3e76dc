"""Inspection that acts (issue 21, item 6): a missing monthly inspection reminds the station head once
and shows on the bureau's view; the inspector records findings on a station, each with an owner and a
fix-by date, each a problem in that station's list; the bureau sees which are overdue and is told when
they are fixed."""

import datetime

import pytest
from django.utils import timezone

from lib import workflow
from oversight import checks, problem_sweep
from oversight.models import Problem, ProblemKind, ProblemState
from oversight.services import FindingRefused, file_inspection, fix_finding, record_finding
from shelter.models import Notification


@pytest.fixture
def inspector(make_user):
    return make_user("inspector", "inspector", None)


def test_a_missing_inspection_reminds_the_station_head_once_and_filing_it_closes_it(
        station, other_station, supervisor, head, inspector, client_as):
    now = timezone.now()
    month = checks.inspection_month(now)
    file_inspection(station=other_station, month=month, items="台账", findings="", by=supervisor)
    told = problem_sweep.inspections(now)
    assert problem_sweep.inspections(now) == []  # a second sweep: nobody told twice
    assert [(s, r, m) for s, r, m in told] == [(station, [head], f"{month:%Y-%m}")]
    [note] = Notification.objects.filter(kind="inspection_missing")
    assert note.user == head and f"{month:%Y-%m}" in note.subject
    [problem] = Problem.objects.filter(kind=ProblemKind.INSPECTION_MISSING)
    assert problem.station == station and problem.owner == head and problem.state == ProblemState.OPEN
    # The bureau's view: the inspector sees the month missing, and when the head was told.
    page = client_as(inspector).get("/oversight/inspections/findings/")
    assert page.status_code == 200 and list(page.context["missing"]) == [problem]
    # The data-quality sweep does not close it; filing the month does.
    problem_sweep.run(now)
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN
    file_inspection(station=station, month=month, items="台账", findings="", by=supervisor)
    problem.refresh_from_db()
    assert problem.state == ProblemState.FIXED
    problem_sweep.inspections(now)
    assert Problem.objects.filter(kind=ProblemKind.INSPECTION_MISSING).count() == 1


def test_the_inspection_is_due_a_week_into_the_next_month():
    zone = checks.figures.station_zone()
    assert checks.inspection_month(datetime.datetime(2026, 12, 5, 12, tzinfo=zone)) == datetime.date(2026, 10, 1)
    assert checks.inspection_month(datetime.datetime(2026, 12, 9, 12, tzinfo=zone)) == datetime.date(2026, 11, 1)


def test_the_inspector_records_a_finding_the_owner_fixes_it_and_the_inspector_is_told(
        station, other_station, reception, supervisor, inspector, make_user, client_as):
    fix_by = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    response = client_as(inspector).post("/oversight/inspections/findings/", {
        "station": station.pk, "text": "寻亲公告未按月更新", "owner": reception.pk, "fix_by": fix_by})
    assert response.status_code == 302
    [finding] = Problem.objects.filter(kind=ProblemKind.INSPECTION_FINDING)
    assert (finding.station, finding.owner, finding.raised_by, finding.params["text"]) == (
        station, reception, inspector, "寻亲公告未按月更新")
    assert timezone.localtime(finding.fix_by).date().isoformat() == fix_by
    # In the station's problem list, its owner told at once (and not again by the sweep).
    assert finding in client_as(supervisor).get("/oversight/problems/").context["page"]
    assert Problem.objects.for_user(make_user("sz", "supervisor", other_station)).filter(pk=finding.pk).count() == 0
    assert [n.user for n in Notification.objects.filter(kind="finding_new")] == [reception]
    problem_sweep.run()
    assert not Notification.objects.filter(kind="problem_new").exists()
    # The inspector does not fix it; the owner does, saying what was done.
    with pytest.raises(workflow.WorkflowError):
        fix_finding(problem=finding, by=inspector, note="已更新")
    response = client_as(reception).post(f"/oversight/problems/{finding.pk}/fixed/", {"note": "已补发本月公告"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.state, finding.fixed_by, finding.fix_note) == (ProblemState.FIXED, reception, "已补发本月公告")
    [told] = Notification.objects.filter(kind="finding_fixed")
    assert told.user == inspector and station.name in told.subject
    page = client_as(inspector).get("/oversight/inspections/findings/").content.decode()
    assert "已补发本月公告" in page


def test_the_bureau_sees_which_findings_are_overdue(station, reception, inspector, client_as):
    finding = record_finding(station=station, text="物品清点不全", owner=reception,
                             fix_by=timezone.now() + datetime.timedelta(days=1), by=inspector)
    Problem.objects.filter(pk=finding.pk).update(fix_by=timezone.now() - datetime.timedelta(days=1))
    page = client_as(inspector).get("/oversight/inspections/findings/")
    assert page.context["overdue"] == 1 and "overdue" in page.content.decode()


def test_a_finding_needs_an_owner_of_that_station_a_date_to_come_and_words(
        station, other_station, reception, inspector, make_user, client_as):
    stranger = make_user("sz-staff", "reception", other_station)
    later = timezone.now() + datetime.timedelta(days=3)
    for kwargs, field in (({"owner": stranger, "fix_by": later, "text": "x"}, "owner"),
                          ({"owner": reception, "fix_by": timezone.now(), "text": "x"}, "fix_by"),
                          ({"owner": reception, "fix_by": later, "text": " "}, "text")):
        with pytest.raises(FindingRefused) as e:
            record_finding(station=station, by=inspector, **kwargs)
        assert e.value.field == field
    response = client_as(inspector).post("/oversight/inspections/findings/", {
        "station": station.pk, "text": "台账不全", "owner": stranger.pk,
        "fix_by": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()})
    assert response.status_code == 400 and "active member of the station" in response.content.decode()
    assert not Problem.objects.filter(kind=ProblemKind.INSPECTION_FINDING).exists()


def test_only_the_inspector_and_administrators_record_findings(station, supervisor, head, client_as):
    for user in (supervisor, head):
        assert client_as(user).post("/oversight/inspections/findings/", {}).status_code == 403
        assert client_as(user).get("/oversight/inspections/findings/").status_code == 200
