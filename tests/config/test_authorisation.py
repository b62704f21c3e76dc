"""Who may open what, over every URL of the product (the admin's aside: it has its own permissions):
nobody signed out, and nobody of another station. Each URL is asked with the ids of another station's
records, as anonymous and as each role of this station; a new URL must be named below (with the record
its ids point to), so a new view without its checks fails here."""

import datetime
import re

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from exchange.models import Partner
from exchange.services import issue_token
from face.models import Portrait
from face.services import take_portrait
from family.models import Candidate, PossibleDuplicate, ReportPhoto
from family.services import register_report
from oversight.models import DataComparison, DataQuery, FinanceComparison, Problem
from shelter.models import Notification, SecondCheck, Transfer, target_key
from tests.factories import FamilyReportFactory, PersonFactory, StationFactory, StayFactory
from tracing.models import Publication
from tracing.services import publish_notice, record_interview

# Pages anyone may open signed out: the log-in and its password reset, the health check, the language.
PUBLIC = {"login", "healthz", "set_language", "password_reset", "password_reset_done", "password_reset_confirm",
          "password_reset_complete",
          # The published notices (issue 26): their public fields only (tests/notices/test_public.py).
          "notices:search", "notices:station", "notices:notice", "notices:photo", "notices:atom", "notices:json_feed",
          "notices:pfif", "api:openapi-json"}
# The partner API (/api/v1/): no session opens it, a bearer token does; its matrix over every operation
# and token scope is tests/exchange/test_api_authorisation.py (which fails on an operation not named there).
API = {"api:notices", "api:notice", "api:reports", "api:report_list", "api:report", "api:lists", "api:list",
       "api:queries", "api:query", "api:query_answer", "api:api-root"}
# Pages of no record (lists, forms, the month): scoped to the user's own station by their views.
NO_RECORD = {"home", "logout", "password_change", "password_change_done", "accounts:locked", "accounts:two_factor",
             "shelter:people", "shelter:intake", "shelter:transfers", "shelter:late", "shelter:notifications",
             "shelter:notifications_read", "shelter:notification_badge", "shelter:audit", "shelter:checks", "family:reports",
             "family:report_new", "oversight:board", "oversight:list", "oversight:problems", "oversight:problem_ledger",
             "oversight:inspections", "oversight:comparisons", "oversight:comparison_upload", "oversight:month",
             "oversight:figure", "oversight:ledger", "oversight:month_pdf", "oversight:finance", "oversight:finance_upload",
             "oversight:findings", "oversight:queries", "oversight:query_new",
             "exchange:tokens", "exchange:month"}
# The slugs a URL needs to reach its view.
SLUGS = {"name": "admit", "action": "query", "kind": "notice", "stage": "overdue", "key": "arrivals", "fmt": "xlsx",
         "uidb64": "MQ", "token": "set-password"}
WORDS = "俺是湖南的，屋里在隆回那边，俺哥叫王建军。"


def url_names(resolver=None, prefix=""):
    """(name, route pattern) of every URL but the admin's."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from url_names(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif entry.name:
            yield f"{prefix}{entry.name}", str(entry.pattern)


def parameters(route):
    return re.findall(r"<(?:(\w+):)?(\w+)>", route)


@pytest.fixture
def elsewhere(db, webcam, make_user):
    """A record of every kind at another station (its ids are what this station's users ask for)."""
    there = StationFactory(code="FS", name="Foshan Rescue Station")
    staff = make_user("fs-supervisor", "supervisor", there)
    stay = StayFactory(person=PersonFactory(station=there, sex="M", age_min=60, age_max=70, created_by=staff),
                       entered_by=staff, staff_in_charge=staff)
    person, case = stay.person, stay.tracing_case
    other = PersonFactory(station=there, name="张三", created_by=staff)
    portrait, _quality = take_portrait(person=person, data=webcam("obama_1"), by=staff, source=Portrait.WEBCAM)
    publish_notice(case=case, by=staff, publication=Publication(
        channel="national", published_at=timezone.now(), reference="FS-1", entered_at=timezone.now()))
    interview = record_interview(stay=stay, by=staff, words=WORDS, interviewer="李娟")
    report = register_report(report=FamilyReportFactory.build(name="王建国", sex="M"), by=staff)
    photo = ReportPhoto(report=report, uploaded_by=staff)
    photo.image.save("x.jpg", ContentFile(webcam("leslie_1")))
    candidate = Candidate.objects.create(report=report, person=person, score=0.9)
    warning = PossibleDuplicate.objects.create(person=person, other=other, found_by="intake")
    problem = Problem.build(kind="no_portrait", key=f"no_portrait:person:{other.pk}", station_id=there.pk,
                            person_id=other.pk, now=timezone.now())
    problem.save()
    comparison = DataComparison.objects.create(station=there, source="公安局", file_name="x.csv", uploaded_by=staff)
    finance = FinanceComparison.objects.create(station=there, month=datetime.date(2026, 11, 1), file_name="x.xlsx",
                                               uploaded_by=staff, sheet={}, result={})
    query = DataQuery.objects.create(station=there, department="police", department_name="佛山市公安局",
                                     question="身份证号存疑", items=[{"file_no": person.file_no}], sent_by=staff)
    third = StationFactory(code="ZS", name="Zhongshan Rescue Station")
    transfer = Transfer.objects.create(stay=stay, person=person, from_station=there, to_station=third,
                                       requested_by=staff)
    notification = Notification.objects.create(user=staff, station=there, kind="problem_new", params={"count": 1})
    partner = Partner.objects.create(code="fs-police", name="佛山市公安局", kind="police", responsible=staff)
    token, _key = issue_token(partner=partner, stations=[there], capabilities=["read_notices"], by=staff,
                              expires_at=timezone.now() + datetime.timedelta(days=30))
    second_check = SecondCheck.objects.create(decision="late_entry", station=there, entered_by=staff, **target_key(stay))
    return {
        "shelter:person": {"pk": person.pk}, "shelter:return": {"pk": person.pk}, "shelter:correct": {"pk": person.pk},
        "shelter:merge": {"pk": person.pk, "other": other.pk},
        "shelter:transition": {"pk": stay.pk, "name": "admit"},
        **{f"shelter:{name}": {"pk": stay.pk} for name in (
            "add_service", "depart", "death", "review", "handover", "death_report", "death_report_pdf", "body",
            "death_belongings")},
        "shelter:body_step": {"pk": stay.pk, "name": "claim"},
        "shelter:document": {"kind": "handover", "pk": stay.pk},
        "shelter:stay_form_pdf": {"pk": stay.pk, "form": "registration"},
        "shelter:referrer_letter": {"pk": stay.pk},
        "shelter:transfer": {"pk": transfer.pk},
        "shelter:late_seen": {"kind": "stay", "pk": stay.pk},
        "shelter:notification_open": {"pk": notification.pk},
        "shelter:check": {"pk": second_check.pk},
        "tracing:act": {"pk": case.pk, "action": "query"},
        "tracing:accept_stated_time": {"pk": case.pk, "kind": "notice"},
        **{f"tracing:{name}": {"pk": case.pk} for name in ("case", "notice", "notice_pdf", "dna_letter")},
        "tracing:publication": {"pk": case.publications.get().pk, "name": "update"},
        "tracing:interviews": {"pk": stay.pk},
        **{f"tracing:{name}": {"pk": interview.pk} for name in ("interview", "interview_audio", "police_letter")},
        "tracing:clue": {"pk": interview.clues.first().pk, "name": "accept"},
        "family:report_step": {"pk": report.pk, "name": "close"},
        **{f"family:{name}": {"pk": report.pk} for name in (
            "report", "report_candidates", "report_photos", "report_search")},
        "family:report_photo": {"pk": photo.pk},
        "family:review": {"pk": candidate.pk, "name": "confirm"},
        "family:dismiss_duplicate": {"pk": warning.pk},
        "oversight:problem_accept": {"pk": problem.pk},
        "oversight:finding_fixed": {"pk": problem.pk},
        **{f"oversight:{name}": {"pk": query.pk} for name in ("query", "query_answer", "query_letter", "query_items")},
        "oversight:comparison": {"pk": comparison.pk},
        "oversight:finance_result": {"pk": finance.pk},
        "notices:package": {"pk": case.pk, "platform": "national"},
        "exchange:revoke": {"pk": token.pk},
        "exchange:query_send": {"pk": query.pk},
        **{f"face:{name}": {"pk": person.pk} for name in ("capture", "live_check", "portraits")},
        **{f"face:{name}": {"pk": portrait.pk} for name in ("portrait", "make_main", "hide", "image")},
    }


def kwargs_for(name, route, records):
    if name in records:
        return records[name]
    if name in API:
        return {param: 1 for _converter, param in parameters(route)}
    return {param: SLUGS[param] for _converter, param in parameters(route)}


def test_every_url_is_named_here(elsewhere):
    """A URL with a record's id must say which record; one without must be known as such."""
    unnamed = {name for name, route in url_names()
               if name not in elsewhere and name not in NO_RECORD and name not in PUBLIC and name not in API}
    assert unnamed == set()


def test_signed_out_nothing_opens_but_the_log_in(client, elsewhere):
    for name, route in url_names():
        if name in PUBLIC:
            continue
        url = reverse(name, kwargs=kwargs_for(name, route, elsewhere))
        for method in (client.get, client.post):
            response = method(url)
            allowed = (302, 401, 403, 404, 405) if name in API else (302, 403, 404, 405)
            assert response.status_code in allowed, f"{method.__name__} {url}"
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), f"{method.__name__} {url}"


@pytest.mark.parametrize("role", ["reception", "supervisor", "station_head"])
def test_no_role_opens_or_changes_another_stations_record(client_as, station, make_user, elsewhere, role):
    client = client_as(make_user(f"gz-{role}", role, station))
    for name in elsewhere:
        url = reverse(name, kwargs=elsewhere[name])
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), f"{role} {method.__name__} {url}: {response.status_code}"


def every_row():
    """Every row of every model that a step could change (the audit log, sessions, log-in counters and
    the reader's own notifications aside), as values."""
    skipped = {"shelter.auditevent", "shelter.notification", "shelter.heartbeat", "sessions.session"}
    return {model._meta.label_lower: sorted(map(repr, model._default_manager.values_list()))
            for model in apps.get_models()
            if model._meta.label_lower not in skipped and model._meta.app_label not in ("axes", "admin")}


def test_the_inspector_reads_every_station_and_changes_nothing(client_as, station, make_user, elsewhere):
    client = client_as(make_user("inspector", "inspector", None))
    before = every_row()
    for name, route in url_names():
        if name in PUBLIC or name == "logout":
            continue
        url = reverse(name, kwargs=kwargs_for(name, route, elsewhere))
        client.post(url, {"reason": "检查", "name": "x"})
    assert every_row() == before
    assert client.get(reverse("tracing:case", kwargs=elsewhere["tracing:case"])).status_code == 200
