"""Pages that update themselves, in a real browser under the content security policy: htmx runs
(vendored, no eval, no injected style) and the header's unread count and a family report's candidates
change without a reload."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from family.models import FamilyReport
from shelter.models import Notification

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


def test_the_unread_count_and_the_candidates_arrive_without_a_reload(browser, live_server, settings, reception,
                                                                     station):
    settings.NOTIFICATION_POLL_SECONDS = 1
    settings.SEARCH_POLL_SECONDS = 1
    report = FamilyReport.objects.create(station=station, taken_by=reception, reporter_name="张伟",
                                         reporter_relation="儿子", reporter_phone="13912345678", name="张德明",
                                         search_requested_at=timezone.now())  # the search waits in the queue
    page = browser("reception")
    page.goto(live_server.url + report.get_absolute_url())
    expect(page.locator("#search-status")).to_be_visible()
    expect(page.locator("#notifications-link .count-badge")).to_have_count(0)

    Notification.objects.create(user=reception, kind="test", stored_subject="新的候选人", url=report.get_absolute_url())
    expect(page.locator("#notifications-link .count-badge")).to_have_text("1", timeout=5000)

    FamilyReport.objects.filter(pk=report.pk).update(search_requested_at=None, searched_at=timezone.now())
    expect(page.locator("#search-status")).to_have_count(0, timeout=5000)
    expect(page.locator("#candidates li.none")).to_contain_text("No candidate yet")
    assert not [e for e in page.errors if "Content Security Policy" in e or "Refused" in e], page.errors
    assert page.locator("style").count() == 0  # htmx injected no indicator style
