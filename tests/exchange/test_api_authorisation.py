"""The partner API's authorisation matrix: every operation, asked for another station's records, with no
token, a wrong one, an expired one, a revoked one, a token lacking the capability, a token of this
partner for another station and a token of another partner for the same station. Each answer is 401 or
403 with an audit entry, and never the records; the lists answer only the token's own."""

import datetime

import pytest
from django.utils import timezone

from exchange.models import ApiToken, Capability, Partner, PartnerQuery
from oversight.services import raise_query
from shelter.models import AuditEvent
from tests.config.test_authorisation import API, url_names
from tests.factories import StationFactory

REPORT = {"station": "FS", "reporter_name": "陈大文", "reporter_relation": "儿子", "reporter_phone": "13912345678", "name": "陈秘密", "sex": "M"}
LIST = {"station": "FS", "kind": "deaths", "month": "2026-11", "rows": [{"name": "陈秘密", "id_number": ""}]}
SECRET = "陈秘密"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key is not None else {}


@pytest.fixture
def there(db, client, make_user, arrive, publish, give):
    """At Foshan: a published notice, a report and a list filed by Foshan's police with its own token."""
    fs = StationFactory(code="FS", name="Foshan Rescue Station")
    staff = make_user("fs-supervisor", "supervisor", fs)
    stay = arrive(fs, staff, name=SECRET)
    publish(stay.tracing_case, staff, reference="FS-1")
    police = Partner.objects.create(code="fs-police", name="佛山市公安局", kind="police", responsible=staff)
    police.stations.set([fs])
    _token, key = give(police, staff, [fs])
    filed = client.post("/api/v1/reports", REPORT, **bearer(key)).json()
    assert "id" in filed, filed
    report = filed["id"]
    listed = client.post("/api/v1/lists", LIST, content_type="application/json", **bearer(key)).json()["id"]
    query = raise_query(station=fs, department="police", department_name=police.name, question="请核实",
                        items=[{"file_no": stay.person.file_no, "name": SECRET, "line": 1}], by=staff)
    PartnerQuery.objects.create(query=query, partner=police, sent_by=staff)
    return {"station": fs, "staff": staff, "police": police, "case": stay.tracing_case.pk, "report": report,
            "list": listed, "query": query.pk}


def operations(there):
    """name: (method, path, body, content type)."""
    return {
        "api:notices": ("get", "/api/v1/notices", None, None),
        "api:notice": ("get", f"/api/v1/notices/{there['case']}", None, None),
        "api:reports": ("post", "/api/v1/reports", REPORT, None),
        "api:report_list": ("get", "/api/v1/reports", None, None),
        "api:report": ("get", f"/api/v1/reports/{there['report']}", None, None),
        "api:lists": ("post", "/api/v1/lists", LIST, "application/json"),
        "api:list": ("get", f"/api/v1/lists/{there['list']}", None, None),
        "api:queries": ("get", "/api/v1/queries", None, None),
        "api:query": ("get", f"/api/v1/queries/{there['query']}", None, None),
        "api:query_answer": ("post", f"/api/v1/queries/{there['query']}/answer", {"answer": "已核实"},
                             "application/json"),
    }


CAPABILITY = {"api:notices": "read_notices", "api:notice": "read_notices", "api:reports": "file_reports",
              "api:report_list": "read_reports", "api:report": "read_reports", "api:lists": "submit_lists",
              "api:list": "submit_lists", "api:queries": "answer_queries", "api:query": "answer_queries",
              "api:query_answer": "answer_queries"}
# The list operations answer 200 with the token's own records only (none here), not a refusal.
LISTS = {"api:notices", "api:report_list", "api:queries"}


def test_every_operation_is_in_the_matrix(there):
    named = {name for name, _route in url_names() if name.startswith("api:")} - {"api:openapi-json", "api:api-root"}
    assert named == set(operations(there)) == set(CAPABILITY)
    assert named <= API


@pytest.fixture
def keys(there, station, supervisor, partner, give, make_user):
    """The keys that must open nothing at Foshan."""
    _t, expired = give(partner, supervisor, [station])
    ApiToken.objects.filter(prefix=expired.split("_")[1]).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    revoked_token, revoked = give(partner, supervisor, [station])
    ApiToken.objects.filter(pk=revoked_token.pk).update(revoked_at=timezone.now(), revoke_reason="test")
    _t, other_station = give(partner, supervisor, [station])
    admin = make_user("root", "administrator", None)
    other_partner = Partner.objects.create(code="fs-hospital", name="佛山市第一人民医院", kind="hospital",
                                           responsible=there["staff"])
    _t, same_station_other_partner = give(other_partner, admin, [there["station"]])
    real = there["police"].tokens.first().prefix
    return {
        "none": (None, 401), "garbage": ("nonsense", 401), "wrong secret": (f"hw_{real}_guessed", 401),
        "expired": (expired, 401), "revoked": (revoked, 401),
        "other station": (other_station, 403), "other partner": (same_station_other_partner, 403),
    }


def test_no_key_opens_another_stations_or_partners_records(client, there, keys):
    for name, (method, path, body, content_type) in operations(there).items():
        for scenario, (key, status) in keys.items():
            if scenario == "other partner" and name in ("api:notices", "api:notice", "api:reports", "api:lists"):
                continue  # its token is for Foshan: it reads its notices, files reports and lists there
            before = AuditEvent.objects.filter(action=AuditEvent.REFUSED).count()
            kwargs = {"content_type": content_type} if content_type else {}
            response = getattr(client, method)(path, body, **kwargs, **bearer(key)) if body else \
                getattr(client, method)(path, **bearer(key))
            text = response.content.decode()
            assert SECRET not in text, f"{name} {scenario}"
            if name in LISTS and status == 403:
                assert response.status_code == 200, f"{name} {scenario}: {response.status_code}"
                assert response.json() in ([], {"items": [], "next_page": None}), f"{name} {scenario}"
                continue
            assert response.status_code == status, f"{name} {scenario}: {response.status_code} {text}"
            assert response["Content-Type"] == "application/problem+json", f"{name} {scenario}"
            assert AuditEvent.objects.filter(action=AuditEvent.REFUSED).count() == before + 1, f"{name} {scenario}"


def test_a_missing_capability_is_refused_for_each_operation(client, there, give):
    police, fs, staff = there["police"], there["station"], there["staff"]
    for name, (method, path, body, content_type) in operations(there).items():
        others = [c for c in Capability.values if c != CAPABILITY[name]]
        _t, key = give(police, staff, [fs], capabilities=others)
        before = AuditEvent.objects.filter(action=AuditEvent.REFUSED).count()
        kwargs = {"content_type": content_type} if content_type else {}
        response = getattr(client, method)(path, body, **kwargs, **bearer(key)) if body else \
            getattr(client, method)(path, **bearer(key))
        assert response.status_code == 403, name
        assert response.json()["type"] == "urn:homeward:problem:capability", name
        assert SECRET not in response.content.decode(), name
        event = AuditEvent.objects.filter(action=AuditEvent.REFUSED).order_by("-pk").first()
        assert AuditEvent.objects.filter(action=AuditEvent.REFUSED).count() == before + 1, name
        assert event.detail["partner"] == "fs-police" and event.detail["capability"] == CAPABILITY[name]


def test_the_tokens_own_records_open(client, there, give):
    _t, key = give(there["police"], there["staff"], [there["station"]])
    for name, (method, path, body, content_type) in operations(there).items():
        kwargs = {"content_type": content_type} if content_type else {}
        response = getattr(client, method)(path, body, **kwargs, **bearer(key)) if body else \
            getattr(client, method)(path, **bearer(key))
        assert response.status_code in (200, 201), f"{name}: {response.status_code} {response.content}"
