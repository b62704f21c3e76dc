"""Notifications store a message code (`kind`) and its parameters (`params`), worded when read in the
reader's language; the transition log keeps the code of a reason the system gave itself.

Rows written before: their sentences stay where they are (the columns `subject` and `body`, now the
fields `stored_subject` and `stored_body`: renamed in Django's state only, nothing is copied) and their
`params` are NULL, which is what Notification.worded() reads as "show the sentence as stored"."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('shelter', '0014_phones_checked'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(model_name='notification', old_name='subject', new_name='stored_subject'),
                migrations.AlterField(
                    model_name='notification', name='stored_subject',
                    field=models.CharField(blank=True, db_column='subject', max_length=200),
                ),
                migrations.RenameField(model_name='notification', old_name='body', new_name='stored_body'),
                migrations.AlterField(
                    model_name='notification', name='stored_body',
                    field=models.TextField(blank=True, db_column='body'),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name='notification',
            name='params',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='statelog',
            name='reason_code',
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name='statelog',
            name='reason_params',
            field=models.JSONField(blank=True, null=True),
        ),
    ]
