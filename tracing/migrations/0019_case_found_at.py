"""TracingCase.found_at: the time the person was found (the arrival's), on the case so that the
published notices are listed newest first from one index; filled from each case's arrival."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    TracingCase = apps.get_model("tracing", "TracingCase")
    Stay = apps.get_model("shelter", "Stay")
    db = schema_editor.connection.alias
    arrival = Stay.objects.using(db).filter(pk=OuterRef("arrival_id")).values("arrived_at")[:1]
    TracingCase.objects.using(db).update(found_at=Subquery(arrival))


class Migration(migrations.Migration):

    dependencies = [
        ("tracing", "0018_publication_withdrawal_entered_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="tracingcase",
            name="found_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="time found"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="tracingcase",
            name="found_at",
            field=models.DateTimeField(editable=False, verbose_name="time found"),
        ),
        migrations.AddIndex(
            model_name="tracingcase",
            index=models.Index(fields=["found_at", "id"], name="tc_found_at"),
        ),
    ]
