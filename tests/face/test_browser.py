"""The capture page in a real browser: Debian's Chromium driven by Playwright, its webcam fed with frames
of a real portrait (Chromium's fake capture device reads an MJPEG file: JPEG frames one after another).
Log in, open the capture page, shoot, see the verdict, and the portrait is in the file, encoded."""

from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import sync_playwright

from face.management.commands.bench_face import frame, jpeg
from face.models import Portrait

CHROMIUM = "/usr/bin/chromium"
FACES = Path(__file__).parent.parent / "faces"  # tests/faces

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


@pytest.fixture
def webcam_file(tmp_path):
    """A few seconds of 'video' of one real portrait, as Chromium's fake webcam wants it."""
    still = jpeg(frame(Image.open(FACES / "obama_1.jpg"), (640, 480)))
    path = tmp_path / "webcam.mjpeg"
    path.write_bytes(still * 30)
    return path


@pytest.fixture
def browser_page(tmp_path, webcam_file, monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still
    # plain synchronous ones (the live server answers from its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a new, empty profile
            executable_path=CHROMIUM,
            headless=True,
            viewport={"width": 1280, "height": 800},
            args=[
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={webcam_file}",
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def test_take_a_portrait_with_the_webcam(live_server, browser_page, reception, person, tmp_path):
    page = browser_page
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "reception")
    page.fill("input[name=password]", "pw-reception")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)

    page.goto(live_server.url + person.get_absolute_url())
    page.click(f"a[href='{reverse('face:capture', args=[person.pk])}']")
    page.wait_for_selector("#shutter:enabled", timeout=15000)  # the camera is running
    assert page.is_visible("#preview") and page.is_visible(".oval")

    page.click("#shutter")
    page.wait_for_selector("#verdict:not([hidden])", timeout=15000)
    assert page.get_attribute("#verdict", "data-accepted") == "yes"
    assert "Portrait accepted" in page.inner_text("#verdict-headline")
    assert page.is_visible("#retake")
    page.screenshot(path=str(tmp_path / "capture-verdict.png"))  # for a developer to look at (--basetemp)

    portrait = Portrait.objects.get(person=person)
    assert portrait.source == Portrait.WEBCAM and portrait.taken_by == reception
    assert portrait.accepted and portrait.is_main and portrait.encoding is not None
    assert Image.open(portrait.image.path).size == (640, 480)

    # Retake: the preview comes back and the shutter works again.
    page.click("#retake")
    page.wait_for_selector("#shutter:enabled")
    assert page.is_hidden("#verdict")
