"""Helpers shared by the tracing tests (not a test module)."""

import datetime
import zoneinfo

from django.utils import timezone

from lib import workflow
from shelter.models import Notification, Person, Stay
from tracing.models import DnaReferral, Publication, QuickQuery, TracingCase

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def at(*args):
    """A Beijing time."""
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def arrive(station, staff, arrived_at=None, identity="unknown", **person):
    """Register a person and a stay as the intake does; the stay opens its tracing case."""
    values = {"sex": "M", "age_min": 60, "age_max": 70}
    values.update(person)
    p = Person.objects.create(station=station, created_by=staff, **values)
    return Stay.objects.create(
        person=p, arrived_at=arrived_at or timezone.now(), found_place="天河客运站候车厅", brought_by="police",
        identity=identity, entered_by=staff, staff_in_charge=staff, clothing="蓝色外套，黑裤",
    )


def case_of(stay):
    return TracingCase.objects.get(stay=stay)


def publish(case, user, when=None, channel="national", reference="GZ-2025-0001"):
    return workflow.apply(case, "publish_notice", user, publication=Publication(
        channel=channel, published_at=when or timezone.now(), reference=reference))


def refer(case, user, when=None):
    return workflow.apply(case, "refer_dna", user, referral=DnaReferral(
        police_unit="广州市公安局天河区分局", sent_at=when or timezone.now()))


def query(case, user, result="not_confirmed", kind="police_id", when=None):
    return workflow.apply(case, "record_query", user, query=QuickQuery(
        kind=kind, result=result, made_at=when or timezone.now(), details="公安人口信息系统比对"))


def reminders(**filters):
    """(kind, username) of the reminders sent, in order."""
    qs = Notification.objects.filter(kind__startswith="tracing_", **filters).order_by("pk")
    return [(n.kind, n.user.username) for n in qs.select_related("user")]
