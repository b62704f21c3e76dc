"""The tables moved from tracing take oversight's names, and the content types (with the permissions and the
groups that hold them, and the transition log that points at them) follow the models."""

from django.db import migrations

from lib.moved_models import content_types_moved


class Migration(migrations.Migration):

    dependencies = [
        ('oversight', '0001_initial'),
        ('tracing', '0014_family_and_oversight_apart'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='problem',
            new_name='oversight_p_station_d25044_idx',
            old_name='tracing_pro_station_4c413d_idx',
        ),
        migrations.AlterModelTable(
            name='datacomparison',
            table=None,
        ),
        migrations.AlterModelTable(
            name='financecomparison',
            table=None,
        ),
        migrations.AlterModelTable(
            name='monthlyinspection',
            table=None,
        ),
        migrations.AlterModelTable(
            name='problem',
            table=None,
        ),
        content_types_moved("tracing", "oversight", ['problem', 'datacomparison', 'monthlyinspection', 'financecomparison']),
    ]
