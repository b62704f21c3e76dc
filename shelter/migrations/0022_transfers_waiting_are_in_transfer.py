"""A departure counts when it happened, a transfer to a station using Homeward when it is accepted (issue
22): Departure.counted_at filled for the departures already kept (their time of departure), but for a
transfer still waiting for the receiving station, whose stay, recorded as departed before, is in
transfer, not ended: it counts at the sending station until the receiver decides. Refused transfers are
left as they were recorded (whether the person came back is not known here)."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Stay = apps.get_model("shelter", "Stay")
    Departure = apps.get_model("shelter", "Departure")
    Transfer = apps.get_model("shelter", "Transfer")
    waiting = Transfer.objects.using(db).filter(state="proposed").values("stay_id")
    Stay.objects.using(db).filter(pk__in=waiting, state="departed").update(state="in_transfer", ended_at=None)
    Departure.objects.using(db).exclude(stay__state="in_transfer").update(counted_at=F("departed_at"))


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Stay = apps.get_model("shelter", "Stay")
    Departure = apps.get_model("shelter", "Departure")
    # Only the two columns needed: other branches of the graph may already have removed other columns.
    waiting = Departure.objects.using(db).filter(stay__state="in_transfer").values_list("stay_id", "departed_at")
    for stay_id, departed_at in waiting:
        Stay.objects.using(db).filter(pk=stay_id).update(state="departed", ended_at=departed_at)


class Migration(migrations.Migration):

    dependencies = [
        ("shelter", "0021_transfer_is_one_handover"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
