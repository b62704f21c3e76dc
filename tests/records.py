"""Fixtures of the tracing, family, oversight and journey tests (a plugin the root conftest.py loads). Each
helper is a fixture that gives the function: a test asks for `arrive` and calls
`arrive(station, reception, ...)`.

Residents get real portraits (640x480 webcam-like frames of the photos in tests/faces, taken with
take_portrait, so they are checked and encoded as at the desk); families bring the original photo
files (phone photos of every size, some with EXIF orientation).
"""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import sync_playwright

from devtools.images import frame, jpeg
from face.models import Portrait
from face.services import choose_main, take_portrait
from family.models import FamilyReport
from family.services import check_photo, register_report
from shelter.models import Death, Departure, Notification, Person, Station, Stay
from shelter.services import depart_stay, record_death
from tests import factories
from tracing.models import DnaReferral, Interview, Publication, QuickQuery, TracingCase
from tracing.services import publish_notice, record_interview, record_query, refer_dna

FACES = Path(__file__).parent / "faces"  # tests/faces
REPORTER = {name: getattr(factories.FamilyReportFactory, name)
            for name in ("reporter_name", "reporter_relation", "reporter_phone", "reporter_id_number")}


# --- Cases and their steps ---------------------------------------------------------------------------------


@pytest.fixture
def arrive(db):
    """arrive(station, staff, arrived_at=None, identity="unknown", **person): a person and an open stay
    (tests.factories.arrive); the stay opens its tracing case."""
    return factories.arrive


@pytest.fixture
def case_of():
    """case_of(stay): the stay's tracing case."""
    def case_of(stay):
        return TracingCase.objects.get(stay=stay)

    return case_of


@pytest.fixture
def publish():
    """publish(case, user, when=None, channel="national", reference="GZ-2025-0001"): a notice published,
    entered when it happened (the clock of these tests moves; a late entry is another test's matter)."""
    def publish(case, user, when=None, channel="national", reference="GZ-2025-0001"):
        when = when or timezone.now()
        if not case.no_portrait_reason and not case.has_main_portrait():
            # Set-up, like a stay made with objects.create: these tests are not about the portrait rule
            # (tests/tracing/test_after_the_stay.py is), so the supervisor's reason is written directly.
            case.no_portrait_reason = "测试：本测试不涉及照片"
            TracingCase.objects.filter(pk=case.pk).update(no_portrait_reason=case.no_portrait_reason)
        return publish_notice(case=case, by=user, publication=Publication(
            channel=channel, published_at=when, reference=reference, entered_at=when))

    return publish


@pytest.fixture
def refer():
    """refer(case, user, when=None, no_query_reason=None): the DNA request sent to the police, entered when
    it was sent; on a case with no quick query recorded, with a reason why none was possible."""
    def refer(case, user, when=None, no_query_reason=None):
        when = when or timezone.now()
        if no_query_reason is None:
            no_query_reason = "" if case.queries.exists() else "本人无法说出姓名、住址，未携带证件，无可查询的信息"
        return refer_dna(case=case, by=user, referral=DnaReferral(
            police_unit="广州市公安局天河区分局", sent_at=when, entered_at=when, no_query_reason=no_query_reason))

    return refer


@pytest.fixture
def query():
    """query(case, user, result="not_confirmed", kind="police_id", when=None): an identity query recorded
    when it was made."""
    def query(case, user, result="not_confirmed", kind="police_id", when=None, reference="公安核查2026-001"):
        when = when or timezone.now()
        return record_query(case=case, by=user, query=QuickQuery(
            kind=kind, result=result, made_at=when, details="公安人口信息系统比对", entered_at=when,
            reference=reference))

    return query


@pytest.fixture
def reminders():
    """reminders(**filters): (kind, username) of the reminders sent, in order."""
    def reminders(**filters):
        qs = Notification.objects.filter(kind__startswith="tracing_", **filters).order_by("pk")
        return [(n.kind, n.user.username) for n in qs.select_related("user")]

    return reminders


# --- Residents with portraits, family reports with photos ---------------------------------------------------




@pytest.fixture
def reporter():
    """Who reports, as take_report fills it in: name, relation, phone and ID number."""
    return dict(REPORTER)


@pytest.fixture
def resident(arrive, webcam):
    """resident(station, staff, committed, face=None, supervisor=None, **person): a person with an open stay
    (and tracing case) and, if `face` names a photo, a portrait of it. A portrait that fails the check (a
    turned head) is made main by `supervisor`, with a reason, so it is encoded like a real override."""
    def resident(station, staff, committed, face=None, supervisor=None, **person):
        stay = arrive(station, staff, **person)
        if face:
            with committed():
                portrait, quality = take_portrait(person=stay.person, data=webcam(face), by=staff,
                                                  source=Portrait.WEBCAM)
            if not quality.accepted:
                assert supervisor is not None, f"{face}: {quality.reasons}"
                with committed():
                    choose_main(portrait=portrait, by=supervisor, reason="the best picture we could take")
            portrait.refresh_from_db()
            assert portrait.encoding is not None
        return stay

    return resident


@pytest.fixture
def take_report(photo):
    """take_report(by, committed, photos=(), **fields): a family report taken by `by` with these photo
    files, registered and searched as the form does."""
    def take_report(by, committed, photos=(), **fields):
        checked = [(photo(name), check_photo(photo(name))) for name in photos]
        with committed():  # the report as the form fills it (not saved: the service registers it)
            report = register_report(report=factories.FamilyReportFactory.build(**fields), photos=checked, by=by)
        report.refresh_from_db()
        return report

    return take_report


# --- The month: a hand-counted station ---------------------------------------------------------------------


def local(*args):
    """An aware datetime in the station's zone (Asia/Shanghai)."""
    return datetime.datetime(*args, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def month_station(settings, station, reception, arrive, publish, refer, pdf_bytes):
    """GZ from December 2025 to April 2026, counted by hand (tests/oversight/test_month.py says what each
    figure should be). Returns {letter: stay}.

    A  M 60-70  arrived 02-25 10:00 (police)     departed 03-03 10:00 by ticket, 100 + 20 yuan, receipt R-1
    B  F 15     arrived 03-05 09:00 (public)     notice +2 h, DNA +3 d; departed 03-31 23:59 with family (Toutiao)
    C  M 30-40  arrived 03-10 12:00 (urban)      notice +30 h (late), DNA +9 d (late); left 04-01 00:01
    D  U ?      arrived 01-10, left 01-20; again 03-20 08:00 (self, identity confirmed: no case), still there
    E  M 45-55  arrived 2025-12-01 10:00 (police), still there
    F  M 80-90  arrived 03-12 10:00 (police)     no notice, no DNA request; died 03-20 10:00

    Fingerprints: B's taken (reference), C's not taken (refused), the others not recorded. Interviews: E on
    02-10, C on 03-11 and 03-20.
    """
    settings.TIME_ZONE = "Asia/Shanghai"
    stays = {}
    stays["A"] = _arrive(arrive, station, reception, local(2026, 2, 25, 10), "police", age_min=60, age_max=70)
    stays["B"] = _arrive(arrive, station, reception, local(2026, 3, 5, 9), "public", sex="F", age_min=None,
                         age_max=None, date_of_birth=datetime.date(2010, 3, 10))
    stays["C"] = _arrive(arrive, station, reception, local(2026, 3, 10, 12), "urban", age_min=30, age_max=40)
    first_d = _arrive(arrive, station, reception, local(2026, 1, 10, 10), "self", sex="U", age_min=None, age_max=None)
    stays["E"] = _arrive(arrive, station, reception, local(2025, 12, 1, 10), "police", age_min=45, age_max=55)
    stays["F"] = _arrive(arrive, station, reception, local(2026, 3, 12, 10), "police", age_min=80, age_max=90)

    case_b, case_c = stays["B"].tracing_case, stays["C"].tracing_case
    publish(case_b, reception, local(2026, 3, 5, 11), reference="B-1")
    refer(TracingCase.objects.get(pk=case_b.pk), reception, local(2026, 3, 8, 9))
    publish(case_c, reception, local(2026, 3, 11, 18), reference="C-1")
    refer(TracingCase.objects.get(pk=case_c.pk), reception, local(2026, 3, 19, 12))

    Person.objects.filter(pk=stays["B"].person_id).update(fingerprints="taken", fingerprints_reference="ZW-4401-1")
    Person.objects.filter(pk=stays["C"].person_id).update(fingerprints="not_taken",
                                                          fingerprints_not_taken_reason="本人拒绝")
    for letter, at in (("E", local(2026, 2, 10, 10)), ("C", local(2026, 3, 11, 10)), ("C", local(2026, 3, 20, 10))):
        record_interview(stay=stays[letter], by=reception, words="说不清家在哪里", interviewer="李社工", held_at=at)

    depart(first_d, reception, kind="left", departed_at=local(2026, 1, 20, 10), notes="自行离开")
    stays["D"] = factories.StayFactory(person=first_d.person, arrived_at=local(2026, 3, 20, 8), found_place="广州站",
                                       brought_by="self", identity="confirmed", entered_by=reception)
    depart(stays["A"], reception, kind="ticket", departed_at=local(2026, 3, 3, 10), destination="湖南省邵阳市",
           ticket_no="G1234", ticket_amount=Decimal("100.00"), allowance=Decimal("20.00"), receipt_no="R-1",
           paid_out_by="财务 王会计")
    depart(Stay.objects.get(pk=stays["B"].pk), reception, kind="family", departed_at=local(2026, 3, 31, 23, 59),
           receiver_name="李明", receiver_relation="父亲", receiver_id_number="11010519491231002X",
           found_channel="toutiao")
    depart(Stay.objects.get(pk=stays["C"].pk), reception, kind="left", departed_at=local(2026, 4, 1, 0, 1),
           notes="自行离站")
    death = Death(died_at=local(2026, 3, 20, 10), place="市第一人民医院", cause="心力衰竭", proof_kind="medical",
                  entered_at=local(2026, 3, 20, 10))
    death.proof.save("proof.pdf", ContentFile(pdf_bytes), save=False)
    record_death(stay=stays["F"], by=reception, death=death)
    return {k: Stay.objects.get(pk=v.pk) for k, v in stays.items()}


def _arrive(arrive, station, staff, at, brought_by, **person):
    stay = arrive(station, staff, arrived_at=at, **person)
    Stay.objects.filter(pk=stay.pk).update(brought_by=brought_by)
    return Stay.objects.get(pk=stay.pk)


def depart(stay, user, **values):
    """A departure entered when it happened (the history of these fixtures is not entered late)."""
    return depart_stay(stay=stay, by=user, departure=Departure(entered_at=values["departed_at"], **values))


# --- The demo, as `make run` shows it, for page-by-page checks (labels, a phone's width, axe, journeys) ------


class DemoPages:
    """The main pages of the demo loaded by seed_demo, found by what they show (GZ station)."""

    def __init__(self):
        gz = Station.objects.get(code="GZ")
        li = Person.objects.get(station=gz, name="李秀英")
        self.person = li
        self.waiting = Stay.objects.filter(person__station=gz, state="reception").order_by("arrived_at").first()
        self.case = TracingCase.objects.filter(station=gz).exclude(publications=None).order_by("pk").first()
        self.report = FamilyReport.objects.filter(candidates__person__station=gz,
                                                  candidates__state="proposed").order_by("pk").first()
        self.interview = Interview.objects.filter(stay__person=li).first()
        self.portrait = Portrait.objects.filter(person=li).first()

    def supervisor_pages(self):
        """{name: path} of what a supervisor reads in a day."""
        return {
            "board": reverse("oversight:board"),
            "people": reverse("shelter:people"),
            "person": self.person.get_absolute_url(),
            "case": self.case.get_absolute_url(),
            "reports": reverse("family:reports"),
            "report": self.report.get_absolute_url(),
            "month": reverse("oversight:month"),
            "notifications": reverse("shelter:notifications"),
            "interviews": reverse("tracing:interviews", args=[self.interview.stay_id]),
            "interview": self.interview.get_absolute_url(),
            "portrait": reverse("face:portrait", args=[self.portrait.pk]),
            "problems": reverse("oversight:problems"),
        }

    def reception_pages(self):
        """{name: path} of the desk's pages."""
        return {
            "intake": reverse("shelter:intake"),
            "waiting": self.waiting.person.get_absolute_url(),
            "capture": reverse("face:capture", args=[self.waiting.person_id]),
            "depart": reverse("shelter:depart", args=[self.waiting.pk]),
        }


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    """The demo of `make run` (seed_demo: two stations, a user per role with the password "homeward-demo",
    people in every state), and its main pages."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    return DemoPages()


DEMO_PASSWORD = "homeward-demo"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def desk_browser(live_server, monkeypatch, tmp_path, signed_in):
    """desk_browser(username, language="zh-hans", width=1280, height=800, bypass_csp=False): a Chromium page
    logged in as that demo user, in that language, whose webcam films obama_1.jpg (Chromium's fake camera).
    The page's console errors are in `page.errors` (fixture signed_in). bypass_csp only for injecting a test tool (axe-core)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    video = tmp_path / "webcam.mjpeg"
    video.write_bytes(jpeg(frame(Image.open(FACES / "obama_1.jpg"), (640, 480))) * 30)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={video}"])

        def login(username, language="zh-hans", width=1280, height=800, bypass_csp=False):
            context = chromium.new_context(viewport={"width": width, "height": height}, bypass_csp=bypass_csp,
                                           locale="zh-CN" if language == "zh-hans" else "en-GB")
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
            return signed_in(context, username, DEMO_PASSWORD)

        try:
            yield login
        finally:
            chromium.close()
