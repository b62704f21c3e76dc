"""Portraits in the register: taking them (webcam upload, file upload), the main-portrait rule and the
supervisor's override, the encoding task and its signal, station isolation of the pictures, the
person's page and timeline. Real portraits from tests/faces."""

import io
import uuid
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse
from PIL import Image, ImageFilter

from devtools.images import far_away, frame, jpeg
from face import encoders, tasks
from face.detection import find_faces
from face.models import Portrait, PortraitError, PortraitRefused
from face.services import choose_main, replace_image, take_portrait
from face.signals import portrait_encoded
from shelter.models import AuditEvent

FACES = Path(__file__).parent.parent / "faces"  # tests/faces


@lru_cache(maxsize=None)
def good(name="obama_1.jpg"):
    """A 640x480 webcam-like frame of a real portrait (accepted by the check)."""
    return jpeg(frame(Image.open(FACES / name), (640, 480)))


@lru_cache(maxsize=None)
def blurred():
    return jpeg(Image.open(io.BytesIO(good())).filter(ImageFilter.GaussianBlur(3)))


@pytest.fixture
def received():
    calls = []

    def receiver(sender, portrait, **kwargs):
        calls.append(portrait)

    portrait_encoded.connect(receiver)
    yield calls
    portrait_encoded.disconnect(receiver)


def test_accepted_portrait_becomes_main_and_is_encoded(person, reception, committed, received):
    with committed():
        portrait, report = take_portrait(person=person, data=good(), by=reception, source=Portrait.WEBCAM)
    portrait.refresh_from_db()
    assert report.accepted and portrait.accepted and portrait.reasons == []
    assert portrait.measures["faces"] == 1 and portrait.measures["eye_distance"] > 40
    assert portrait.is_main and portrait.made_main_by == reception
    assert portrait.taken_by == reception and portrait.source == "webcam"
    # The active encoder's vector, and its name and version with it (issue 24).
    assert portrait.encoding.dtype == np.float32 and portrait.encoding.shape == (encoders.get().DIMENSIONS,)
    assert portrait.encoder == encoders.label() == "mobilefacenet@2"
    assert portrait.encoded_at is not None
    assert Portrait.objects.main_for(person) == portrait
    assert [p.pk for p in received] == [portrait.pk] and received[0].encoding is not None


def test_failed_portrait_is_kept_but_not_main_nor_encoded(person, reception, committed, received):
    with committed():
        portrait, report = take_portrait(person=person, data=blurred(), by=reception)
    portrait.refresh_from_db()
    assert portrait.pk and portrait.image.name.endswith(".jpg")
    assert portrait.accepted is False and portrait.reasons == ["blurred"]
    assert not portrait.is_main and portrait.encoding is None
    assert Portrait.objects.main_for(person) is None
    assert received == []
    assert tasks.encode_portrait(portrait.pk) is False  # the task itself refuses too


def test_a_file_that_is_no_picture_stores_nothing(person, reception, settings):
    with pytest.raises(PortraitRefused) as refused:
        take_portrait(person=person, data=b"%PDF-1.4 not a photo", by=reception)
    assert refused.value.report.reasons == ["not_image"]
    assert "not a picture" in refused.value.message
    assert not Portrait.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT)).rglob("*.*"))


def test_a_later_good_portrait_does_not_replace_a_good_main(person, reception, committed):
    with committed():
        first, _ = take_portrait(person=person, data=good(), by=reception)
        second, _ = take_portrait(person=person, data=good("leslie_1.jpg"), by=reception)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_main and not second.is_main
    assert second.accepted and second.encoding is not None  # not main, still searchable


def test_main_portrait_rule(person, reception, supervisor, head, committed):
    with committed():
        failed, _ = take_portrait(person=person, data=blurred(), by=reception)
        accepted, _ = take_portrait(person=person, data=good(), by=reception)
    assert Portrait.objects.main_for(person) == accepted

    # Reception cannot make a failed portrait the main one; a supervisor only with a reason.
    with pytest.raises(PortraitError, match="failed the quality check"):
        failed.make_main(reception)
    with pytest.raises(PortraitError, match="give the reason"):
        failed.make_main(supervisor, "   ")
    with pytest.raises(PortraitError, match="not allowed"):
        accepted.make_main(head)
    with committed():
        choose_main(portrait=failed, by=supervisor, reason="the only picture: the person will not sit still")
    failed.refresh_from_db()
    accepted.refresh_from_db()
    assert failed.is_main and not accepted.is_main
    assert failed.override_by == supervisor and "sit still" in failed.override_reason
    assert failed.encoding is not None  # overridden: now used for recognition, so encoded
    assert Portrait.objects.filter(person=person, is_main=True).count() == 1

    # An accepted portrait taken later replaces an overridden main one.
    with committed():
        newer, _ = take_portrait(person=person, data=good("leslie_1.jpg"), by=reception)
    assert Portrait.objects.main_for(person) == newer


def test_changed_image_is_checked_and_encoded_again(person, reception, committed, received):
    with committed():
        portrait, _ = take_portrait(person=person, data=good(), by=reception)
    portrait.refresh_from_db()
    before = portrait.encoding
    with committed():
        replace_image(portrait=portrait, data=good("leslie_1.jpg"))
    portrait.refresh_from_db()
    assert portrait.accepted and portrait.encoding is not None
    assert np.linalg.norm(portrait.encoding - before) > 0.6  # another person's face now
    assert len(received) == 2
    assert tasks.encode_portrait(portrait.pk) is False  # already done: nothing recomputed


def test_task_does_not_store_an_encoding_for_a_replaced_image(person, reception, committed, monkeypatch):
    """The conditional update: an encoding is stored only for the image it was computed from."""
    with committed():
        portrait, _ = take_portrait(person=person, data=good(), by=reception)
    Portrait.objects.filter(pk=portrait.pk).update(encoding=None, encoded_at=None)
    real_encode = tasks.encode_many

    def encode_while_the_image_is_replaced(data, labels):
        Portrait.objects.filter(pk=portrait.pk).update(image="portraits/replaced.jpg")
        return real_encode(data, labels)

    monkeypatch.setattr(tasks, "encode_many", encode_while_the_image_is_replaced)
    assert tasks.encode_portrait(portrait.pk) is False
    assert Portrait.objects.get(pk=portrait.pk).encoding is None


def test_for_user_keeps_stations_apart(person, reception, other_station, committed, make_user):
    with committed():
        portrait, _ = take_portrait(person=person, data=good(), by=reception)
    stranger = make_user("stranger", "reception", other_station)
    assert list(Portrait.objects.for_user(reception)) == [portrait]
    assert list(Portrait.objects.for_user(stranger)) == []


# --- Views ----------------------------------------------------------------------------------------------


def upload(client, person, content, source="webcam", json=True, **extra):
    headers = {"HTTP_ACCEPT": "application/json"} if json else {}
    return client.post(reverse("face:capture", args=[person.pk]),
                       {"image": io.BytesIO(content), "source": source}, **headers, **extra)


def test_capture_page(client_as, reception, person):
    response = client_as(reception).get(reverse("face:capture", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="preview"' in html and 'id="shutter"' in html and "capture.js" in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html  # works without JavaScript


def test_capture_page_of_another_station_is_404(client_as, person, other_station, make_user):
    stranger = make_user("stranger", "reception", other_station)
    assert client_as(stranger).get(reverse("face:capture", args=[person.pk])).status_code == 404


def test_station_head_cannot_take_portraits(client_as, head, person):
    assert client_as(head).get(reverse("face:capture", args=[person.pk])).status_code == 403


def test_webcam_shot_gets_its_verdict_as_json(client_as, reception, person, committed):
    client = client_as(reception)
    with committed():
        response = upload(client, person, good())
    answer = response.json()
    assert response.status_code == 200
    assert answer["accepted"] is True and answer["is_main"] is True and answer["messages"] == []
    assert answer["headline"] == "Portrait accepted: it is now the main portrait."
    portrait = Portrait.objects.get(pk=answer["id"])
    assert portrait.source == "webcam" and portrait.taken_by == reception
    assert AuditEvent.objects.filter(action=AuditEvent.CREATE, person=person, detail__portrait=portrait.pk).exists()

    answer = upload(client, person, blurred()).json()
    assert answer["accepted"] is False and answer["reasons"] == ["blurred"]
    assert answer["messages"] == ["Too blurred: hold still and retake."]
    assert Portrait.objects.filter(person=person).count() == 2  # the failed one is kept


def test_verdict_in_chinese(client_as, reception, person):
    client = client_as(reception)
    client.cookies["django_language"] = "zh-hans"
    answer = upload(client, person, blurred()).json()
    assert "模糊" in answer["messages"][0]


def test_bad_file_gets_a_clear_error(client_as, reception, person):
    client = client_as(reception)
    response = upload(client, person, b"just some text")
    assert response.status_code == 400
    assert response.json()["error"] == "This file is not a picture: choose a photo (JPEG or PNG)."
    jpeg_bytes = good()
    response = upload(client, person, jpeg_bytes[: len(jpeg_bytes) // 3], json=False)
    assert response.status_code == 200  # the page again, with the message
    assert "incomplete or damaged" in response.content.decode()
    assert not Portrait.objects.exists()


def test_file_upload_without_javascript(client_as, reception, person, committed):
    client = client_as(reception)
    with committed():
        response = upload(client, person, Path(FACES / "leslie_2.jpg").read_bytes(), source="upload", json=False)
    portrait = Portrait.objects.get()
    assert response.status_code == 302 and response.url == portrait.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Accepted: usable for face recognition." in page and "This is the main portrait." in page
    assert portrait.source == "upload"


def test_portrait_page_shows_reasons_and_the_override_form_to_supervisors(client_as, reception, supervisor, person):
    portrait, _ = take_portrait(person=person, data=blurred(), by=reception)
    url = reverse("face:portrait", args=[portrait.pk])
    page = client_as(reception).get(url).content.decode()
    assert "Too blurred: hold still and retake." in page
    assert "Override the check" not in page
    page = client_as(supervisor).get(url).content.decode()
    assert "Override the check" in page


def test_make_main_view(client_as, reception, supervisor, person, committed):
    failed, _ = take_portrait(person=person, data=blurred(), by=reception)
    url = reverse("face:make_main", args=[failed.pk])
    response = client_as(reception).post(url, {"reason": "please"})
    assert response.status_code == 400 and "cannot be the main portrait" in response.content.decode()
    response = client_as(supervisor).post(url, {"reason": ""})
    assert response.status_code == 400 and "give the reason" in response.content.decode()
    with committed():
        response = client_as(supervisor).post(url, {"reason": "no better picture possible"})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.is_main and failed.override_reason == "no better picture possible"
    event = AuditEvent.objects.get(action=AuditEvent.TRANSITION, person=person)
    assert event.detail["override"] is True and event.detail["transition"] == "make_main"


def test_image_only_to_the_persons_station_and_audited(client_as, reception, person, other_station, admin_user,
                                                       make_user):
    portrait, _ = take_portrait(person=person, data=good(), by=reception)
    url = reverse("face:image", args=[portrait.pk])
    response = client_as(reception).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == good()
    assert "private" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action=AuditEvent.VIEW, person=person, detail__portrait=portrait.pk).count() == 1

    thumb = client_as(reception).get(url + "?size=160")
    assert Image.open(io.BytesIO(thumb.content)).size == (160, 120)

    stranger = make_user("stranger", "reception", other_station)
    assert client_as(stranger).get(url).status_code == 404
    assert client_as(admin_user).get(url).status_code == 200  # administrators see every station


def test_person_page_panel_and_timeline(client_as, reception, person, committed):
    client = client_as(reception)
    page = client.get(person.get_absolute_url()).content.decode()
    assert reverse("face:capture", args=[person.pk]) in page and "No main portrait yet" in page
    with committed():
        good_one, _ = take_portrait(person=person, data=good(), by=reception)
    take_portrait(person=person, data=blurred(), by=reception)
    page = client.get(person.get_absolute_url()).content.decode()
    assert reverse("face:image", args=[good_one.pk]) + "?size=160" in page
    assert "main portrait" in page and "No main portrait yet" not in page
    assert "Portrait taken (webcam): accepted" not in page  # taken as a file upload here
    assert "Portrait taken (uploaded file): accepted" in page
    assert "Portrait taken (uploaded file): failed the quality check" in page
    assert "Main portrait chosen" in page


def test_attempts_of_one_capture_visit_are_one_timeline_line(client_as, reception, person, committed):
    visit = uuid.uuid4()
    for data in (blurred(), blurred(), blurred()):
        take_portrait(person=person, data=data, by=reception, source=Portrait.WEBCAM, session=visit)
    with committed():
        take_portrait(person=person, data=good(), by=reception, source=Portrait.WEBCAM, session=visit)
    take_portrait(person=person, data=blurred(), by=reception, source=Portrait.WEBCAM, session=uuid.uuid4())
    assert Portrait.objects.filter(person=person).count() == 5  # every attempt is kept
    page = client_as(reception).get(person.get_absolute_url()).content.decode()
    assert page.count("Portrait taken (webcam): 3 failed attempts, accepted at attempt 4") == 1
    assert page.count("Too blurred: hold still and retake.") == 2  # once for the visit, once for the next shot
    assert page.count("Portrait taken (webcam): failed the quality check") == 1
    client = client_as(reception)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(person.get_absolute_url()).content.decode()
    assert "拍摄人像（摄像头）：3 次未通过，第 4 次通过检查" in page


def test_a_visit_without_a_usable_shot_says_so(client_as, reception, person):
    visit = uuid.uuid4()
    for _attempt in range(2):
        take_portrait(person=person, data=blurred(), by=reception, source=Portrait.WEBCAM, session=visit)
    page = client_as(reception).get(person.get_absolute_url()).content.decode()
    assert "Portrait taken (webcam): 2 attempts, none passed the quality check" in page


def test_the_shot_answer_carries_the_updated_list_of_portraits(client_as, reception, person, committed):
    client = client_as(reception)
    page = client.get(reverse("face:capture", args=[person.pk])).content.decode()
    assert 'name="session"' in page and 'id="portraits"' in page and "No portrait yet." in page
    with committed():
        answer = upload(client, person, good()).json()
    assert answer["portraits_html"].count('<li class="portrait') == 1
    assert reverse("face:image", args=[answer["id"]]) in answer["portraits_html"]


@lru_cache(maxsize=None)
def preview(far=False):
    """A 320x240 copy of a 640x480 webcam frame, as capture.js sends it for the live guidance."""
    image = frame(Image.open(FACES / "obama_1.jpg"), (640, 480))
    if far:
        image = far_away(image, find_faces(np.asarray(image))[0], 30)
    return jpeg(image.resize((320, 240), Image.Resampling.BILINEAR), 70)


def live(client, person, content, session, **fields):
    return client.post(reverse("face:live_check", args=[person.pk]), {
        "frame": io.BytesIO(content), "width": 640, "height": 480, "session": session, **fields})


def test_live_check_gives_one_instruction_and_stores_nothing(client_as, reception, person):
    client = client_as(reception)
    visit = str(uuid.uuid4())
    far = live(client, person, preview(far=True), visit).json()
    assert far["instruction"] == "Move closer" and far["accepted"] is False and far["reasons"][0] == "too_small"
    near = live(client, person, preview(), visit).json()
    assert near == {**near, "accepted": True, "reasons": [], "instruction": "Good: take the photo"}
    blank = live(client, person, jpeg(Image.new("RGB", (320, 240), (150, 140, 125))), visit).json()
    assert blank["instruction"] == "Face inside the oval"
    assert live(client, person, b"not a picture", visit).json()["instruction"].startswith("This file is not a picture")
    assert not Portrait.objects.filter(person=person).exists()
    client.cookies["django_language"] = "zh-hans"
    assert live(client, person, preview(far=True), visit).json()["instruction"] == "请靠近一点"


def test_live_guidance_is_audited_once_per_capture_visit(client_as, reception, person):
    client = client_as(reception)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    for visit in (first, first, first, second):
        assert live(client, person, preview(), visit).status_code == 200
    events = AuditEvent.objects.filter(person=person, detail__has_key="live_guidance")
    assert sorted(e.detail["live_guidance"] for e in events) == sorted([first, second])
    assert {e.user for e in events} == {reception}


def test_live_check_refusals(client_as, reception, head, person, other_station, make_user):
    visit = str(uuid.uuid4())
    assert live(client_as(reception), person, preview(), "").status_code == 400  # no visit id
    assert live(client_as(reception), person, preview(), visit, width="x").status_code == 400
    assert live(client_as(head), person, preview(), visit).status_code == 403  # may not take portraits
    stranger = make_user("stranger", "reception", other_station)
    assert live(client_as(stranger), person, preview(), visit).status_code == 404
    assert client_as(reception).get(reverse("face:live_check", args=[person.pk])).status_code == 405
    assert not AuditEvent.objects.filter(detail__has_key="live_guidance").exists()


def test_a_visit_accepted_at_once_then_retaken_is_one_line(client_as, reception, person, committed):
    visit = uuid.uuid4()
    with committed():
        take_portrait(person=person, data=good(), by=reception, source=Portrait.WEBCAM, session=visit)
    take_portrait(person=person, data=good("leslie_2.jpg"), by=reception, source=Portrait.WEBCAM, session=visit)
    page = client_as(reception).get(person.get_absolute_url()).content.decode()
    assert "Portrait taken (webcam): accepted, 2 shots in all" in page
    assert "failed attempt" not in page


def test_portrait_page_shows_the_detection_pass_and_the_limits_in_force(client_as, reception, person, settings):
    portrait, _ = take_portrait(person=person, data=good(), by=reception)
    url = reverse("face:portrait", args=[portrait.pk])
    page = client_as(reception).get(url).content.decode()
    assert "Found by (detection pass)" in page and "<td>standard pass</td>" in page
    assert "≥ 40" in page and "≥ 90" not in page
    settings.FACE_STRICT = True
    assert "≥ 90" in client_as(reception).get(url).content.decode()
