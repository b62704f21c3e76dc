"""A database from before the last clocks (issue 22) migrates: its open cases get the police sample, the
household registration and the interview clocks from their records, and a stay whose next review was the
three-month one is planned again without it."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from shelter.models import Person, Station, Stay, User
from tracing.models import TracingCase

BEFORE = [("tracing", "0014_family_and_oversight_apart"), ("shelter", "0018_belonging_at_least_one")]
DAY = datetime.timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_open_cases_get_the_last_clocks_from_their_records():
    station = Station.objects.create(code="GZ", name="广州市救助管理站")
    user = User.objects.create_user("reception", password="pw", station=station)
    person = Person.objects.create(station=station, sex="M", age_min=60, age_max=70, created_by=user)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    now = timezone.now().replace(microsecond=0)
    arrived = now - 100 * DAY
    stay = old.get_model("shelter", "Stay").objects.create(
        person_id=person.pk, arrived_at=arrived, found_place="广州站", brought_by="police", state="in_care",
        review_point="three_months", review_due_at=arrived + 90 * DAY)
    case = old.get_model("tracing", "TracingCase").objects.create(
        stay=stay, station_id=station.pk, opened_at=arrived, notice_due_at=arrived + DAY, notice_warn_at=arrived,
        dna_due_at=arrived + 7 * DAY, dna_warn_at=arrived, dna_met_at=arrived + 5 * DAY, state="dna_referred")
    old.get_model("tracing", "DnaReferral").objects.create(case=case, reference_no="DNA-GZ-1", police_unit="白云分局",
                                                          sent_at=arrived + 5 * DAY)
    old.get_model("tracing", "Interview").objects.create(stay=stay, held_at=now - 10 * DAY, interviewer="李社工",
                                                        words="说不清")

    call_command("migrate", verbosity=0, interactive=False)

    case = TracingCase.objects.get(pk=case.pk)
    assert case.sample_due_at == arrived + 35 * DAY and case.sample_met_at is None
    assert case.deadline_status("sample") == "overdue"
    assert case.household_due_at == arrived + 90 * DAY and case.deadline_status("household") == "overdue"
    assert case.interview_due_at == now + 20 * DAY and case.deadline_status("interview") == "running"
    assert (case.interview_first_due_at, case.interview_first_at) == (arrived + 2 * DAY, now - 10 * DAY)
    stay = Stay.objects.get(pk=stay.pk)
    assert (stay.review_point, stay.review_due_at) == ("", None)
