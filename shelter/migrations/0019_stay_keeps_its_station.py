"""Each stay keeps the station it was at (issue 21): the month's figures, ledgers and money count by it,
so a transfer or a merge no longer moves a station's past. Filled for the stays already kept from the
transfer records: a stay with a transfer out of it, or before an accepted transfer of its file, belongs
to the sending station; a stay opened by accepting a transfer to the receiving one; any other stay to
the file's station."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    Stay = apps.get_model("shelter", "Stay")
    Person = apps.get_model("shelter", "Person")
    Transfer = apps.get_model("shelter", "Transfer")
    Stay.objects.using(db).update(
        station_id=Subquery(Person.objects.using(db).filter(pk=OuterRef("person_id")).values("station_id")[:1]))
    transfers = {}
    for t in Transfer.objects.using(db).order_by("requested_at", "pk"):
        transfers.setdefault(t.person_id, []).append(t)
    sent = {t.stay_id: t for ts in transfers.values() for t in ts}
    for stay in Stay.objects.using(db).filter(person_id__in=list(transfers)).order_by("arrived_at", "pk"):
        station = stay.station_id
        if stay.pk in sent:
            station = sent[stay.pk].from_station_id
        elif stay.transferred_from_id and stay.transferred_from_id in sent:
            station = sent[stay.transferred_from_id].to_station_id
        else:
            later = [t for t in transfers[stay.person_id] if t.state == "accepted" and t.requested_at >= stay.arrived_at]
            if later:
                station = later[0].from_station_id
        if station != stay.station_id:
            Stay.objects.using(db).filter(pk=stay.pk).update(station_id=station)


class Migration(migrations.Migration):

    dependencies = [
        ("shelter", "0019_deaths_up_the_chain_body_belongings"),
    ]

    operations = [
        migrations.AddField(
            model_name="stay",
            name="station",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="shelter.station", verbose_name="station"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
