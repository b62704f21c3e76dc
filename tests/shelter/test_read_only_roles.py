"""Read-only roles (the station head, the inspector) get the same answer from every write path: 403 and a
refusal in the audit log (issue 25). The service form posted to the file page used to come back as the
file page (200), with nothing saved, nothing said and nothing logged."""

import pytest
from django.urls import reverse
from django.utils import timezone

from shelter.hooks import READ_ONLY_WRITES
from shelter.middleware import OWN_ACCOUNT
from shelter.models import AuditEvent, Service
from tests.config.test_authorisation import PUBLIC, SLUGS, parameters, url_names
from tests.factories import StayFactory


@pytest.fixture
def stay(station, reception):
    return StayFactory(person__station=station, person__created_by=reception, entered_by=reception)


def service_fields():
    return {"svc-kind": "meal", "svc-given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "svc-notes": "午饭"}


@pytest.mark.parametrize("role", ["station_head", "inspector"])
@pytest.mark.parametrize("where", ["file", "service"])
def test_a_read_only_role_posting_the_service_form_is_refused_and_logged(client_as, make_user, station, stay,
                                                                         role, where):
    user = make_user("reader", role, None if role == "inspector" else station)
    client = client_as(user)
    client.cookies["django_language"] = "zh-hans"
    url = stay.person.get_absolute_url() if where == "file" else reverse("shelter:add_service", args=[stay.pk])
    response = client.post(url, service_fields())
    assert response.status_code == 403
    assert not Service.objects.filter(stay=stay).exists()
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.REFUSED, detail__status=403).count() == 1
    # The page says what the role may do, not to ask a supervisor.
    page = response.content.decode()
    assert "请联系主管" not in page and "只能查阅档案和统计数据" in page


def test_a_read_only_role_still_logs_out_and_changes_language(client_as, make_user, station):
    client = client_as(make_user("head", "station_head", station))
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.REFUSED).exists()


def test_the_desk_still_posts_to_its_forms(client_as, reception, stay):
    response = client_as(reception).post(reverse("shelter:add_service", args=[stay.pk]), service_fields())
    assert response.status_code == 302
    assert Service.objects.filter(stay=stay).count() == 1


@pytest.mark.parametrize("role", ["station_head", "inspector"])
def test_every_write_path_answers_a_read_only_role_403_and_logs_it(client_as, make_user, station, role):
    """Whatever the page, a POST from a read-only role is refused the same way (their own account aside, and
    the inspector's one write, a finding, tested in tests/oversight/test_findings.py)."""
    user = make_user("reader", role, None if role == "inspector" else station)
    client = client_as(user)
    asked = 0
    for name, route in url_names():
        if name in PUBLIC or name in OWN_ACCOUNT or user.has_perm(READ_ONLY_WRITES.get(name, "-")):
            continue
        kwargs = {param: 1 if converter in ("int", "") and param in ("pk", "other") else SLUGS.get(param, 1)
                  for converter, param in parameters(route)}
        url = reverse(name, kwargs=kwargs)
        response = client.post(url, {"reason": "检查", "name": "x"})
        assert response.status_code == 403, (name, response.status_code)
        asked += 1
    assert asked > 30
    assert AuditEvent.objects.filter(user=user, action=AuditEvent.REFUSED, detail__status=403).count() == asked
