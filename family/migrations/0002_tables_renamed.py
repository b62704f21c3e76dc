"""The tables moved from tracing take family's names, and the content types (with the permissions and the
groups that hold them, and the transition log that points at them) follow the models."""

from django.db import migrations

from lib.moved_models import content_types_moved


class Migration(migrations.Migration):

    dependencies = [
        ('family', '0001_initial'),
        ('tracing', '0014_family_and_oversight_apart'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='candidate',
            table=None,
        ),
        migrations.AlterModelTable(
            name='familyreport',
            table=None,
        ),
        migrations.AlterModelTable(
            name='possibleduplicate',
            table=None,
        ),
        migrations.AlterModelTable(
            name='reportphoto',
            table=None,
        ),
        content_types_moved("tracing", "family", ['familyreport', 'reportphoto', 'candidate', 'possibleduplicate']),
    ]
