"""The search keys of every file's name and aliases (shelter.models.PersonNameKey), filled here for the
files already on the register: the description search looks names up by an index (docs/architecture.md,
"Description search")."""

import django.db.models.deletion
from django.db import migrations, models

from lib.names import name_keys


def fill_keys(apps, schema_editor):
    alias = schema_editor.connection.alias
    Person, PersonNameKey = apps.get_model("shelter", "Person"), apps.get_model("shelter", "PersonNameKey")
    batch = []
    for pk, name, aliases in Person.objects.using(alias).values_list("pk", "name", "aliases").iterator(chunk_size=5000):
        batch += [PersonNameKey(person_id=pk, key=key) for key in name_keys(name, aliases)]
        if len(batch) >= 5000:
            PersonNameKey.objects.using(alias).bulk_create(batch)
            batch = []
    PersonNameKey.objects.using(alias).bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('shelter', '0016_person_last_arrival'),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonNameKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(db_index=True, max_length=100)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_keys', to='shelter.person')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('person', 'key'), name='one_name_key_per_person')],
            },
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
