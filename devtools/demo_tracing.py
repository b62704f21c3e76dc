"""Demo tracing cases, loaded by `manage.py seed_demo` after the register (devtools.demo): queries,
notices and DNA requests in every state, so the supervisor's board shows overdue and at-risk cases of
each kind.

Times are relative to now. The cases themselves were opened by the stays (tracing.receivers).
"""

import datetime

from django.utils import timezone

from lib import workflow
from shelter.models import Person, StateLog, Station, Stay, User
from shelter.services import register_arrival
from tracing.models import (
    Channel,
    DnaDatabase,
    DnaReferral,
    Publication,
    QueryKind,
    QueryResult,
    QuickQuery,
    TracingCase,
)
from tracing.services import publish_notice, record_query, record_sample, refer_dna

M = datetime.timedelta(minutes=1)
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)
POLICE = {"GZ": "广州市公安局白云区分局", "FS": "佛山市公安局禅城分局"}

# Extra people still in the station long enough to show the DNA, sample, household registration and
# monthly-refresh deadlines:
# (sex, ages, arrived ago, where found, clothing, notice published after, DNA sent after, sampled after)
LONG_STAYS = [
    ("M", (45, 55), 6 * D + 2 * H, "白云区三元里地铁站", "黑色棉衣，迷彩裤", 10 * H, None, None),
    ("F", (65, 75), 26 * D, "海珠区江南西路", "紫色外套，布鞋", 5 * H, 5 * D, None),
    ("M", (30, 40), 40 * D, "天河区珠江新城", "白色衬衫，牛仔裤", 8 * H, 6 * D, 9 * D),
    # Three months unknown, the police asked for a sample 3 months ago and never came: the board shows the
    # household registration and the police's sample due, each from its own clock.
    ("F", (55, 65), 95 * D, "白云区广园客运站", "红色毛衣，黑色长裤", 6 * H, 6 * D, None),
    # He names 营山县 and his brother in an interview (demo_family): his family is found through it.
    ("M", (30, 40), 4 * D, "广州火车站东广场", "灰色夹克，运动鞋", 9 * H, None, None),
]


def load():
    now = timezone.now()
    for station in Station.objects.filter(code__in=POLICE):
        reception = User.objects.get(username=f"{station.code.lower()}-reception")
        if station.code == "GZ":
            for row in LONG_STAYS:
                long_stay(station, reception, now, *row)
        for case in TracingCase.objects.filter(station=station, closed_at__isnull=False):
            logged_at(case, case.closed_at)  # closed with the demo departures and deaths
        for case in TracingCase.objects.open().filter(station=station).select_related("stay"):
            age = now - case.stay.arrived_at
            if age > 3 * H and not case.queries.exists():
                query(case, reception, case.stay.arrived_at + H, QueryKind.POLICE_ID, QueryResult.NOT_CONFIRMED,
                      "公安人口信息系统比对无结果")
            if age > 18 * H and not case.queries.filter(kind=QueryKind.PHONE).exists():
                query(case, reception, case.stay.arrived_at + 3 * H, QueryKind.PHONE, QueryResult.NO_RESULT,
                      "拨打随身纸条上的号码，无人接听")
            # GZ publishes its notices on time, except for the 30-hour case; FS is behind.
            if station.code == "GZ" and age > 48 * H and case.notice_met_at is None:
                publish(case, reception, case.stay.arrived_at + 12 * H, Channel.NATIONAL_WEBSITE)
                publish(case, reception, case.stay.arrived_at + 14 * H, Channel.TOUTIAO)


def long_stay(station, reception, now, sex, ages, ago, place, clothing, published, sent, sampled):
    arrived = now - ago
    person = Person(station=station, sex=sex, age_min=ages[0], age_max=ages[1], height_cm=165, build="medium",
                    hair="黑色短发", created_at=arrived)
    stay = register_arrival(person=person, by=reception, stay=Stay(
        arrived_at=arrived, found_place=place, brought_by="police", brought_by_name="派出所民警",
        health_at_intake="无明显外伤", mental_state="mental", clothing=clothing, staff_in_charge=reception,
        entered_at=arrived + 20 * M,
    ))
    workflow.apply(stay, "admit", reception)
    case = stay.tracing_case
    query(case, reception, arrived + H, QueryKind.POLICE_ID, QueryResult.NOT_CONFIRMED, "公安人口信息系统比对无结果")
    publish(case, reception, arrived + published, Channel.NATIONAL_WEBSITE)
    publish(case, reception, arrived + published + H, Channel.WECHAT)
    if sent:
        referral = DnaReferral(police_unit=POLICE[station.code], sent_at=arrived + sent,
                               entered_at=arrived + sent + 10 * M)
        refer_dna(case=case, by=reception, referral=referral)
        logged_at(case, referral.entered_at)
    if sampled:
        record_sample(case=case, by=reception, sampled_at=arrived + sampled, sampled_by="民警 陈警官（三元里派出所）",
                       database=DnaDatabase.NATIONAL)
        logged_at(case, arrived + sampled + H)


def logged_at(case, at):
    """Demo history happened in the past: the case's last transition is logged when it would have been."""
    last = StateLog.for_object(case).order_by("-pk").first()
    StateLog.objects.filter(pk=last.pk).update(at=at)


def query(case, user, at, kind, result, details):
    record_query(case=case, by=user, query=QuickQuery(
        kind=kind, made_at=at, result=result, details=details, entered_at=at + 5 * M))
    logged_at(case, at + 5 * M)


def publish(case, user, at, channel):
    number = f"{case.station.code}{at:%Y%m%d}{case.pk:04d}"
    if not case.no_portrait_reason and not case.has_main_portrait():
        # The demo's portraits are taken later (demo_family): the supervisor said why the notice went first.
        supervisor = User.objects.get(username=f"{case.station.code.lower()}-supervisor")
        case.allow_without_portrait(supervisor, "到站时面部有伤，照片待伤愈后补拍")
    publish_notice(case=case, by=user, publication=Publication(
        channel=channel, published_at=at, reference=number,
        url=f"https://example.org/notices/{number}" if channel == Channel.NATIONAL_WEBSITE else "",
        entered_at=at + 10 * M))
    logged_at(case, at + 10 * M)
