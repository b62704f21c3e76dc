"""The person's searched facts copied onto each portrait (face.models.PERSON_FACTS), filled here for the
portraits already on file: face searches filter on the portrait row itself (docs/architecture.md,
"Filtered face search")."""

import django.db.models.deletion
from django.db import migrations, models

FACTS = {"person_station_id": "station_id", "person_sex": "sex", "person_date_of_birth": "date_of_birth",
         "person_age_min": "age_min", "person_age_max": "age_max"}


def copy_facts(apps, schema_editor):
    Portrait, Person = apps.get_model("face", "Portrait"), apps.get_model("shelter", "Person")
    Portrait.objects.using(schema_editor.connection.alias).update(**{
        copy: models.Subquery(Person.objects.filter(pk=models.OuterRef("person_id")).values(fact)[:1])
        for copy, fact in FACTS.items()
    })


class Migration(migrations.Migration):

    dependencies = [
        ('face', '0005_queued_work_recorded'),
        ('shelter', '0014_phones_checked'),
    ]

    operations = [
        migrations.AddField(
            model_name='portrait',
            name='person_age_max',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='portrait',
            name='person_age_min',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='portrait',
            name='person_date_of_birth',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='portrait',
            name='person_sex',
            field=models.CharField(default='U', editable=False, max_length=1),
        ),
        migrations.AddField(
            model_name='portrait',
            name='person_station',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='shelter.station'),
        ),
        migrations.RunPython(copy_facts, migrations.RunPython.noop),
    ]
