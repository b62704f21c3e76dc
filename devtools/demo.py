"""Demo register, loaded by `manage.py seed_demo` (tracing's command, which adds the apps above): two
stations, one user per role, and people in every state, registered through the same service as the
intake page. Times are relative to now; histories are backdated to when they would have happened."""

import datetime
import random

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from lib.pdf import FONT, document
from shelter.models import (
    Body,
    Death,
    DeathReportSending,
    Departure,
    Person,
    SecondCheck,
    Service,
    StateLog,
    Station,
    Stay,
    User,
)
from shelter.services import (
    admit_stay,
    body_step,
    depart_stay,
    record_body,
    record_check,
    record_death,
    register_arrival,
)

STATIONS = [("GZ", "广州市救助管理站", "020-8666 0000", "广州市白云区"), ("FS", "佛山市救助管理站", "0757-8222 0000", "佛山市禅城区")]
ROLES = [("reception", "接待员"), ("supervisor", "主管"), ("station_head", "站长")]
PASSWORD = "homeward-demo"

# (name, sex, ages, native place, dialect, identity, how long ago arrived (hours), state, place, mental state)
PEOPLE = [
    ("", "M", (60, 70), "", "", "unknown", 2, "reception", "天河客运站候车厅", "dementia"),
    ("", "F", (70, 80), "", "粤语", "unknown", 20, "in_care", "越秀公园东门", "dementia"),
    ("", "M", (30, 40), "", "四川话", "unknown", 30, "in_care", "广州火车站广场", "mental"),
    ("", "M", (10, 13), "", "", "unknown", 5 * 24 + 3, "in_care", "白云区太和镇路边", "intellectual"),
    ("", "F", (40, 50), "", "湖南口音", "unknown", 8 * 24, "in_care", "海珠桥下", "mental"),
    ("李秀英", "F", (75, 85), "湖南省邵阳市", "湘语", "self_reported", 3 * 24, "in_care", "番禺区市桥街", "dementia"),
    ("张建国", "M", (50, 55), "河南省周口市", "河南话", "confirmed", 26, "in_care", "黄埔区大沙地", "normal"),
    ("王磊", "M", (25, 30), "广西玉林市", "", "confirmed", 12 * 24, "in_care", "白云机场", "normal"),
    ("陈美华", "F", (35, 40), "江西省赣州市", "客家话", "confirmed", 4 * 24, "departed", "广州南站", "normal"),
    ("", "M", (55, 65), "", "", "unknown", 20 * 24, "departed", "从化区街口", "mental"),
    ("刘志强", "M", (40, 45), "四川省南充市", "四川话", "confirmed", 2 * 24, "departed", "天河体育中心", "normal"),
    ("", "M", (80, 90), "", "", "unknown", 40 * 24, "deceased", "荔湾区芳村", "dementia"),
    ("赵小红", "F", (14, 16), "贵州省毕节市", "贵州话", "confirmed", 6, "reception", "广州东站", "normal"),
]


# How the demo's departures went (by name; the others go home with their family, found on the website).
FAMILY = {"kind": "family", "receiver_name": "家属", "receiver_relation": "子女", "receiver_id_number": "11010519491231002X",
          "found_channel": "website"}
DEPARTURES = {
    "陈美华": {"kind": "ticket", "destination": "江西省赣州市", "ticket_no": "G6012 05车12F", "ticket_amount": "268.50",
            "allowance": "50.00", "paid_out_by": "财务 王会计"},
    "刘志强": {"kind": "escorted", "destination": "四川省南充市", "escort_staff": "李明、周强", "receiver_name": "南充市救助站",
            "allowance": "100.00", "paid_out_by": "财务 王会计", "found_channel": "interview"},
    "周桂兰": {"kind": "ticket", "destination": "湖北省黄冈市", "ticket_no": "K1156 08车033", "ticket_amount": "121.00",
            "allowance": "30.00", "paid_out_by": "财务 王会计"},
    "黄海": {**FAMILY, "receiver_name": "黄丽", "receiver_relation": "姐姐", "found_channel": "police"},
    "": FAMILY,
}
# People of the previous month, so the month-on-month figures have two months: (name, sex, ages, day of
# arrival, days stayed, ended by "departed"/"deceased"/None, and a repeat arrival this month).
PREVIOUS = [
    ("周桂兰", "F", (62, 68), 3, 2, "departed", False),
    ("黄海", "M", (30, 35), 10, 4, "departed", True),
    ("", "M", (16, 17), 18, 3, "departed", False),
    ("", "F", (50, 60), 25, None, None, False),
]


def previous_month(station, rng):
    """Arrivals and departures of the previous month (one of them comes back this month)."""
    reception = User.objects.get(username=f"{station.code.lower()}-reception")
    now = timezone.localtime()
    first = (now.replace(day=1) - datetime.timedelta(days=1)).replace(day=1, hour=10, minute=0, second=0, microsecond=0)
    for name, sex, ages, day, stayed, end, returns in PREVIOUS:
        arrived = first.replace(day=day)
        new = Person(station=station, name=name, sex=sex, age_min=ages[0], age_max=ages[1], created_at=arrived,
                     height_cm=rng.randint(150, 180))
        stay = arrive(person=new, by=reception, stay=Stay(
            arrived_at=arrived, found_place="广州火车站广场", brought_by=rng.choice(["police", "public", "self"]),
            identity="confirmed" if name else "unknown", mental_state="normal", staff_in_charge=reception,
            entered_at=arrived + datetime.timedelta(minutes=15)))
        admit_stay(stay=stay, by=reception)
        backdate_last_transition(stay, arrived + datetime.timedelta(minutes=30))
        if end == "departed":
            left = arrived + datetime.timedelta(days=stayed, hours=3)
            departure = Departure(**DEPARTURES[name], departed_at=left, entered_at=left + datetime.timedelta(minutes=10))
            if departure.ticket_amount or departure.allowance:
                departure.receipt_no = f"{station.code}-{left:%Y%m}-{stay.pk:04d}"
            depart_stay(stay=stay, departure=departure, by=reception)
            backdate_last_transition(stay, departure.entered_at)
        if returns:
            again = min(now.replace(day=1, hour=9), now - datetime.timedelta(hours=1))
            arrive(person=stay.person, by=reception, stay=Stay(
                arrived_at=again, found_place="广州火车站广场", brought_by="police", identity="confirmed",
                mental_state="normal", staff_in_charge=reception, entered_at=again + datetime.timedelta(minutes=15)))


# Confirmed at the desk on the police's identity check six hours ago, at night: the supervisor has not
# given the second check yet, so the demo's list of checks (/checks/) has one waiting, and until then she
# counts as unidentified for every clock.
AWAITING_CHECK = {"赵小红"}


def arrive(*, person, stay, by, belongings=()):
    """An arrival of the demo. A name known at the desk is confirmed on the police's identity check, and the
    station's supervisor gives the second check at once (a second pair of eyes: shelter.models.checks),
    but for AWAITING_CHECK."""
    confirmed = stay.identity == "confirmed"
    basis = {}
    if confirmed:
        basis = {"identity_basis": "police_id", "identity_reference": f"公安核查{stay.arrived_at:%Y%m%d%H%M}"}
    stay = register_arrival(person=person, stay=stay, belongings=belongings, by=by, **basis)
    if confirmed and person.name not in AWAITING_CHECK:
        supervisor = User.objects.get(username=f"{person.station.code.lower()}-supervisor")
        for check in SecondCheck.objects.filter(decision="identity", state="pending"):
            if check.target.case.stay_id == stay.pk:
                record_check(check=check, by=supervisor, agreed=True, reason="已核对公安核查结果")
        stay = Stay.objects.get(pk=stay.pk)
    return stay


def demo_certificate(what="扫描的居民死亡医学证明（推断）书"):
    """A one-page PDF standing in for a scanned document, in Chinese as a station's papers are."""
    pdf = document()
    pdf.set_font(FONT, size=16)
    pdf.cell(text=f"演示数据：此页代替{what}。")
    return bytes(pdf.output())


def backdate_last_transition(stay, at):
    """Demo history happened in the past: its transitions are logged at the time they would have been."""
    last = StateLog.for_object(stay).order_by("-pk").first()
    StateLog.objects.filter(pk=last.pk).update(at=at)


def load():
    """The stations, their users and people; returns the stations."""
    rng = random.Random(7)
    stations = [Station.objects.create(code=c, name=n, phone=p, address=a) for c, n, p, a in STATIONS]
    for station in stations:
        for role, label in ROLES:
            user = User.objects.create_user(
                f"{station.code.lower()}-{role}", password=PASSWORD, station=station, first_name=label,
                last_name=station.name[:2], email=f"{role}@{station.code.lower()}.example.org",
                phone=f"1380000{rng.randint(1000, 9999)}",
            )
            user.groups.add(Group.objects.get(name=role))
    admin = User.objects.create_superuser("admin", "admin@example.org", PASSWORD, first_name="管理员")
    admin.groups.add(Group.objects.get(name="administrator"))
    # The civil-affairs bureau reads every station's month and changes nothing.
    inspector = User.objects.create_user("inspector", password=PASSWORD, first_name="民政局督查员",
                                         email="inspector@example.org")
    inspector.groups.add(Group.objects.get(name="inspector"))
    for station in stations:
        people = PEOPLE if station is stations[0] else PEOPLE[:4]
        for row in people:
            person(station, rng, *row)
        previous_month(station, rng)
    transfer(stations[0], stations[1], rng)
    recent_death(stations[0], rng)
    return stations


def transfer(sender, receiver, rng):
    """An unknown man transferred from the first station to the second an hour ago, waiting for it."""
    reception = User.objects.get(username=f"{sender.code.lower()}-reception")
    stay = person(sender, rng, "", "M", (45, 55), "", "潮汕口音", "unknown", 3 * 24, "in_care", "海珠区客村", "intellectual")
    left = timezone.now() - datetime.timedelta(hours=1)
    counted_out = {b.pk: ("returned", "") for b in stay.belongings.all()}
    depart_stay(stay=stay, by=reception, counted_out=counted_out, departure=Departure(
        kind="transfer", departed_at=left, destination=receiver.name, receiver_name="本站护送员 陈", to_station=receiver,
        notes="其自述老家在佛山一带，转佛山站便于寻亲"))
    backdate_last_transition(stay, left)


def usernames():
    return ["admin", "inspector"] + [f"{c.lower()}-{r}" for c, *_ in STATIONS for r, _l in ROLES]


def person(station, rng, name, sex, ages, native, dialect, identity, hours_ago, state, place, mental):
    reception = User.objects.get(username=f"{station.code.lower()}-reception")
    now = timezone.now()
    arrived = now - datetime.timedelta(hours=hours_ago, minutes=rng.randint(0, 50))
    new = Person(
        station=station, name=name, sex=sex, age_min=ages[0], age_max=ages[1], native_place=native,
        dialect=dialect, height_cm=rng.randint(150, 180), build=rng.choice(["slim", "medium", "stocky"]),
        hair=rng.choice(["短发，花白", "黑色短发", "长发", "光头"]),
        marks=rng.choice(["", "左手缺小指", "右脸颊有痣", "额头有疤"]), created_at=arrived,
    )
    stay = Stay(
        arrived_at=arrived, found_place=place, brought_by=rng.choice(["police", "urban", "public"]),
        brought_by_name="派出所民警", health_at_intake=rng.choice(["体弱", "无明显外伤", "脚部擦伤"]),
        mental_state=mental, identity=identity, clothing=rng.choice(["蓝色外套，黑裤", "灰色毛衣，拖鞋", "红色T恤"]),
        staff_in_charge=reception, entered_at=arrived + datetime.timedelta(minutes=20),
    )
    if stay.brought_by == "police" and hours_ago > 2:  # the newest arrival still waits for its handover form
        stay.handover_ref = f"公移字{arrived:%Y%m%d}-{rng.randint(10, 99)}"
        stay.handover_document.save("demo-handover.pdf", ContentFile(demo_certificate("公安机关护送交接单")),
                                    save=False)
    belongings = [("手机", 1), (f"现金 {rng.randint(5, 80)}元", 1)]  # cash: one item with its amount (issue 25)
    stay = arrive(person=new, stay=stay, belongings=belongings, by=reception)
    if state == "reception":
        return stay
    admit_stay(stay=stay, by=reception)
    backdate_last_transition(stay, arrived + datetime.timedelta(minutes=30))
    for i in range(min(3, hours_ago // 6 + 1)):
        at = arrived + datetime.timedelta(hours=1 + 6 * i)
        Service.objects.create(stay=stay, kind=["meal", "bath", "medical"][i % 3], given_at=at,
                               entered_by=reception, entered_at=at + datetime.timedelta(minutes=5))
    if name == "王磊":  # a service entered two days late, with its reason, for the supervisor's list
        at = arrived + datetime.timedelta(hours=30)
        Service.objects.create(stay=stay, kind="medical", given_at=at, entered_by=reception, notes="门诊复查",
                               entered_at=at + datetime.timedelta(hours=50), late_reason="当晚系统停电，纸质登记后补录")
    left = arrived + datetime.timedelta(hours=hours_ago * 0.6)
    if state == "departed":
        if identity == "unknown":  # still unknown: transferred to a welfare institution, tracing goes on
            departure = Departure(kind="transfer", departed_at=left, destination="广州市社会福利院",
                                  receiver_name="福利院 刘主任", entered_at=left + datetime.timedelta(minutes=10))
        else:
            departure = Departure(**DEPARTURES.get(name, FAMILY), departed_at=left,
                                  entered_at=left + datetime.timedelta(minutes=10))
            if departure.ticket_amount or departure.allowance:
                departure.receipt_no = f"{station.code}-{left:%Y%m}-{stay.pk:04d}"
        # Counted out item by item: the cash handed to the receiver, the rest returned to the person.
        counted_out = {b.pk: ("handed", departure.receiver_name or "本人") if b.item.startswith("现金")
                       else ("returned", "") for b in stay.belongings.all()}
        depart_stay(stay=stay, departure=departure, counted_out=counted_out, by=reception)
        backdate_last_transition(stay, departure.entered_at)
    elif state == "deceased":
        death = Death(died_at=left, place="广州市第一人民医院", cause="多器官衰竭（医院诊断）", proof_kind="medical",
                      entered_at=left + datetime.timedelta(minutes=30))
        death.proof.save("demo-certificate.pdf", ContentFile(demo_certificate()), save=False)
        record_death(stay=stay, death=death, by=reception)
        backdate_last_transition(stay, death.entered_at)
        # Reported up the chain in time (unidentified: the police too), and the body kept unclaimed, its
        # notice out; its claim deadline has passed and the disposal waits for its approval.
        for hours, kind, office, ref in ((2, "civil_affairs", f"{station.address[:5]}民政局社会事务科", "穗救死报〔2026〕7号"),
                                         (3, "police", "荔湾区公安分局芳村派出所", "")):
            sent = death.entered_at + datetime.timedelta(hours=hours)
            DeathReportSending.objects.create(
                death=death, sent_at=sent, recipient_kind=kind, recipient=office, method="传真", reference=ref,
                entered_by=reception, entered_at=sent + datetime.timedelta(minutes=5))
        death.keep_report()
        keep_body(death, reception, hours_after=4, notice=True)
    return stay


def keep_body(death, reception, hours_after, notice):
    """The body kept unclaimed at the funeral home, the police told (and, for the unidentified, the notice
    for the unidentified deceased published), entered when it happened."""
    since = death.died_at + datetime.timedelta(hours=hours_after)
    body = record_body(death=death, by=reception, body=Body(
        kept_at="广州市殡仪馆冷藏室", kept_since=since, police_told_at=since, police_unit="辖区派出所",
        police_reference=f"公告知{since:%m%d}", late_reason="演示数据"))
    if notice:
        body_step(body=body, step="record_notice", by=reception, published_at=since + datetime.timedelta(days=1),
                  reference="全国救助寻亲网 无名尸体认领启事")
        Body.objects.filter(pk=body.pk).update(notice_entered_at=since + datetime.timedelta(days=1, minutes=10))
    Body.objects.filter(pk=body.pk).update(entered_at=since + datetime.timedelta(minutes=20), late=False,
                                           late_reason="")
    return body


def recent_death(station, rng):
    """An unknown man who died in the station yesterday: the bureau has the report, the police not yet,
    so the report is due on the board; his body waits at the funeral home for its claim deadline."""
    reception = User.objects.get(username=f"{station.code.lower()}-reception")
    stay = person(station, rng, "", "M", (65, 75), "", "", "unknown", 4 * 24, "in_care", "白云区三元里", "dementia")
    died = timezone.now() - datetime.timedelta(hours=26)
    death = Death(died_at=died, place="本站医务室", cause="突发心脏骤停（120到场确认死亡）", proof_kind="medical",
                  entered_at=died + datetime.timedelta(minutes=40))
    death.proof.save("demo-certificate.pdf", ContentFile(demo_certificate()), save=False)
    record_death(stay=stay, death=death, by=reception)
    backdate_last_transition(stay, death.entered_at)
    sent = died + datetime.timedelta(hours=3)
    DeathReportSending.objects.create(
        death=death, sent_at=sent, recipient_kind="civil_affairs", recipient=f"{station.address[:5]}民政局社会事务科",
        method="政务系统", reference="穗救死报〔2026〕12号", entered_by=reception,
        entered_at=sent + datetime.timedelta(minutes=5))
    death.keep_report()
    keep_body(death, reception, hours_after=2, notice=False)
