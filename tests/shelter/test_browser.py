"""The register's new rules in a real browser (Debian's Chromium through Playwright), each by the role
that does it: the desk counts belongings out on the departure form; the receiving station's desk accepts
a transfer; a supervisor marks a late entry as seen."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from shelter.models import Departure, Person, Service, Stay, Transfer
from shelter.services import depart_stay
from tracing.models import TracingCase

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


def test_the_desk_counts_belongings_out_and_the_supervisor_sees_a_late_entry(browser, live_server, reception,
                                                                               supervisor, stay):
    phone = stay.belongings.create(item="手机", quantity=1)
    cash = stay.belongings.create(item="现金", quantity=35)
    page = browser("reception")
    page.goto(live_server.url + reverse("shelter:depart", args=[stay.pk]))
    page.select_option("select[name=kind]", "ticket")
    page.fill("input[name=destination]", "湖南省邵阳市")
    page.fill("input[name=ticket_no]", "G1234")
    page.check(f"input[name=belonging_{phone.pk}][value=returned]")
    page.click("button[type=submit].primary")  # the cash is not counted out: the browser asks for it first
    assert page.evaluate(f"document.querySelector('input[name=belonging_{cash.pk}]').validity.valueMissing")
    assert Stay.objects.get(pk=stay.pk).is_open and page.input_value("input[name=ticket_no]") == "G1234"
    page.check(f"input[name=belonging_{cash.pk}][value=handed]")
    page.fill(f"input[name=belonging_{cash.pk}_to]", "女儿 李梅")
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/depart/" not in url)
    assert "handed to 女儿 李梅" in page.inner_text("main")

    at = timezone.now() - datetime.timedelta(hours=30)
    Stay.objects.filter(pk=stay.pk).update(arrived_at=at - datetime.timedelta(hours=1))
    service = Service(stay=Stay.objects.get(pk=stay.pk), kind="meal", given_at=at, entered_by=reception,
                      late_reason="停电后补录")
    service.full_clean()
    service.save()
    page = browser("supervisor")
    page.goto(live_server.url + reverse("shelter:late"))
    assert "停电后补录" in page.inner_text("main")
    page.click("table.late-entries button")
    page.wait_for_load_state()
    assert "停电后补录" not in page.inner_text("main")
    assert Service.objects.get(pk=service.pk).late_seen_by == supervisor


def test_the_receiving_desk_accepts_a_transfer(browser, live_server, reception, stay, other_station, make_user):
    make_user("fs-desk", "reception", other_station)
    depart_stay(stay=stay, by=reception, departure=Departure(
        kind="transfer", destination=other_station.name, receiver_name="佛山站", to_station=other_station))
    transfer = Transfer.objects.get()
    page = browser("fs-desk")
    page.goto(live_server.url + reverse("shelter:transfers"))
    page.click("#waiting a.button")
    assert "Tianhe bus station" in page.inner_text("#sent-stay")
    page.click("#accept button[type=submit]")
    page.wait_for_url(lambda url: "/transfers/" not in url)
    assert Person.objects.get(pk=stay.person_id).station == other_station
    transfer.refresh_from_db()
    assert transfer.state == "accepted"
    assert TracingCase.objects.get(stay__person=stay.person_id).station == other_station
