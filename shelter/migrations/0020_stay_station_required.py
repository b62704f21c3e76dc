"""The stay's station, filled by 0019, is required, and indexed with the arrival for the month's figures.
Apart from 0019: on PostgreSQL a table whose rows were just updated in the same transaction cannot be
altered (pending trigger events of the deferred foreign keys)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("shelter", "0019_stay_keeps_its_station"),
    ]

    operations = [
        migrations.AlterField(
            model_name="stay",
            name="station",
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="shelter.station", verbose_name="station"),
        ),
        migrations.AddIndex(
            model_name="stay",
            index=models.Index(fields=["station", "arrived_at"], name="stay_station_arrived"),
        ),
    ]
