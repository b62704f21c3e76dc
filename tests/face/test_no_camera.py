"""Without a camera the capture page says why in the user's language, never the browser's English error
code (such as "(NotFoundError)")."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


def test_no_camera_is_told_in_chinese_without_an_error_code(live_server, reception, person, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            context = chromium.new_context()
            context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
            page = context.new_page()
            page.goto(live_server.url + reverse("login"))
            page.fill("input[name=username]", "reception")
            page.fill("input[name=password]", "pw-reception")
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login" not in url)
            page.goto(live_server.url + reverse("face:capture", args=[person.pk]))
            status = page.locator(".camera-status.bad")
            expect(status).to_contain_text("摄像头", timeout=10000)
            text = status.inner_text()
            assert "Error" not in text and "(" not in text, text
        finally:
            chromium.close()
