"""The monthly inspection register (工作检查登记表): a supervisor files the month's check with the open
problems attached; the station head sees the months without one."""

import datetime

import pytest
from django.utils import timezone

from oversight import problem_sweep
from oversight.models import MonthlyInspection
from oversight.selectors import missing_inspections
from oversight.services import InspectionRefused, file_inspection


def test_a_supervisor_files_the_month_with_the_open_problems_attached(station, reception, supervisor, arrive):
    arrive(station, reception, arrived_at=timezone.now() - datetime.timedelta(days=3))
    problem_sweep.run()
    month = timezone.localdate().replace(day=1)
    inspection = file_inspection(station=station, month=month, items="台账、公告", findings="两条问题", by=supervisor)
    assert inspection.problems.count() == 2
    with pytest.raises(InspectionRefused):
        file_inspection(station=station, month=month, items="again", findings="", by=supervisor)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    with pytest.raises(InspectionRefused):
        file_inspection(station=station, month=next_month, items="x", findings="", by=supervisor)
    assert month not in missing_inspections(station)
    assert len(missing_inspections(station)) == 11


def test_the_register_page_shows_the_head_the_missing_months_and_lets_only_supervisors_file(
        station, supervisor, head, client_as):
    this_month = timezone.localdate().replace(day=1)
    page = client_as(head).get("/oversight/inspections/")
    assert page.status_code == 200
    [(_station, months)] = page.context["missing"]
    assert months[0] == this_month and len(months) == 12
    assert client_as(head).post("/oversight/inspections/", {}).status_code == 403
    response = client_as(supervisor).post("/oversight/inspections/", {
        "station": station.pk, "month": timezone.localdate().isoformat(), "items": "台账登记", "findings": ""})
    assert response.status_code == 302
    assert MonthlyInspection.objects.get().month == this_month
    again = client_as(supervisor).post("/oversight/inspections/", {
        "station": station.pk, "month": timezone.localdate().isoformat(), "items": "台账登记"})
    assert again.status_code == 400 and MonthlyInspection.objects.count() == 1
    [(_station, months)] = client_as(head).get("/oversight/inspections/").context["missing"]
    assert this_month not in months
