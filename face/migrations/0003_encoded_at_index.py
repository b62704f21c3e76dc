from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("face", "0002_main_portrait_history"),
    ]

    operations = [
        migrations.AlterField(
            model_name="portrait",
            name="encoded_at",
            field=models.DateTimeField(blank=True, db_index=True, editable=False, null=True),
        ),
    ]
