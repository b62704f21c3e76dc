"""Stays registered before family tracing existed get their case too: every open stay whose identity
is not confirmed, with the deadlines the rules give from its arrival (overdue ones show at once)."""

from django.db import migrations


def open_cases(apps, schema_editor):
    from tracing.models import TracingCase as Rules  # the deadline rules: plain functions of the arrival

    db = schema_editor.connection.alias  # the database being migrated, not always "default"
    Stay = apps.get_model("shelter", "Stay")
    TracingCase = apps.get_model("tracing", "TracingCase")
    stays = (
        Stay.objects.using(db).filter(state__in=["reception", "in_care"], tracing_case__isnull=True)
        .exclude(identity="confirmed").select_related("person")
    )
    cases = []
    # Later the case keeps the stay that opened it (0015) and when the person was found (0019): set when
    # this runs on a later schema.
    fields = {f.name for f in TracingCase._meta.get_fields()}
    for stay in stays.iterator():
        arrived = stay.arrived_at
        notice, dna = Rules.notice_due(arrived), Rules.dna_due(arrived)
        cases.append(TracingCase(
            stay=stay, station_id=stay.person.station_id, opened_at=stay.entered_at,
            notice_due_at=notice, notice_warn_at=Rules.warn_from(arrived, notice),
            dna_due_at=dna, dna_warn_at=Rules.warn_from(arrived, dna),
            **({"arrival": stay} if "arrival" in fields else {}),
            **({"found_at": arrived} if "found_at" in fields else {}),
        ))
    TracingCase.objects.using(db).bulk_create(cases, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("shelter", "0001_initial"),
        ("tracing", "0002_sweep_indexes"),
    ]

    operations = [migrations.RunPython(open_cases, migrations.RunPython.noop)]
