"""The capture page in a real browser: Debian's Chromium driven by Playwright, its webcam fed with frames
of a real portrait (Chromium's fake capture device reads an MJPEG file: JPEG frames one after another).
Log in, open the capture page, shoot, see the verdict, and the portrait is in the file, encoded; the
list of portraits updates. Live guidance: a person standing back first ("Move closer"), then sitting in
front of the camera: the instruction changes and the oval turns green before the shutter is pressed."""

from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from devtools.images import far_away, frame, jpeg
from face.detection import find_faces, models
from face.models import Portrait
from shelter.models import AuditEvent

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
def far_then_near_webcam(tmp_path):
    """About 3 seconds of the person standing back (eyes 34 px apart), then a long while in front of the
    camera (Chromium plays the file at 30 frames a second, in a loop)."""
    good = frame(Image.open(FACES / "obama_1.jpg"), (640, 480))
    far = far_away(good, find_faces(np.asarray(good))[0], 34)
    path = tmp_path / "webcam.mjpeg"
    path.write_bytes(jpeg(far) * 90 + jpeg(good) * 1800)
    return path


def launch(tmp_path, video):
    return dict(
        user_data_dir=str(tmp_path / "profile"),  # a new, empty profile
        executable_path=CHROMIUM,
        headless=True,
        viewport={"width": 1280, "height": 800},
        args=[
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
        ],
    )


@pytest.fixture
def browser_page(tmp_path, webcam_file, monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still
    # plain synchronous ones (the live server answers from its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(**launch(tmp_path, webcam_file))
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

    assert page.locator("#portraits li.portrait").count() == 1  # the list below shows the new portrait
    portrait = Portrait.objects.get(person=person)
    assert portrait.source == Portrait.WEBCAM and portrait.taken_by == reception
    assert portrait.session is not None
    assert portrait.accepted and portrait.is_main and portrait.encoding is not None
    assert Image.open(portrait.image.path).size == (640, 480)

    # Retake: the preview comes back and the shutter works again.
    page.click("#retake")
    page.wait_for_selector("#shutter:enabled")
    assert page.is_hidden("#verdict")


@pytest.fixture
def far_then_near_page(tmp_path, far_then_near_webcam, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    models()  # the detector is loaded before the page asks (the live server answers from this process)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(**launch(tmp_path, far_then_near_webcam))
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def test_live_guidance_changes_with_the_frame_and_turns_the_oval_green(live_server, far_then_near_page, reception,
                                                                        person, tmp_path):
    page = far_then_near_page
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "reception")
    page.fill("input[name=password]", "pw-reception")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)

    page.goto(live_server.url + reverse("face:capture", args=[person.pk]))
    page.wait_for_selector("#shutter:enabled", timeout=15000)
    # Waited for by Playwright's own matcher: the site's content security policy forbids evaluating strings.
    expect(page.locator("#guidance")).to_have_text("Move closer", timeout=5000)
    assert page.get_attribute(".viewfinder", "data-live") == "too_small"
    assert "ok" not in page.get_attribute(".viewfinder", "class")
    assert page.is_enabled("#shutter")  # staff decide: the shutter works whatever the guidance says

    page.wait_for_selector(".viewfinder.ok", timeout=10000)  # the person sat down in front of the camera
    assert page.inner_text("#guidance") == "Good: take the photo"
    assert page.eval_on_selector("#oval-line", "e => getComputedStyle(e).stroke") == "rgb(46, 204, 82)"
    page.screenshot(path=str(tmp_path / "live-guidance-green.png"))
    print("first instruction", page.get_attribute(".viewfinder", "data-first-ms"), "ms after the preview started")
    assert not Portrait.objects.filter(person=person).exists()  # live frames are never stored

    page.click("#shutter")
    page.wait_for_selector("#verdict:not([hidden])", timeout=15000)
    assert page.get_attribute("#verdict", "data-accepted") == "yes"
    assert page.is_hidden("#guidance")
    # One audit line for the visit's live guidance, however many frames were checked.
    live = AuditEvent.objects.filter(person=person, detail__has_key="live_guidance")
    assert live.count() == 1
    assert live.get().detail["live_guidance"] == str(Portrait.objects.get(person=person).session)
