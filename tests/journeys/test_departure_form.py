"""The departure form shows the chosen kind's fields, with the browser's script switched off (issue 25):
CSS alone hides the others, so a desk without script sees the same form."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from tests.records import CHROMIUM, DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


def test_choosing_a_transfer_shows_its_fields_only_without_script(demo, live_server, monkeypatch, signed_in):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            context = chromium.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}])
            page = signed_in(context, "gz-reception", DEMO_PASSWORD)
            page.goto(live_server.url + demo.reception_pages()["depart"])
            assert page.is_visible("#id_ticket_no") and page.is_visible("#id_referrer_letter_no")  # nothing chosen
            page.select_option("select[name=kind]", "transfer")
            shown = {name: page.is_visible(f"#id_{name}") for name in (
                "receiver_name", "destination", "referrer_letter_no", "to_station", "ticket_no", "escort_staff",
                "receiver_id_number", "notes", "departed_at")}
            page.select_option("select[name=kind]", "ticket")
            ticket = {name: page.is_visible(f"#id_{name}") for name in ("ticket_no", "to_station", "receiver_name")}
        finally:
            chromium.close()
    assert shown == {"receiver_name": True, "destination": True, "referrer_letter_no": True, "to_station": True,
                     "ticket_no": False, "escort_staff": False, "receiver_id_number": False, "notes": True,
                     "departed_at": True}
    assert ticket == {"ticket_no": True, "to_station": False, "receiver_name": False}
