"""Interviews in a real browser (Debian's Chromium through Playwright), as reception: record an
interview, accept two clues, see the family report from that place rise to first, print the letter to
the county's police."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from shelter.models import AuditEvent
from tracing.models import Clue, ClueState

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]

WORDS = "问她家在哪里，她说俺是湖南的，屋里在隆回，门口有条河。她说女儿叫王芳，在佛山打工。"


def test_reception_records_an_interview_and_the_report_from_that_place_rises(
        browser, live_server, arrive, station, reception, other_station, make_user, take_report, committed):
    stay = arrive(station, reception, sex="F")
    desk = make_user("fs-desk", "reception", other_station)
    longhui = take_report(desk, committed, name="李秀兰", sex="F", native_place="湖南省邵阳市隆回县",
                          reporter_name="李强")
    hengnan = take_report(desk, committed, name="赵桂英", sex="F", native_place="湖南省衡阳市衡南县",
                          reporter_name="赵军")

    page = browser("reception")
    page.goto(live_server.url + reverse("tracing:interviews", args=[stay.pk]))
    page.fill("input[name=held_at]", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=interviewer]", "陈静")
    page.fill("input[name=language]", "湖南话")
    page.fill("textarea[name=words]", WORDS)
    page.click("#interview-form button[type=submit]")
    page.wait_for_url(lambda url: "/tracing/interviews/" in url)
    expect(page.locator(".words")).to_contain_text("屋里在隆回")

    province = Clue.objects.get(interview__stay=stay, kind="place", normalised="湖南省")
    county = Clue.objects.get(interview__stay=stay, kind="place", normalised="湖南省邵阳市隆回县")
    page.click(f"#clue-{province.pk} button.primary")
    expect(page.locator(f"#clue-{province.pk}")).to_have_class("clue clue-accepted")
    # Both reports are from Hunan: the one taken last comes first.
    expect(page.locator("#report-fits tbody tr").first).to_contain_text(hengnan.reference)
    page.click(f"#clue-{county.pk} button.primary")
    expect(page.locator(f"#clue-{county.pk}")).to_have_class("clue clue-accepted")
    expect(page.locator("#report-fits tbody tr").first).to_contain_text(longhui.reference)
    assert Clue.objects.get(pk=county.pk).state == ClueState.ACCEPTED

    href = page.get_attribute("#police-letter", "href")
    letter = page.request.get(live_server.url + href)
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditEvent.EXPORT, person=stay.person,
                                     detail__county="430524").exists()
