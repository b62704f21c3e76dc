"""Pages that update themselves, in a real browser under the content security policy: htmx runs
(vendored, no eval, no injected style) and the header's unread count and a family report's candidates
change without a reload."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from shelter.models import Notification
from tracing.models import FamilyReport

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


@pytest.fixture
def page_as(monkeypatch, live_server):
    """page_as(username): a Chromium page logged in as that user, with the page's console errors
    (a refusal by the content security policy is one) collected in `page.errors`."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])

        def login(username):
            page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.errors = []
            page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
            page.goto(live_server.url + reverse("login"))
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", f"pw-{username}")
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login" not in url)
            return page

        try:
            yield login
        finally:
            chromium.close()


def test_the_unread_count_and_the_candidates_arrive_without_a_reload(page_as, live_server, settings, reception,
                                                                     station):
    settings.NOTIFICATION_POLL_SECONDS = 1
    settings.SEARCH_POLL_SECONDS = 1
    report = FamilyReport.objects.create(station=station, taken_by=reception, reporter_name="张伟",
                                         reporter_relation="儿子", reporter_phone="13912345678", name="张德明",
                                         search_requested_at=timezone.now())  # the search waits in the queue
    page = page_as("reception")
    page.goto(live_server.url + report.get_absolute_url())
    expect(page.locator("#search-status")).to_be_visible()
    expect(page.locator("#notifications-link .count-badge")).to_have_count(0)

    Notification.objects.create(user=reception, kind="test", subject="新的候选人", url=report.get_absolute_url())
    expect(page.locator("#notifications-link .count-badge")).to_have_text("1", timeout=5000)

    FamilyReport.objects.filter(pk=report.pk).update(search_requested_at=None, searched_at=timezone.now())
    expect(page.locator("#search-status")).to_have_count(0, timeout=5000)
    expect(page.locator("#candidates li.none")).to_contain_text("No candidate yet")
    assert not [e for e in page.errors if "Content Security Policy" in e or "Refused" in e], page.errors
    assert page.locator("style").count() == 0  # htmx injected no indicator style
