"""Publication.withdrawal_entered_at: when a withdrawal was entered, apart from the time it states, so
that the PFIF feed's expired records are the notices it stopped showing lately (indexed); the
withdrawals already made are taken as entered when they state."""

from django.db import migrations, models
from django.db.models import F


def fill(apps, schema_editor):
    Publication = apps.get_model("tracing", "Publication")
    Publication.objects.using(schema_editor.connection.alias).filter(withdrawn_at__isnull=False).update(
        withdrawal_entered_at=F("withdrawn_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("tracing", "0017_query_name_confirmed"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="withdrawal_entered_at",
            field=models.DateTimeField(blank=True, db_index=True, editable=False, null=True,
                                       verbose_name="withdrawal entered"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
