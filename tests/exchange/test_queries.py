"""Queries about doubtful data sent to a partner system (issue 26): a supervisor sends the query from its
page; the partner reads only the query's fields and disputed items and answers it by the API, through
oversight's own step; another partner or another station gets nothing but a refusal in the audit log."""

import pytest

from exchange.models import Capability, Partner, PartnerQuery
from oversight.models import DataQuery, DataQueryState
from oversight.services import raise_query
from shelter.models import AuditEvent

SECRET = "陈秘密"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def doubtful(station, reception, supervisor, arrive):
    """A query of the station to the police about one resident's file (not yet sent to a partner system)."""
    stay = arrive(station, reception, name=SECRET)
    items = [{"problem": 41, "person": stay.person.pk, "file_no": stay.person.file_no, "name": SECRET,
              "id_number": "", "birth_date": "", "line": 2, "source_values": {"name": "陈密", "id_number": "",
                                                                             "birth_date": ""}}]
    return raise_query(station=station, department="police", department_name="广州市公安局户籍科",
                       question="贵局名单第2行与我站档案姓名不同，请核实。", items=items, by=supervisor)


def refusals():
    return AuditEvent.objects.filter(action=AuditEvent.REFUSED).count()


def test_a_supervisor_sends_a_query_and_the_partner_reads_and_answers_it(doubtful, partner, supervisor, client_as,
                                                                        give, client):
    staff = client_as(supervisor)
    page = staff.get(f"/oversight/queries/{doubtful.pk}/")
    assert "广州市公安局" in page.content.decode() and f"/exchange/queries/{doubtful.pk}/send/" in page.content.decode()
    sent = staff.post(f"/exchange/queries/{doubtful.pk}/send/", {"partner": partner.pk})
    assert sent.status_code == 302 and sent.url == f"/oversight/queries/{doubtful.pk}/"
    sending = PartnerQuery.objects.get()
    assert (sending.query, sending.partner, sending.sent_by) == (doubtful, partner, supervisor)
    assert AuditEvent.objects.filter(action=AuditEvent.CHANGE, detail__partner=partner.code).exists()
    client.logout()

    _token, key = give(partner, supervisor, [doubtful.station], capabilities=[Capability.ANSWER_QUERIES])
    listed = client.get("/api/v1/queries?state=sent", **bearer(key))
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["id"] == doubtful.pk and row["reference"] == doubtful.reference and row["state"] == "sent"
    assert row["items"] == [{"file_no": doubtful.items[0]["file_no"], "name": SECRET, "id_number": "",
                             "birth_date": "", "line": 2,
                             "source_values": {"name": "陈密", "id_number": "", "birth_date": ""}}]
    assert set(row) == {"id", "reference", "station", "station_name", "department_name", "question", "items",
                        "state", "sent_at", "answered_at", "answer"}  # the query's fields, nothing of the file
    assert client.get(f"/api/v1/queries/{doubtful.pk}", **bearer(key)).json()["question"] == doubtful.question

    answered = client.post(f"/api/v1/queries/{doubtful.pk}/answer", {"answer": " 经核实，系我局录入错误，已更正。 "},
                           content_type="application/json", **bearer(key))
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == "answered" and answered.json()["answer"] == "经核实，系我局录入错误，已更正。"
    doubtful.refresh_from_db()
    assert doubtful.state == DataQueryState.ANSWERED and doubtful.answered_at is not None
    assert doubtful.answer_recorded_by == supervisor  # the token's giver, as for the partner's lists
    sending.refresh_from_db()
    assert sending.answer_token.prefix == key.split("_")[1] and sending.answered_by_api_at is not None
    event = AuditEvent.objects.filter(action=AuditEvent.CHANGE, target="api:answer_queries").get()
    assert event.detail["objects"] == [doubtful.pk] and event.station == doubtful.station
    assert client.get("/api/v1/queries?state=sent", **bearer(key)).json() == []

    staff = client_as(supervisor)
    queries = staff.get("/oversight/queries/")
    assert queries.context["waiting"] == [] and [q.pk for q in queries.context["answered"]] == [doubtful.pk]
    page = staff.get(f"/oversight/queries/{doubtful.pk}/").content.decode()
    assert f"hw_{sending.answer_token.prefix}" in page and "经核实，系我局录入错误" in page


def test_another_partner_or_station_gets_nothing_and_a_refusal_is_audited(doubtful, partner, supervisor, give,
                                                                          client, station, other_station, make_user):
    PartnerQuery.objects.create(query=doubtful, partner=partner, sent_by=supervisor)
    hospital = Partner.objects.create(code="gz-hospital", name="广州市第一人民医院", kind="hospital",
                                      responsible=supervisor)
    hospital.stations.set([station])
    _t, other_partner = give(hospital, supervisor, [station])
    admin = make_user("root", "administrator", None)
    partner.stations.add(other_station)
    _t, other_station_key = give(partner, admin, [other_station])
    for key in (other_partner, other_station_key):
        assert client.get("/api/v1/queries", **bearer(key)).json() == []
        for path, body in ((f"/api/v1/queries/{doubtful.pk}", None),
                           (f"/api/v1/queries/{doubtful.pk}/answer", {"answer": "已核实"})):
            before = refusals()
            response = client.post(path, body, content_type="application/json", **bearer(key)) if body else \
                client.get(path, **bearer(key))
            assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
            assert SECRET not in response.content.decode()
            assert refusals() == before + 1
            event = AuditEvent.objects.filter(action=AuditEvent.REFUSED).order_by("-pk").first()
            assert event.detail["reason"] == "not_its_query" and event.detail["asked"] == doubtful.pk
    doubtful.refresh_from_db()
    assert doubtful.state == DataQueryState.SENT and doubtful.answer == ""


def test_a_query_not_sent_to_the_partner_is_not_its_own(doubtful, partner, supervisor, give, client):
    _t, key = give(partner, supervisor, [doubtful.station])
    assert client.get("/api/v1/queries", **bearer(key)).json() == []
    assert client.get(f"/api/v1/queries/{doubtful.pk}", **bearer(key)).status_code == 403


def test_an_answer_needs_words_and_is_given_once(doubtful, partner, supervisor, give, client):
    PartnerQuery.objects.create(query=doubtful, partner=partner, sent_by=supervisor)
    _t, key = give(partner, supervisor, [doubtful.station])
    path = f"/api/v1/queries/{doubtful.pk}/answer"
    empty = client.post(path, {"answer": "  "}, content_type="application/json", **bearer(key))
    assert empty.status_code == 422 and [e["field"] for e in empty.json()["errors"]] == ["answer"]
    assert client.post(path, {"answer": "已更正"}, content_type="application/json", **bearer(key)).status_code == 200
    before = refusals()
    again = client.post(path, {"answer": "再次答复"}, content_type="application/json", **bearer(key))
    assert again.status_code == 409 and again.json()["type"] == "urn:homeward:problem:state"
    assert refusals() == before + 1
    assert DataQuery.objects.get().answer == "已更正"


def test_only_the_querys_station_sends_it_and_to_its_own_partners(doubtful, partner, supervisor, reception, station,
                                                                  other_station, make_user, client_as):
    far = Partner.objects.create(code="sz-police", name="深圳市公安局", kind="police", responsible=supervisor)
    far.stations.set([other_station])
    assert client_as(reception).post(f"/exchange/queries/{doubtful.pk}/send/",
                                     {"partner": partner.pk}).status_code == 403
    other = make_user("sz-supervisor", "supervisor", other_station)
    assert client_as(other).post(f"/exchange/queries/{doubtful.pk}/send/", {"partner": far.pk}).status_code == 404
    refused = client_as(supervisor).post(f"/exchange/queries/{doubtful.pk}/send/", {"partner": far.pk})
    assert refused.status_code == 302
    assert not PartnerQuery.objects.exists()
    client_as(supervisor).post(f"/exchange/queries/{doubtful.pk}/send/", {"partner": partner.pk})
    assert PartnerQuery.objects.count() == 1
    again = client_as(supervisor).post(f"/exchange/queries/{doubtful.pk}/send/", {"partner": partner.pk}, follow=True)
    assert PartnerQuery.objects.count() == 1 and "already" in again.content.decode()
