"""Logging in: one lockout for every way in (the admin's log-in goes through the site's form), counted per
user name and address and per address, reset by a success, unlocked by a supervisor of the station."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from lib.http import client_ip
from shelter.models import AuditEvent

SITE, ADMIN = "login", "admin:login"


def attempt(client, where, username, password, address="10.0.0.5"):
    return client.post(reverse(where), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, where=SITE, address="10.0.0.5"):
    for _ in range(times):
        response = attempt(client, where, username, "wrong", address)
        assert response.status_code in (200, 429)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_login_is_locked_after_repeated_failures(client, reception, settings):
    fail(client, "reception", settings.LOGIN_MAX_FAILURES)
    response = attempt(client, SITE, "reception", "pw-reception")
    assert response.status_code == 429 and "Too many failed attempts" in response.content.decode()
    assert not logged_in(client)


def test_the_admin_has_no_log_in_of_its_own_to_guess_at(db, client, settings, make_user):
    """The admin's log-in sends to the site's, so its lockout (and two-factor check) covers the admin:
    a password posted to the admin's page is not even checked."""
    make_user("boss", "administrator", None, is_staff=True)
    response = attempt(client, ADMIN, "boss", "pw-boss")
    assert response.status_code == 302 and response.url.startswith(reverse(SITE)) and not logged_in(client)
    fail(client, "boss", settings.LOGIN_MAX_FAILURES)
    assert attempt(client, SITE, "boss", "pw-boss").status_code == 429


def test_failures_from_another_address_do_not_lock_the_owner_out(client, reception, settings):
    """Anyone could otherwise lock any account with five anonymous requests."""
    fail(client, "reception", settings.LOGIN_MAX_FAILURES, address="10.9.9.9")
    response = attempt(Client(), SITE, "reception", "pw-reception", address="10.0.0.5")
    assert response.status_code == 302


def test_one_address_trying_many_names_is_locked(client, reception, settings):
    """Only after many more failures than one name's: see the next test."""
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 12
    for i in range(settings.LOGIN_MAX_FAILURES_PER_ADDRESS):
        attempt(client, SITE, f"guess{i}", "wrong", address="10.6.6.6")
    assert attempt(client, SITE, "reception", "pw-reception", address="10.6.6.6").status_code == 429
    assert attempt(Client(), SITE, "reception", "pw-reception", address="10.0.0.5").status_code == 302


def test_a_few_mistakes_at_a_station_behind_one_address_lock_nobody_else_out(client, reception, settings):
    """The desks of a station reach the site from one address (its NAT or proxy): five names mistyped
    there once each must not lock out the next person who types the right password."""
    for i in range(settings.LOGIN_MAX_FAILURES):
        attempt(Client(), SITE, f"desk{i}", "wrong", address="10.6.6.6")
    assert settings.LOGIN_MAX_FAILURES_PER_ADDRESS > settings.LOGIN_MAX_FAILURES
    assert attempt(client, SITE, "reception", "pw-reception", address="10.6.6.6").status_code == 302


def test_a_supervisors_unlock_also_opens_the_address_the_account_was_locked_at(reception, supervisor, settings,
                                                                                client_as, make_user):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 12
    make_user("nurse", "reception", supervisor.station)
    fail(Client(), "nurse", settings.LOGIN_MAX_FAILURES, address="10.6.6.6")  # locked in its own right
    for i in range(settings.LOGIN_MAX_FAILURES_PER_ADDRESS):
        attempt(Client(), SITE, f"guess{i}", "wrong", address="10.6.6.6")
    assert attempt(Client(), SITE, "reception", "pw-reception", address="10.6.6.6").status_code == 429
    client_as(supervisor).post(reverse("accounts:locked"), {"username": "reception"})
    assert attempt(Client(), SITE, "reception", "pw-reception", address="10.6.6.6").status_code == 302
    assert attempt(Client(), SITE, "nurse", "pw-nurse", address="10.6.6.6").status_code == 429


def test_a_success_does_not_wipe_the_guesses_at_other_names(client, reception, settings, make_user):
    """Else one's own account would reset the count between guesses at someone else's."""
    make_user("nurse", "reception", reception.station)
    fail(Client(), "nurse", settings.LOGIN_MAX_FAILURES - 1, address="10.6.6.6")
    assert attempt(Client(), SITE, "reception", "pw-reception", address="10.6.6.6").status_code == 302
    fail(Client(), "nurse", 1, address="10.6.6.6")
    assert attempt(Client(), SITE, "nurse", "pw-nurse", address="10.6.6.6").status_code == 429


def test_a_success_resets_the_count(client, reception, settings):
    fail(client, "reception", settings.LOGIN_MAX_FAILURES - 1)
    assert attempt(client, SITE, "reception", "pw-reception").status_code == 302
    client.logout()
    fail(client, "reception", settings.LOGIN_MAX_FAILURES - 1)
    assert attempt(client, SITE, "reception", "pw-reception").status_code == 302


def test_a_supervisor_unlocks_an_account_of_their_station(client, reception, supervisor, settings, client_as):
    fail(Client(), "reception", settings.LOGIN_MAX_FAILURES)
    page = client_as(supervisor).get(reverse("accounts:locked"))
    assert page.status_code == 200 and "reception" in page.content.decode()
    response = client_as(supervisor).post(reverse("accounts:locked"), {"username": "reception"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(user=supervisor, target="account reception").exists()
    assert attempt(Client(), SITE, "reception", "pw-reception").status_code == 302


def test_another_station_cannot_unlock(reception, other_station, settings, client_as, make_user):
    stranger = make_user("stranger", "supervisor", other_station)
    fail(Client(), "reception", settings.LOGIN_MAX_FAILURES)
    assert "reception" not in client_as(stranger).get(reverse("accounts:locked")).content.decode()
    assert client_as(stranger).post(reverse("accounts:locked"), {"username": "reception"}).status_code == 404
    assert attempt(Client(), SITE, "reception", "pw-reception").status_code == 429


def test_reception_may_not_unlock(reception, client_as):
    assert client_as(reception).get(reverse("accounts:locked")).status_code == 403


@pytest.mark.parametrize("remote, forwarded, expected", [
    ("10.0.0.5", "", "10.0.0.5"),
    ("10.0.0.5", "1.2.3.4", "10.0.0.5"),  # not from the proxy: the header is anyone's to write
    ("127.0.0.1", "10.0.0.7", "10.0.0.7"),  # from the proxy: the desk behind it
    ("127.0.0.1", "6.6.6.6, 10.0.0.7", "10.0.0.7"),  # a forged first hop is not believed
])
def test_the_client_address_is_taken_from_the_trusted_proxy_only(db, settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
