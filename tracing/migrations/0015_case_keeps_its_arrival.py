"""A tracing case keeps the stay whose arrival opened it (issue 21): the month's tracing figures count it
there, also after the case moved with an accepted transfer. Filled for the cases already kept: the first
stay of the chain of accepted transfers that led to the case's stay."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    TracingCase = apps.get_model("tracing", "TracingCase")
    Stay = apps.get_model("shelter", "Stay")
    TracingCase.objects.using(db).update(arrival_id=F("stay_id"))
    came_from = dict(Stay.objects.using(db).filter(transferred_from__isnull=False)
                     .values_list("pk", "transferred_from_id"))
    for case in TracingCase.objects.using(db).filter(stay_id__in=list(came_from)).only("pk", "stay_id"):
        first, seen = case.stay_id, set()
        while first in came_from and first not in seen:
            seen.add(first)
            first = came_from[first]
        TracingCase.objects.using(db).filter(pk=case.pk).update(arrival_id=first)


class Migration(migrations.Migration):

    dependencies = [
        ("shelter", "0020_stay_station_required"),
        ("tracing", "0014_family_and_oversight_apart"),
    ]

    operations = [
        migrations.AddField(
            model_name="tracingcase",
            name="arrival",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="shelter.stay", verbose_name="arrival"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
