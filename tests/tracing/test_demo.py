"""`make run` loads the demo through `manage.py seed_demo`: every app's demo, through the same services
as the pages, and nothing twice."""

import datetime
from io import StringIO

from django.core.management import call_command

from face.models import Portrait
from shelter.models import Belonging, Person, Station, Stay
from tracing import figures
from tracing.models import Candidate, FamilyReport, TracingCase


def test_the_demo_loads_every_app_once(db, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    assert "Demo data loaded." in out.getvalue() and "gz-supervisor" in out.getvalue()
    assert set(Station.objects.values_list("code", flat=True)) == {"GZ", "FS"}
    assert set(Stay.objects.values_list("state", flat=True)) == {"reception", "in_care", "departed", "deceased"}
    # Registered as the intake page registers: by a staff member, with what the person carried.
    assert not Stay.objects.filter(entered_by__isnull=True).exists() and Belonging.objects.exists()
    assert TracingCase.objects.open().filter(notice_met_at__isnull=False).exists()
    assert Portrait.objects.filter(encoding__isnull=False).count() == 3
    assert FamilyReport.objects.count() == 2 and Candidate.objects.exists()
    people = Person.objects.count()
    # The month has something to show for this month and the last, and the inspector logs in.
    this = figures.this_month()
    last = (this - datetime.timedelta(days=1)).replace(day=1)
    month = figures.compute(None, last, this)
    for key in ("arrivals", "departures", "in_station", "payments", "families_found"):
        assert month.value(key, last) > 0, key  # the previous month's demo people (shelter.demo.PREVIOUS)
    assert month.value("in_station", this) > 0
    assert month.value("repeat_arrivals") == 2  # 黄海 came back, at GZ and at FS
    assert "inspector" in out.getvalue()

    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "already loaded" in again.getvalue() and Person.objects.count() == people
