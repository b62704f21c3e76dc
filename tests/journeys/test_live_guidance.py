"""The live guidance next to the oval gives the fix the shot's verdict gives (issue 25): a person sitting
far back against a dark wall is told to move closer, not that the face needs more light."""

from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import sync_playwright

from devtools.images import jpeg, webcam_frame
from face.detection import find_faces
from tests.records import CHROMIUM, DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


def far_on_dark_wall(eye_distance):
    """A 640x480 webcam frame: obama_1 sitting far back (eyes `eye_distance` px apart) against a dark wall."""
    good = webcam_frame("obama_1")
    face = find_faces(np.asarray(good))[0]
    k = eye_distance / face.eye_distance
    small = good.resize((round(good.width * k), round(good.height * k)), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", good.size, (30, 28, 25))
    canvas.paste(small, ((good.width - small.width) // 2, (good.height - small.height) // 3))
    return canvas


def test_a_small_face_on_a_dark_wall_is_told_to_move_closer(demo, live_server, monkeypatch, tmp_path, signed_in):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    video = tmp_path / "webcam.mjpeg"
    video.write_bytes(jpeg(far_on_dark_wall(17)) * 30)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
        try:
            context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}])
            page = signed_in(context, "gz-reception", DEMO_PASSWORD)
            page.goto(live_server.url + demo.reception_pages()["capture"])
            page.wait_for_selector("#guidance:not([hidden])", timeout=20000)
            live = page.get_attribute(".viewfinder", "data-live")
            shown = page.text_content("#guidance")
            page.click("#shutter")
            page.wait_for_selector("#verdict:not([hidden])", timeout=15000)
            verdict = page.text_content("#verdict-reasons")
        finally:
            chromium.close()
    assert live.split(",")[0] == "too_small", live
    assert shown == "请靠近一点"
    assert "人脸太小" in verdict
