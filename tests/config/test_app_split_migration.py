"""Family finding and oversight left tracing with their tables: a database at the layout before the split,
with rows in every moved table, migrates and keeps every row, every permission (and the groups that
hold it) and every reference of the transition log. Runs on SQLite and on PostgreSQL alike."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from family.models import Candidate, FamilyReport, PossibleDuplicate, ReportPhoto
from oversight.models import DataComparison, FinanceComparison, MonthlyInspection, Problem
from shelter.models import Person, StateLog, Station, User

BEFORE = [("tracing", "0013_candidate_clue_score"), ("shelter", "0017_person_name_keys"),
          ("face", "0006_portrait_person_facts")]
MOVED = {"familyreport": "family", "reportphoto": "family", "candidate": "family", "possibleduplicate": "family",
         "problem": "oversight", "datacomparison": "oversight", "monthlyinspection": "oversight",
         "financecomparison": "oversight"}


def migrate_back_to_before_the_split():
    """The database as it was: the moved models are tracing's again (tables, content types, permissions)."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    return MigrationExecutor(connection).loader.project_state(BEFORE).apps


def rows_at_the_old_layout(old, station, user, person, other):
    """One row in every moved table, written through the models as tracing had them."""
    now = timezone.now()
    report = old.get_model("tracing", "FamilyReport").objects.create(
        station_id=station.pk, taken_by_id=user.pk, reporter_name="张建国", reporter_relation="儿子",
        reporter_phone="13800000009", name="张德明", sex="M")
    photo = old.get_model("tracing", "ReportPhoto").objects.create(report=report, image="family/2026/11/a.jpg",
                                                                   uploaded_by_id=user.pk)
    candidate = old.get_model("tracing", "Candidate").objects.create(report=report, person_id=person.pk, score=0.9,
                                                                     photo=photo)
    warning = old.get_model("tracing", "PossibleDuplicate").objects.create(person_id=person.pk, other_id=other.pk,
                                                                           found_by="intake")
    problem = old.get_model("tracing", "Problem").objects.create(
        kind="no_portrait", severity=3, key=f"no_portrait:person:{person.pk}", station_id=station.pk,
        person_id=person.pk, fix_by=now + datetime.timedelta(days=1))
    comparison = old.get_model("tracing", "DataComparison").objects.create(
        station_id=station.pk, source="公安局", file_name="list.csv", uploaded_by_id=user.pk)
    inspection = old.get_model("tracing", "MonthlyInspection").objects.create(
        station_id=station.pk, month=datetime.date(2026, 10, 1), items="台账", signed_by_id=user.pk)
    inspection.problems.add(problem)
    finance = old.get_model("tracing", "FinanceComparison").objects.create(
        station_id=station.pk, month=datetime.date(2026, 10, 1), file_name="finance.xlsx", uploaded_by_id=user.pk,
        result={"matched": [{"receipt_no": "R1", "amount": str(Decimal("35.50"))}]})
    return {"familyreport": report, "reportphoto": photo, "candidate": candidate, "possibleduplicate": warning,
            "problem": problem, "datacomparison": comparison, "monthlyinspection": inspection,
            "financecomparison": finance}


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_keeps_every_row_permission_and_reference():
    station = Station.objects.create(code="GZ", name="广州市救助管理站")
    user = User.objects.create_user("supervisor", password="pw", station=station)
    person = Person.objects.create(station=station, sex="M", age_min=60, age_max=70, created_by=user)
    other = Person.objects.create(station=station, sex="M", age_min=60, age_max=70, created_by=user)

    old = migrate_back_to_before_the_split()
    OldContentType = old.get_model("contenttypes", "ContentType")
    # The moved models' types are tracing's again (a model added to family or oversight since keeps its own).
    assert not OldContentType.objects.filter(app_label__in=["family", "oversight"], model__in=MOVED).exists()
    rows = rows_at_the_old_layout(old, station, user, person, other)
    types = {model: OldContentType.objects.get(app_label="tracing", model=model) for model in MOVED}
    permissions = {model: old.get_model("auth", "Permission").objects.get(content_type=types[model],
                                                                         codename=f"view_{model}")
                   for model in MOVED}
    readers = old.get_model("auth", "Group").objects.create(name="bureau readers")
    readers.permissions.set(permissions.values())
    for model, row in rows.items():  # the transition log points at each record by its content type
        StateLog.objects.create(content_type_id=types[model].pk, object_id=row.pk, state="open", by=user)

    call_command("migrate", verbosity=0, interactive=False)

    tables = set(connection.introspection.table_names())
    assert {f"{app}_{model}" for model, app in MOVED.items()} | {"oversight_monthlyinspection_problems"} <= tables
    assert not {f"tracing_{model}" for model in MOVED} & tables
    report = FamilyReport.objects.get(pk=rows["familyreport"].pk)
    assert (report.reporter_name, report.name, report.station_id, report.taken_by_id) == ("张建国", "张德明",
                                                                                         station.pk, user.pk)
    assert ReportPhoto.objects.get(pk=rows["reportphoto"].pk).report == report
    assert Candidate.objects.get(pk=rows["candidate"].pk).person_id == person.pk
    assert PossibleDuplicate.objects.get(pk=rows["possibleduplicate"].pk).other_id == other.pk
    assert Problem.objects.get(pk=rows["problem"].pk).key == f"no_portrait:person:{person.pk}"
    assert DataComparison.objects.get(pk=rows["datacomparison"].pk).source == "公安局"
    inspection = MonthlyInspection.objects.get(pk=rows["monthlyinspection"].pk)
    assert list(inspection.problems.values_list("pk", flat=True)) == [rows["problem"].pk]
    assert FinanceComparison.objects.get(pk=rows["financecomparison"].pk).result["matched"][0]["amount"] == "35.50"

    group = Group.objects.get(name="bureau readers")
    for model, app in MOVED.items():
        permission = Permission.objects.get(pk=permissions[model].pk)  # the same row, now the new app's
        assert (permission.content_type.app_label, permission.codename) == (app, f"view_{model}")
        assert group.permissions.filter(pk=permission.pk).exists()
    assert user.has_perm("family.view_familyreport") is False  # not in the group: nothing widened
    user.groups.add(group)
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("family.view_familyreport") and user.has_perm("oversight.view_problem")

    models = {m._meta.model_name: m for m in (FamilyReport, ReportPhoto, Candidate, PossibleDuplicate, Problem,
                                              DataComparison, MonthlyInspection, FinanceComparison)}
    logs = StateLog.objects.filter(state="open", by=user).select_related("content_type")
    assert sorted(log.content_type.model for log in logs) == sorted(MOVED)
    for log in logs:
        assert isinstance(log.subject, models[log.content_type.model])
        assert log.subject.pk == rows[log.content_type.model].pk

    # New rows take the next numbers after the moved tables (the sequences followed their tables).
    again = FamilyReport.objects.create(station=station, taken_by=user, reporter_name="李梅", reporter_relation="女儿",
                                        reporter_phone="13800000010")
    assert again.pk > report.pk
