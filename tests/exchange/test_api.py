"""The partner API: a token given by a supervisor files a family report with a photo through the desk's
form and service, reads its status and its candidates' count, reads the published notices and submits a
death list that raises problems naming the partner; errors are RFC 9457 problem details."""

import json
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.models import ApiToken, ListSubmission, Partner, PartnerReport
from exchange.services import pick_up_files
from family.models import FamilyReport, ReportedVia
from oversight.models import Problem
from shelter.models import AuditEvent


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


REPORT = {"station": "GZ", "reporter_name": "王小明", "reporter_relation": "儿子", "reporter_phone": "13912345678",
          "name": "王建国", "sex": "M", "age_min": "60", "age_max": "70", "last_seen_place": "广州火车站"}


def test_the_schema_is_openapi_3_with_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/notices", "/api/v1/notices/{pk}", "/api/v1/reports", "/api/v1/reports/{pk}", "/api/v1/lists",
            "/api/v1/lists/{pk}"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    form = schema["paths"]["/api/v1/reports"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "photos" in json.dumps(form) or "photos" in json.dumps(schema["components"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"TokenAuth": []}], f"{method} {path}"
            assert {"401", "403", "422"} <= set(operation["responses"]), f"{method} {path}"


def test_a_report_with_a_photo_is_filed_as_at_the_desk_and_its_status_read(
        client, station, supervisor, reception, partner, give, photo, resident, committed):
    resident(station, reception, committed, face="obama_1", name="王建国")
    token, key = give(partner, supervisor, [station])
    with committed():
        response = client.post("/api/v1/reports", {**REPORT, "photos": [_file(photo("obama_2"))]}, **bearer(key))
    assert response.status_code == 201, response.content
    body = response.json()
    report = FamilyReport.objects.get(pk=body["id"])
    assert (report.station, report.reported_via, report.taken_by) == (station, ReportedVia.PARTNER, None)
    assert report.photos.count() == 1 and report.name == "王建国"
    assert PartnerReport.objects.get(report=report).partner == partner
    event = AuditEvent.objects.get(action=AuditEvent.CREATE, target="api:file_reports")
    assert event.detail["partner"] == "gz-police" and event.detail["objects"] == [report.pk]
    assert event.station == station
    status = client.get(f"/api/v1/reports/{report.pk}", **bearer(key))
    assert status.status_code == 200
    assert status.json()["reference"] == report.reference
    assert status.json()["candidates"]["proposed"] == 1  # the same face search as the desk's
    assert "file_no" not in status.content.decode() and "王建国" not in status.content.decode()
    # The face search the report ran is audited at the station handling it, with the API's path.
    search = AuditEvent.objects.get(action=AuditEvent.FACE_SEARCH, detail__report=report.reference)
    assert (search.station, search.user, search.path) == (station, None, "/api/v1/reports")


def _file(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_the_desks_checks_refuse_with_field_errors(client, station, supervisor, partner, give):
    _token, key = give(partner, supervisor, [station])
    response = client.post("/api/v1/reports", {**REPORT, "reporter_phone": "12", "id_number": "110105194912310022",
                                               "photos": [_file(b"not a picture", "x.jpg")]}, **bearer(key))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["type"].startswith("urn:homeward:problem:")
    fields = {e["field"] for e in problem["errors"]}
    assert {"reporter_phone", "id_number", "photos"} <= fields
    assert not FamilyReport.objects.exists()
    nothing = client.post("/api/v1/reports", {"station": "GZ", "reporter_name": "王小明", "reporter_relation": "儿子",
                                                 "reporter_phone": "13912345678"},
                          **bearer(key))
    assert nothing.status_code == 422  # neither name nor photo: the desk's own rule


def test_the_same_idempotency_key_files_once(client, station, supervisor, partner, give):
    _token, key = give(partner, supervisor, [station])
    once = str(uuid.uuid4())
    first = client.post("/api/v1/reports", REPORT, HTTP_IDEMPOTENCY_KEY=once, **bearer(key))
    again = client.post("/api/v1/reports", REPORT, HTTP_IDEMPOTENCY_KEY=once, **bearer(key))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and FamilyReport.objects.count() == 1


def test_notices_are_read_with_their_public_fields_for_the_tokens_stations(
        client, station, other_station, supervisor, reception, make_user, partner, give, arrive, publish):
    here = arrive(station, reception, name="甲", id_number="110105194912310021")
    publish(here.tracing_case, reception)
    there_staff = make_user("sz", "reception", other_station)
    there = arrive(other_station, there_staff, name="乙")
    publish(there.tracing_case, there_staff, reference="SZ-1")
    _token, key = give(partner, supervisor, [station])
    body = client.get("/api/v1/notices", **bearer(key)).json()
    assert [n["name"] for n in body["items"]] == ["甲"]
    assert "110105194912310021" not in json.dumps(body)
    assert client.get(f"/api/v1/notices/{there.tracing_case.pk}", **bearer(key)).status_code == 403
    assert client.get(f"/api/v1/notices/{here.tracing_case.pk}", **bearer(key)).json()["name"] == "甲"
    listed = AuditEvent.objects.get(action=AuditEvent.LIST, target="api:read_notices")
    assert listed.detail["objects"] == [here.tracing_case.pk]


def test_a_death_list_raises_problems_naming_the_partner_and_the_month_shows_who_sent(
        client, client_as, station, supervisor, reception, partner, give, arrive):
    dead = arrive(station, reception, name="张三", id_number="110105194912310021")
    _token, key = give(partner, supervisor, [station])
    rows = [{"name": "张三", "id_number": "110105194912310021"}, {"name": "无关", "id_number": "11010519491231002X"}]
    response = client.post("/api/v1/lists", {"station": "GZ", "kind": "deaths", "month": "2026-11", "rows": rows},
                           content_type="application/json", **bearer(key))
    assert response.status_code == 201, response.content
    assert response.json()["hits"] == 1 and response.json()["rows"] == 2
    problem = Problem.objects.get(kind="comparison_hit")
    assert problem.person == dead.person and problem.params["source"] == "广州市公安局"
    quiet = Partner.objects.create(code="gz-health", name="广州市卫健委", kind="hospital", responsible=supervisor,
                                   sends_death_records=True)
    quiet.stations.set([station])
    page = client_as(supervisor).get(reverse("exchange:month"), {"month": "2026-11"}).content.decode()
    assert "广州市公安局" in page and "广州市卫健委" in page
    assert page.count("not received") + page.count("未收到") == 1
    assert ListSubmission.objects.get().month.isoformat() == "2026-11-01"


def test_a_file_dropped_in_the_folder_is_compared_once(station, supervisor, reception, partner, arrive, tmp_path,
                                                        settings):
    arrive(station, reception, name="张三", id_number="110105194912310021")
    (tmp_path / "gz-police").mkdir()
    (tmp_path / "gz-police" / "2026-11.csv").write_text("姓名,身份证号,出生日期\n张三,110105194912310021,\n",
                                                         encoding="utf-8")
    (tmp_path / "gz-police" / "broken.xlsx").write_bytes(b"no sheet")
    settings.EXCHANGE_DROP_DIR = str(tmp_path)
    made = pick_up_files()
    assert len(made) == 1 and len(made[0].comparison.hits) == 1 and made[0].via == "folder"
    assert Problem.objects.get(kind="comparison_hit").params["source"] == "广州市公安局"
    assert pick_up_files() == []  # each file once


def test_rate_and_size_limits(client, station, supervisor, partner, give, settings):
    _token, key = give(partner, supervisor, [station])
    settings.API_RATE = "2/min"
    codes = [client.get("/api/v1/notices", **bearer(key)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    settings.API_RATE = "100/min"
    settings.API_MAX_BYTES = 100
    big = client.post("/api/v1/lists", {"station": "GZ", "month": "2026-11", "rows": [{"name": "x" * 200}]},
                      content_type="application/json", **bearer(key))
    assert big.status_code == 413 and big["Content-Type"] == "application/problem+json"


def test_the_key_is_kept_hashed(station, supervisor, partner, give):
    token, key = give(partner, supervisor, [station])
    row = ApiToken.objects.get(pk=token.pk)
    assert key.split("_", 2)[2] not in json.dumps(list(ApiToken.objects.values_list()), default=str)
    assert row.matches(key.split("_", 2)[2])


def test_a_reception_clerk_may_not_give_tokens_and_a_supervisor_only_for_their_station(
        client_as, station, other_station, supervisor, reception, partner):
    assert client_as(reception).get(reverse("exchange:tokens")).status_code == 403
    client = client_as(supervisor)
    refused = client.post(reverse("exchange:tokens"), {"partner": partner.pk, "stations": [other_station.pk],
                                                       "capabilities": ["read_notices"], "expires_on": "2027-01-01"})
    assert refused.status_code == 400 and not ApiToken.objects.exists()
    given = client.post(reverse("exchange:tokens"), {"partner": partner.pk, "stations": [station.pk],
                                                     "capabilities": ["read_notices"], "expires_on": "2027-01-01"})
    assert given.status_code == 200 and ApiToken.objects.count() == 1
    assert "hw_" in given.content.decode()
    token = ApiToken.objects.get()
    client.post(reverse("exchange:revoke", args=[token.pk]), {"reason": "系统停用"})
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoke_reason == "系统停用"


def test_a_field_the_schema_refuses_is_explained_in_the_partners_language(client, station, supervisor, partner, give,
                                                                           settings):
    """The schema's own refusals (pydantic's messages are English only) come in the site's language
    (Chinese), or in the one the partner's program asks for (Accept-Language), with pydantic's type as
    the code."""
    settings.LANGUAGE_CODE = "zh-hans"
    _token, key = give(partner, supervisor, [station])
    chinese = client.get("/api/v1/notices", {"page": "x"}, **bearer(key))
    assert chinese.status_code == 422
    problem = chinese.json()
    errors = {e["field"]: e for e in problem["errors"]}
    assert problem["title"] == "部分字段无效。"
    assert errors["page"] == {"field": "page", "messages": ["请输入整数。"], "code": "int_parsing"}
    english = client.get("/api/v1/notices", {"page": "x"}, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9", **bearer(key))
    assert english.json()["errors"] == [{"field": "page", "messages": ["Enter a whole number."], "code": "int_parsing"}]
    assert english.json()["title"] == "Some fields are not valid."
    missing = client.post("/api/v1/lists", "{}", content_type="application/json", **bearer(key))
    assert missing.status_code == 422
    assert {e["code"] for e in missing.json()["errors"]} == {"missing"}
    assert all(e["messages"] == ["此项为必填项。"] for e in missing.json()["errors"])
