"""Two-factor sign-in, optional per user: once on, the log-in (the site's, which the admin's goes
through too) needs the authenticator app's code; a wrong code counts as a failed log-in."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import TwoFactorRefused, switch_two_factor, two_factor_device
from shelter.models import AuditEvent


@pytest.fixture(autouse=True)
def no_throttle(settings):
    """django-otp slows retries after a wrong code (its own rule, tested there); these tests type a wrong
    code and then the right one at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device, later=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def log_in(username, password, token="", next_url=""):
    client = Client()
    response = client.post(reverse("login") + (f"?next={next_url}" if next_url else ""),
                           {"username": username, "password": password, "otp_token": token})
    return client, response


def turn_on(client_as, user):
    client = client_as(user)
    assert client.post(reverse("accounts:two_factor"), {"set_up": "1"}).status_code == 302
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200 and "data:image/svg+xml" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert client.post(reverse("accounts:two_factor"), {"code": "000000" if code(device) != "000000" else "111111"}
                       ).status_code == 200  # a wrong code: still off
    assert not TOTPDevice.objects.get(user=user).confirmed
    client.post(reverse("accounts:two_factor"), {"code": code(device)})
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_without_two_factor_the_password_is_enough(reception):
    client, response = log_in("reception", "pw-reception")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_once_on_the_log_in_needs_the_current_code(client_as, supervisor):
    device = turn_on(client_as, supervisor)
    assert AuditEvent.objects.filter(user=supervisor, detail__two_factor="on").exists()
    client, response = log_in("supervisor", "pw-supervisor")
    assert response.status_code == 200 and "six-digit code" in response.content.decode()
    assert "_auth_user_id" not in client.session
    client, response = log_in("supervisor", "pw-supervisor", token="123456" if code(device) != "123456" else "654321")
    assert "not right" in response.content.decode() and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed", target="supervisor").count() == 2
    client, response = log_in("supervisor", "pw-supervisor", token=code(device, later=30))
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_admin_logs_in_through_the_same_form(db, client_as, make_user):
    boss = make_user("boss", "administrator", None, is_staff=True, is_superuser=True)
    device = turn_on(client_as, boss)
    response = Client().get("/admin/login/?next=/admin/shelter/person/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "next=%2Fadmin%2Fshelter%2Fperson%2F" in response.url
    # A POST to the admin's own log-in (password only) logs nobody in.
    client = Client()
    client.post("/admin/login/", {"username": "boss", "password": "pw-boss"})
    assert "_auth_user_id" not in client.session
    client, response = log_in("boss", "pw-boss", token=code(device, later=30), next_url="/admin/")
    assert response.url == "/admin/" and client.get("/admin/").status_code == 200


def test_it_is_turned_off_with_a_current_code(client_as, supervisor):
    device = turn_on(client_as, supervisor)
    client_as(supervisor).post(reverse("accounts:two_factor"), {"code": code(device, later=30)})
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    _client, response = log_in("supervisor", "pw-supervisor")
    assert response.status_code == 302



def test_the_service_turns_it_on_and_off_only_with_the_current_code(supervisor):
    device = two_factor_device(user=supervisor)
    assert two_factor_device(user=supervisor) == device and not device.confirmed  # made once
    wrong = "000000" if code(device) != "000000" else "111111"
    with pytest.raises(TwoFactorRefused):
        switch_two_factor(user=supervisor, code=wrong)
    assert not TOTPDevice.objects.get(user=supervisor).confirmed
    assert switch_two_factor(user=supervisor, code=code(device)) is True
    assert TOTPDevice.objects.get(user=supervisor).confirmed
    assert switch_two_factor(user=supervisor, code=code(device, later=30)) is False
    assert not TOTPDevice.objects.filter(user=supervisor).exists()


def test_looking_at_the_page_makes_no_device(client_as, make_user):
    """The inspector reads every page and changes nothing (issue 23): the two-factor page made a device
    at a look; now only its "set up" button does."""
    inspector = make_user("inspector", "inspector", None)
    page = client_as(inspector).get(reverse("accounts:two_factor"))
    assert page.status_code == 200 and 'name="set_up"' in page.content.decode()
    assert not TOTPDevice.objects.filter(user=inspector).exists()

