import datetime

from django.db import migrations
from django.utils import timezone


def replan(apps, schema_editor):
    """Open stays whose next review was the three-month one (now the household registration's own step on
    the tracing case): the earlier points were covered (three months was the earliest owed), so what is left
    is the next review the last one set, if any."""
    Stay = apps.get_model("shelter", "Stay")
    StayReview = apps.get_model("shelter", "StayReview")
    db = schema_editor.connection.alias
    for stay in Stay.objects.using(db).filter(review_point="three_months", state__in=["reception", "in_care"]):
        last = StayReview.objects.using(db).filter(stay=stay).order_by("-reviewed_at", "-pk").first()
        due, point = None, ""
        if last is not None and last.next_review_on:
            due = timezone.make_aware(datetime.datetime.combine(last.next_review_on, datetime.time(8, 0)))
            point = "next"
        Stay.objects.using(db).filter(pk=stay.pk).update(review_due_at=due, review_point=point,
                                                         review_reminded_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ("shelter", "0019_person_fingerprints"),
    ]

    operations = [
        migrations.RunPython(replan, migrations.RunPython.noop),
    ]
