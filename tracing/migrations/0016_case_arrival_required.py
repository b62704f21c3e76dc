"""The case's arrival, filled by 0015, is required (apart from 0015: on PostgreSQL a table whose rows were
just updated in the same transaction cannot be altered)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tracing", "0015_case_keeps_its_arrival"),
    ]

    operations = [
        migrations.AlterField(
            model_name="tracingcase",
            name="arrival",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="shelter.stay", verbose_name="arrival"),
        ),
    ]
