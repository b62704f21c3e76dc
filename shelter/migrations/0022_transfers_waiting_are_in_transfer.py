"""A transfer still waiting for the receiving station (issue 22): its stay, recorded as departed before,
is in transfer, not ended, so it counts at the sending station until the receiver decides. Refused
transfers are left as they were recorded (whether the person came back is not known here)."""

from django.db import migrations


def in_transfer(apps, schema_editor):
    db = schema_editor.connection.alias
    Stay = apps.get_model("shelter", "Stay")
    Transfer = apps.get_model("shelter", "Transfer")
    waiting = Transfer.objects.using(db).filter(state="proposed").values("stay_id")
    Stay.objects.using(db).filter(pk__in=waiting, state="departed").update(state="in_transfer", ended_at=None)


def departed(apps, schema_editor):
    db = schema_editor.connection.alias
    Stay = apps.get_model("shelter", "Stay")
    Departure = apps.get_model("shelter", "Departure")
    for departure in Departure.objects.using(db).filter(stay__state="in_transfer"):
        Stay.objects.using(db).filter(pk=departure.stay_id).update(state="departed", ended_at=departure.departed_at)


class Migration(migrations.Migration):

    dependencies = [
        ("shelter", "0021_transfer_is_one_handover"),
    ]

    operations = [
        migrations.RunPython(in_transfer, departed, elidable=False),
    ]
