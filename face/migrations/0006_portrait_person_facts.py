"""The person's searched facts copied onto each portrait (face.models.PERSON_FACTS), filled here for the
portraits already on file, and one partial HNSW index per station on PostgreSQL: face searches filter
on the portrait row itself (docs/architecture.md, "Filtered face search")."""

import django.db.models.deletion
from django.db import migrations, models


def station_index_sql(station_id):
    """As face.search_backends.pgvector_backend.station_index_sql (copied: a migration stays as written)."""
    return (f"CREATE INDEX IF NOT EXISTS face_portrait_encoding_hnsw_station_{int(station_id)} ON face_portrait "
            f"USING hnsw (encoding vector_l2_ops) WITH (m = 16, ef_construction = 64) "
            f"WHERE person_station_id = {int(station_id)}")

FACTS = {"person_station_id": "station_id", "person_sex": "sex", "person_date_of_birth": "date_of_birth",
         "person_age_min": "age_min", "person_age_max": "age_max"}


def station_indexes(apps, schema_editor):
    """One partial HNSW index per station (face.search_backends.pgvector_backend.station_index_sql)."""
    if schema_editor.connection.vendor == "postgresql":
        Station = apps.get_model("shelter", "Station")
        for pk in Station.objects.using(schema_editor.connection.alias).values_list("pk", flat=True):
            schema_editor.execute(station_index_sql(pk))


def drop_station_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        Station = apps.get_model("shelter", "Station")
        for pk in Station.objects.using(schema_editor.connection.alias).values_list("pk", flat=True):
            schema_editor.execute(f"DROP INDEX IF EXISTS face_portrait_encoding_hnsw_station_{int(pk)}")


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
        migrations.RunPython(station_indexes, drop_station_indexes),
    ]
