"""The ledgers (台账) of a period: one row a record, Chinese headers, as the station keeps them on paper.

- register (入离站登记台账): every stay open at some time in the period (arrived before its end, not
  ended before its start), with its arrival, departure or death, and whether the person was still in
  the station at the period end; the time of departure is when it counts (Departure.counted_at: for a
  transfer to a station using Homeward its acceptance; one still waiting reads 转移中, no departure);
  the fingerprints and the interviews held in the period;
- return_home (返乡台账): departures home (family, escorted, ticket) and any departure with money, and
  whether the letter back to the station that referred the person has gone (待发 until it has);
- deaths (死亡台账): deaths in the period, with their proof and to whom they were reported;
- tracing (寻亲台账): the tracing cases of the period's arrivals and those open in the period, at the
  station of the arrival that opened them (TracingCase.arrival: a case moved by a transfer stays in the
  sender's ledger).

Every row is the station's where its stay was (Stay.station), whichever station keeps the file now.

Each row's values are worked out here in Python, from the records, independently of the grouped SQL
of oversight.figures: the test that counts the ledger's rows for every figure then checks both.
Values are plain (text, numbers, local naive datetimes), ready for XLSX, CSV or a page.
"""

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from shelter.models import Death, Departure, DepartureKind, Stay, StayState
from tracing.models import CloseCause, Interview, TracingCase

from .figures import cutoff, month_end, month_start, station_zone

KINDS = ("register", "return_home", "deaths", "tracing")
TITLES = {"register": "入离站登记台账", "return_home": "返乡台账", "deaths": "死亡台账", "tracing": "寻亲台账"}
# The same names in the reader's language, for the pages (the files keep the official Chinese titles).
LABELS = {
    "register": gettext_lazy("arrivals and departures register"), "return_home": gettext_lazy("return-home ledger"),
    "deaths": gettext_lazy("deaths ledger"), "tracing": gettext_lazy("family tracing ledger"),
}
HOME = (DepartureKind.FAMILY, DepartureKind.ESCORTED, DepartureKind.TICKET)
YES, NO = "是", "否"


class Ledger:
    def __init__(self, kind, headers, rows):
        self.kind, self.title, self.headers, self.rows = kind, TITLES[kind], headers, rows

    def dicts(self):
        return [dict(zip(self.headers, row)) for row in self.rows]


def local(at):
    """A local naive datetime (what a spreadsheet shows), or None."""
    return timezone.localtime(at, station_zone()).replace(tzinfo=None) if at else None


def age_at(person, day):
    """Age on a day: from the date of birth, else the middle of the estimated range (as the statistics)."""
    youngest, oldest = person.age_range(day)
    if person.date_of_birth:
        return youngest
    if youngest is not None and oldest is not None:
        return (youngest + oldest) // 2
    return youngest if youngest is not None else oldest


def age_group(age):
    if age is None:
        return "不详"
    return "未满18岁" if age < 18 else "18至59岁" if age < 60 else "60岁及以上"


def build(kind, station_ids, first, last, now=None):
    """The ledger of this kind for the months first..last (dates, first of month) of these stations."""
    now = now or timezone.now()
    start, end = month_start(first), month_end(last)
    with translation.override(settings.TRACING_DOCUMENT_LANGUAGE):
        return BUILDERS[kind](list(station_ids), start, end, cutoff(last, now), now)


def register(station_ids, start, end, at_end, now):
    headers = ["站点", "档案号", "姓名", "性别", "年龄", "年龄段", "入站时间", "送站方式", "移交单位及人员", "身份",
               "再次入站", "离站时间", "离站方式", "死亡时间", "期末在站", "期末在站天数", "车票金额（元）",
               "生活补助（元）", "票据号", "发放人", "寻亲渠道", "指纹采集", "指纹系统编号", "本期问询次数"]
    stays = (
        Stay.objects.filter(station__in=station_ids, arrived_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start))
        .select_related("person", "station", "departure", "death").order_by("arrived_at", "pk")
    )
    stays = list(stays)
    first_arrival = dict(
        Stay.objects.filter(person__in={s.person_id for s in stays}).values("person").annotate(first=Min("arrived_at"))
        .values_list("person", "first")
    )
    interviews = dict(
        Interview.objects.filter(stay__in=[s.pk for s in stays], held_at__gte=start, held_at__lt=end)
        .values("stay").annotate(n=Count("pk")).values_list("stay", "n")
    )
    rows = []
    for stay in stays:
        person = stay.person
        departure, death = getattr(stay, "departure", None), getattr(stay, "death", None)
        if stay.state == StayState.IN_TRANSFER:
            departure = None  # handed over, not yet accepted: still the station's, no departure
        present = stay.arrived_at < at_end and (stay.ended_at is None or stay.ended_at >= at_end)
        age = age_at(person, timezone.localtime(stay.arrived_at, station_zone()).date())
        rows.append([
            stay.station.name, person.file_no, person.name, person.get_sex_display(), age, age_group(age),
            local(stay.arrived_at), stay.get_brought_by_display(), stay.brought_by_name, stay.get_identity_display(),
            YES if first_arrival[person.pk] < stay.arrived_at else NO,
            local(departure.counted_at) if departure else None,
            departure.get_kind_display() if departure else stay.get_state_display() if stay.in_transfer else "",
            local(death.died_at) if death else None, YES if present else NO,
            (at_end - stay.arrived_at).days if present else None,
            departure.ticket_amount if departure else None, departure.allowance if departure else None,
            departure.receipt_no if departure else "", departure.paid_out_by if departure else "",
            departure.get_found_channel_display() if departure else "",
            fingerprints(person), person.fingerprints_reference, interviews.get(stay.pk, 0),
        ])
    return Ledger("register", headers, rows)


def fingerprints(person):
    """Taken / not taken: why / "" (not recorded)."""
    if person.fingerprints and person.fingerprints_not_taken_reason:
        return f"{person.get_fingerprints_display()}：{person.fingerprints_not_taken_reason}"
    return person.get_fingerprints_display() if person.fingerprints else ""


def return_home(station_ids, start, end, at_end, now):
    headers = ["站点", "档案号", "姓名", "离站时间", "离站方式", "目的地", "接收人", "与本人关系", "接收人电话",
               "护送人员", "车票号", "车票金额（元）", "生活补助（元）", "合计（元）", "票据号", "发放人", "寻亲渠道",
               "转介单位", "回复转介单位函号", "回复函"]
    paid = Q(ticket_amount__gt=0) | Q(allowance__gt=0)
    departures = (
        Departure.objects.filter(stay__station__in=station_ids, counted_at__gte=start, counted_at__lt=end)
        .filter(Q(kind__in=HOME) | paid).select_related("stay__person", "stay__station").order_by("counted_at", "pk")
    )
    rows = []
    for d in departures:
        stay, person = d.stay, d.stay.person
        referrer = stay.brought_by_name if stay.brought_by == "station" else ""
        rows.append([
            stay.station.name, person.file_no, person.name, local(d.counted_at), d.get_kind_display(),
            d.destination, d.receiver_name, d.receiver_relation, d.receiver_phone, d.escort_staff, d.ticket_no,
            d.ticket_amount, d.allowance, d.money_paid or None, d.receipt_no, d.paid_out_by,
            d.get_found_channel_display(), referrer, d.referrer_letter_no, letter_status(stay, d),
        ])
    return Ledger("return_home", headers, rows)


def letter_status(stay, departure):
    """The return-home record's letter back to the station that referred the person: 已发 (its number is
    recorded), 待发 (the ledger chases it), "" (no station referred the person)."""
    if stay.brought_by != "station":
        return ""
    return "已发" if departure.referrer_letter_no else "待发"


def deaths(station_ids, start, end, at_end, now):
    """The 上报 columns are the sendings recorded up the chain (to whom, how, when, reference), against the
    report's deadline; not the station's own notification of its supervisors."""
    headers = ["站点", "档案号", "姓名", "性别", "入站时间", "死亡时间", "死亡地点", "死因（所述）", "非正常死亡",
               "死亡证明", "证明文件", "上报期限", "上报时间", "上报对象", "上报方式", "上报文号", "上报情况"]
    records = list(
        Death.objects.filter(stay__station__in=station_ids, died_at__gte=start, died_at__lt=end)
        .select_related("stay__person", "stay__station").prefetch_related("sendings").order_by("died_at", "pk")
    )
    rows = []
    for d in records:
        person, sendings = d.stay.person, list(d.sendings.all())
        due = d.report_due_at
        rows.append([
            d.stay.station.name, person.file_no, person.name, person.get_sex_display(), local(d.stay.arrived_at),
            local(d.died_at), d.place, d.cause, YES if d.unnatural else NO, d.get_proof_kind_display(),
            d.proof.name.rsplit("/", 1)[-1], local(due),
            "；".join(f"{local(s.sent_at):%Y-%m-%d %H:%M}" for s in sendings),
            "；".join(f"{s.get_recipient_kind_display()} {s.recipient}" for s in sendings),
            "；".join(s.method for s in sendings if s.method),
            "；".join(s.reference for s in sendings if s.reference),
            deadline_status(d.report_met_at, due, None, now) if due else "",
        ])
    return Ledger("deaths", headers, rows)


def deadline_status(met, due, closed, now):
    """按时 / 逾期 / 未办 (the deadline passed while the case was open) / "" (not due, or not needed)."""
    if met:
        return "按时" if met <= due else "逾期"
    if due <= now and (closed is None or closed > due):
        return "未办"
    return ""


def tracing(station_ids, start, end, at_end, now):
    headers = ["站点", "档案号", "姓名", "入站时间", "寻亲状态", "公告期限", "首次发布", "公告情况", "发布渠道",
               "DNA送检期限", "DNA函号", "送检函发出", "公安单位", "采样时间", "比对结果", "结果时间", "DNA送检情况",
               "结案时间", "找到家人", "寻亲渠道", "首次问询期限", "首次问询", "首次问询情况", "事后补录"]
    cases = (
        TracingCase.objects.filter(arrival__station__in=station_ids)
        .filter(Q(arrival__arrived_at__gte=start, arrival__arrived_at__lt=end)
                | Q(opened_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=start)))
        .select_related("stay__person", "arrival__station", "dna_referral").prefetch_related("publications")
        .order_by("arrival__arrived_at", "pk")
    )
    rows = []
    for case in cases:
        person = case.stay.person
        referral = getattr(case, "dna_referral", None)
        found = case.close_cause == CloseCause.FAMILY_FOUND
        channels = "；".join(f"{p.get_channel_display()} {p.reference}".strip() for p in case.publications.all())
        rows.append([
            case.arrival.station.name, person.file_no, person.name, local(case.arrival.arrived_at),
            case.get_state_display(),
            local(case.notice_due_at), local(case.notice_met_at),
            deadline_status(case.notice_met_at, case.notice_due_at, case.closed_at, now), channels,
            local(case.dna_due_at), referral.reference_no if referral else "", local(case.dna_met_at),
            referral.police_unit if referral else "", local(referral.sampled_at) if referral else None,
            referral.get_result_display() if referral else "", local(referral.result_at) if referral else None,
            deadline_status(case.dna_met_at, case.dna_due_at, case.closed_at, now), local(case.closed_at),
            YES if found else NO, case.get_found_channel_display() if found else "",
            local(case.interview_first_due_at), local(case.interview_first_at),
            deadline_status(case.interview_first_at, case.interview_first_due_at, case.closed_at, now)
            if case.interview_first_due_at else "",
            after_the_fact(case),
        ])
    return Ledger("tracing", headers, rows)


def after_the_fact(case):
    """The deadlines met only after the fact (stated before, entered after), and whether another person
    accepted the stated time: e.g. "公告（已认可）；DNA送检"; "" when none."""
    parts = []
    for kind, label in (("notice", "公告"), ("dna", "DNA送检")):
        if case.met_after_the_fact(kind):
            parts.append(label + ("（已认可）" if case.stated_time_accepted(kind) else ""))
    return "；".join(parts)


BUILDERS = {"register": register, "return_home": return_home, "deaths": deaths, "tracing": tracing}


def period_label(first, last):
    return f"{first:%Y-%m}" if first == last else f"{first:%Y-%m}至{last:%Y-%m}"


def file_name(kind, station_codes, first, last, extension):
    stations = "-".join(station_codes) if len(station_codes) <= 3 else "all"
    return f"{kind}-{stations}-{first:%Y%m}" + (f"-{last:%Y%m}" if last != first else "") + f".{extension}"
