"""The desk with the keyboard only (no mouse): the intake form is tabbed through in the order it reads
and sent with Enter; the capture page takes the portrait with the space bar, from the fake webcam
(Chromium's fake capture device reading frames of a real portrait)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from face.models import Portrait
from shelter.models import Person

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]

# What the desk types, by field; a field not named here is left as it is (blank, or its default).
TYPED = {
    "p-age_min": "60", "p-age_max": "70", "p-marks": "左手缺小指",
    "s-found_place": "天河客运站", "s-brought_by_name": "天河派出所 王警官", "s-clothing": "蓝色外套",
    "s-belongings_text": "手机 1",
}
# Lists: the first letters of the choice typed on the closed list choose it (as a clerk does).
CHOSEN = {"s-brought_by": "police", "s-mental_state": "dementia", "s-identity": "unknown"}

FOCUSABLE = ("#intake-form :is(input:not([type=hidden]), select, textarea, button, a[href])")


@pytest.fixture
def keyboard_page(tmp_path, webcam, monkeypatch, live_server, reception):
    """A Chromium page logged in as the desk, its webcam filming one real portrait (a few seconds, looped)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    video = tmp_path / "webcam.mjpeg"
    video.write_bytes(webcam("obama_1") * 30)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            viewport={"width": 1280, "height": 800}, locale="en-GB",
            args=["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                  f"--use-file-for-fake-video-capture={video}", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(live_server.url + reverse("login"))
            page.fill("input[name=username]", "reception")
            page.fill("input[name=password]", "pw-reception")
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login" not in url)
            yield page
        finally:
            context.close()


def focused(page):
    """The focused element: its name (a form field), else its id, else its text."""
    return page.evaluate("(e => e.name || e.id || e.textContent.trim())(document.activeElement)")


def in_tab_order(page):
    """The form's controls a Tab stops at, in the order of the page (one stop per group of radios)."""
    names = page.eval_on_selector_all(FOCUSABLE, "els => els.filter(e => !e.disabled && e.offsetParent)"
                                                 ".map(e => e.name || e.id || e.textContent.trim())")
    return list(dict.fromkeys(names))


def test_the_desk_registers_an_arrival_and_takes_the_portrait_with_the_keyboard_only(keyboard_page, live_server):
    page = keyboard_page
    page.goto(live_server.url + reverse("shelter:intake"))
    assert page.locator("[tabindex]:not([tabindex='0']):not([tabindex='-1'])").count() == 0  # no tab order forced
    expected = in_tab_order(page)
    assert expected[0] == "p-name" and expected[-1] == "Register"

    visited = []
    for _ in range(200):  # from the top of the page: the header first, then the form, field by field
        page.keyboard.press("Tab")
        name = focused(page)
        if name not in expected:
            assert not visited, f"Tab left the form at {name!r} after {visited}"
            continue
        if visited and visited[-1] == name:
            continue
        visited.append(name)
        # Whatever has the focus shows it (the stylesheet's :focus-visible ring).
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid", name
        if name in TYPED:
            page.keyboard.type(TYPED[name])
        elif name in CHOSEN:
            page.keyboard.type(page.locator(f"select[name='{name}'] option[value='{CHOSEN[name]}']").inner_text()[:4])
            expect(page.locator(f"select[name='{name}']")).to_have_value(CHOSEN[name])
        elif name == "p-sex":
            page.keyboard.press("Space")  # the focused radio (the first) is chosen
        elif name == "Register":
            break
    assert visited == expected, "the Tab order is the order of the page"

    page.keyboard.press("Enter")  # on the Register button
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))  # the new file
    person = Person.objects.get(marks="左手缺小指")
    assert person.stays.get().found_place == "天河客运站"

    page.goto(live_server.url + reverse("face:capture", args=[person.pk]))
    shutter = page.locator("#shutter")
    expect(shutter).to_be_enabled(timeout=15000)  # the camera is running
    expect(shutter).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#verdict")).to_be_visible(timeout=15000)
    expect(page.locator("#verdict")).to_have_attribute("data-accepted", "yes")
    portrait = Portrait.objects.get(person=person)
    assert portrait.source == Portrait.WEBCAM and portrait.accepted

    # Retake with the keyboard (the focus is on "Back to the file"): Shift+Tab to Retake, Enter; then, the
    # focus on nothing in particular, Enter takes a second portrait (Space would too).
    expect(page.locator("#done")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#retake")).to_be_focused()
    page.keyboard.press("Enter")
    expect(shutter).to_be_focused()
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Enter")
    expect(page.locator("#portraits li.portrait")).to_have_count(2, timeout=15000)
    assert Portrait.objects.filter(person=person).count() == 2
