"""Portrait quality check, file loading and encoding, on real photos (tests/faces, copies of
../shared/faces) and on degraded copies made here: blurred, shaken, dark, burnt, flat, tilted, cut,
far away, two people. Each case asserts the verdict and the reason codes.

The pictures and their verdicts are computed once per session (dlib takes 20-100 ms a picture).
"""

import io
import struct
import zlib
from functools import lru_cache
from pathlib import Path

import cv2
import face_recognition
import numpy as np
import pytest
from django.utils import translation
from PIL import Image, ImageFilter

from devtools.images import frame, jpeg
from face.detection import find_faces
from face.encoding import distance, encode, is_candidate
from face.images import ImageRefused, open_portrait
from face.quality import check_portrait

FACES = Path(__file__).parent.parent / "faces"  # tests/faces


@lru_cache(maxsize=None)
def photo(name):
    return Image.open(FACES / name).convert("RGB")


@lru_cache(maxsize=None)
def data(name):
    return (FACES / name).read_bytes()


@lru_cache(maxsize=None)
def webcam():
    """A 640x480 webcam-like frame of a real portrait, and its face's eye distance and landmarks."""
    image = frame(Image.open(FACES / "obama_1.jpg"), (640, 480))
    face = find_faces(np.asarray(image))[0]
    return image, face


def as_array(image):
    return np.asarray(image).astype(np.float32)


def from_array(a):
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def motion_blur(image, length):
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1 / length
    return Image.fromarray(cv2.filter2D(np.asarray(image), -1, kernel))


def shrink_far_away(image, factor):
    """The same scene with the person further from the camera: smaller, on a plain background."""
    small = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", image.size, (120, 110, 100))
    canvas.paste(small, ((image.width - small.width) // 2, (image.height - small.height) // 3))
    return canvas


def crop_chin(image, face):
    """Cut just under the mouth, as when the camera points too high."""
    p = face.points
    return image.crop((0, 0, image.width, int(p[57, 1] + 0.3 * (p[8, 1] - p[57, 1]))))


def two_faces(image):
    other = photo("leslie_2.jpg")
    other = other.resize((round(other.width * image.height / other.height), image.height))
    both = Image.new("RGB", (image.width + other.width, image.height))
    both.paste(image, (0, 0))
    both.paste(other, (image.width, 0))
    return both


def eyes_squeezed_shut():
    """Biden laughing with his eyes shut, cut out of obama_and_biden.jpg (a real photo)."""
    return photo("obama_and_biden.jpg").crop((650, 200, 1100, 700))


DEGRADED = {
    # name: (make the picture from the webcam frame, expected reasons)
    "webcam frame": (lambda im, face: im, []),
    "blurred (out of focus)": (lambda im, face: im.filter(ImageFilter.GaussianBlur(2 * face.eye_distance / 64)), ["blurred"]),
    "shaken (moved sideways)": (lambda im, face: motion_blur(im, round(face.eye_distance / 5)), ["blurred"]),
    "darkened": (lambda im, face: from_array(as_array(im) * 0.25), ["too_dark"]),
    "overexposed": (lambda im, face: from_array(as_array(im) * 2.5), ["overexposed"]),
    "flat (low contrast)": (lambda im, face: from_array((as_array(im) - 128) * 0.25 + 128), ["low_contrast"]),
    "head tilted 30 degrees": (lambda im, face: im.rotate(30, Image.Resampling.BILINEAR, fillcolor=(128, 128, 128)), ["pose"]),
    "chin cut off": (crop_chin, ["cropped"]),
    "two faces": (lambda im, face: two_faces(im), ["multiple_faces"]),
}


@pytest.fixture(scope="session")
def degraded_verdicts():
    image, face = webcam()
    return {name: check_portrait(jpeg(make(image, face))) for name, (make, _expected) in DEGRADED.items()}


@pytest.mark.parametrize("name", list(DEGRADED))
def test_degraded_copies_get_the_right_reasons(degraded_verdicts, name):
    report = degraded_verdicts[name]
    expected = DEGRADED[name][1]
    assert report.reasons == expected, report.measures
    assert report.accepted is (not expected)
    assert len(report.messages) == len(expected)


def test_the_webcam_frame_measures_are_those_of_a_good_portrait(degraded_verdicts):
    m = degraded_verdicts["webcam frame"].measures
    assert (m["width"], m["height"], m["faces"]) == (640, 480, 1)
    assert 60 < m["eye_distance"] < 90
    assert abs(m["yaw"]) < 10 and abs(m["roll"]) < 5
    assert m["sharpness"] > 0.25 and 100 < m["brightness"] < 180


def test_degradations_move_their_own_measure(degraded_verdicts):
    good = degraded_verdicts["webcam frame"].measures
    assert degraded_verdicts["blurred (out of focus)"].measures["sharpness"] < good["sharpness"] / 3
    assert degraded_verdicts["darkened"].measures["brightness"] < good["brightness"] / 3
    assert degraded_verdicts["overexposed"].measures["clipped"] > 0.5
    assert abs(degraded_verdicts["head tilted 30 degrees"].measures["roll"] + 30) < 5
    assert degraded_verdicts["chin cut off"].measures["margin"] < 0
    assert degraded_verdicts["two faces"].measures["faces"] == 2


def test_person_too_far_from_the_camera_is_asked_to_move_closer():
    image, _face = webcam()
    report = check_portrait(jpeg(shrink_far_away(image, 0.35)))
    assert "too_small" in report.reasons and not report.accepted
    assert report.measures["eye_distance"] < 40
    assert "move closer" in " ".join(report.messages)


REAL = {
    # Real photos, as they are: name -> expected reasons.
    "obama_1.jpg": [],
    "obama_3.jpg": [],
    "leslie_2.jpg": [],
    "biden_2.jpg": [],
    "lacamoire_2.jpg": [],
    "obama_small.jpg": [],  # a 320x240 video frame: eyes 48 px apart, enough
    "harington_2.jpg": ["pose"],  # three-quarter view
    "obama_4.jpg": ["pose"],  # looking aside
    "obama_partial_face_1.jpg": ["cropped"],
    "two_people.jpg": ["multiple_faces"],
}


@pytest.mark.parametrize("name", list(REAL))
def test_real_photos(name):
    report = check_portrait(data(name))
    assert report.reasons == REAL[name], report.measures
    assert report.accepted is (not REAL[name])


def test_a_240p_video_frame_is_too_small():
    report = check_portrait(data("obama_240p.jpg"))
    assert report.reasons[0] == "too_small" and not report.accepted
    assert report.measures["eye_distance"] == pytest.approx(24, abs=3)


def test_eyes_shut_are_refused():
    report = check_portrait(jpeg(eyes_squeezed_shut()))
    assert report.reasons == ["eyes_closed"], report.measures
    assert report.measures["eye_openness"] < 0.15


def test_no_face_in_a_dark_room_says_both():
    report = check_portrait(jpeg(Image.new("RGB", (640, 480), (12, 10, 8))))
    assert report.reasons == ["no_face", "too_dark"]
    assert report.messages[0].startswith("No face found")


def test_messages_are_actionable_and_follow_the_reasons(degraded_verdicts):
    assert degraded_verdicts["blurred (out of focus)"].messages == ["Too blurred: hold still and retake."]
    assert degraded_verdicts["two faces"].messages == ["Two or more faces: only the person should be in the frame."]


def test_messages_in_chinese(degraded_verdicts):
    with translation.override("zh-hans"):
        message = degraded_verdicts["blurred (out of focus)"].messages[0]
    assert "模糊" in message


def test_thresholds_come_from_settings(settings):
    image, _face = webcam()
    settings.FACE_MIN_EYE_DISTANCE = 100
    assert check_portrait(jpeg(image)).reasons == ["too_small"]


# --- Files -------------------------------------------------------------------------------------------


def png_header_claiming(width, height):
    """A tiny PNG whose header claims a huge picture: a decompression bomb's calling card."""
    small = io.BytesIO()
    Image.new("L", (8, 8)).save(small, "PNG")
    raw = bytearray(small.getvalue())
    ihdr = raw.index(b"IHDR")
    raw[ihdr + 4:ihdr + 12] = struct.pack(">II", width, height)
    raw[ihdr + 17:ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(raw[ihdr:ihdr + 17])))
    return bytes(raw)


@pytest.mark.parametrize("content, code", [
    (b"", "empty"),
    (b"%PDF-1.4 this is a scanned form, not a photo", "not_image"),
    ("Name: Zhang San".encode(), "not_image"),
])
def test_not_a_picture(content, code):
    report = check_portrait(content)
    assert report.reasons == [code] and not report.accepted and not report.readable


def test_truncated_jpeg_is_refused_even_after_face_recognition_was_imported():
    """face_recognition (imported by this module) sets Pillow's LOAD_TRUNCATED_IMAGES for the process."""
    assert face_recognition  # imported above
    content = data("obama_1.jpg")
    report = check_portrait(content[: len(content) // 2])
    assert report.reasons == ["truncated"]
    assert "incomplete or damaged" in report.messages[0]


@pytest.mark.parametrize("width, height", [(10_000, 10_000), (30_000, 30_000)])
def test_decompression_bomb_is_refused_before_decoding(width, height):
    """100 MP: over our limit (64 MP). 900 MP: over Pillow's own guard too, which fires while opening."""
    report = check_portrait(png_header_claiming(width, height))
    assert report.reasons == ["too_large"]
    assert report.measures["megapixels"] == round(width * height / 1e6)
    assert f"{width * height // 10**6} megapixels" in report.messages[0]


@pytest.fixture(scope="session")
def phone_photo():
    """A 40-megapixel phone photo (7728x5152) of a real portrait."""
    return jpeg(frame(Image.open(FACES / "obama_1.jpg"), (7728, 5152)), quality=85)


def test_40_megapixel_photo_is_decoded_small_and_accepted(phone_photo):
    portrait = open_portrait(phone_photo)
    assert max(portrait.rgb.shape[:2]) <= 1600
    assert portrait.original_size == (7728, 5152)
    report = check_portrait(phone_photo)
    assert report.accepted, report.reasons
    # Measured in the file's own pixels, not in the downscaled copy's.
    assert report.measures["eye_distance"] > 400


def exif_rotated(image):
    """The picture stored sideways with the EXIF tag saying "turn 90 degrees clockwise", as phones do."""
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.transpose(Image.Transpose.ROTATE_90).save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def test_exif_orientation_is_respected():
    image, _face = webcam()
    content = exif_rotated(image)
    assert Image.open(io.BytesIO(content)).size == (480, 640)  # stored sideways
    report = check_portrait(content)
    assert report.accepted, report.reasons
    assert (report.measures["width"], report.measures["height"]) == (640, 480)
    # The same pixels without the tag: the face lies on its side.
    assert not check_portrait(jpeg(image.transpose(Image.Transpose.ROTATE_90))).accepted


def test_png_with_alpha_is_flattened_onto_white():
    image, _face = webcam()
    rgba = image.convert("RGBA")
    alpha = Image.new("L", image.size, 255)
    alpha.paste(0, (0, 0, 60, image.height))  # a transparent strip on the left
    rgba.putalpha(alpha)
    out = io.BytesIO()
    rgba.save(out, "PNG")
    assert open_portrait(out.getvalue()).rgb[10, 10].tolist() == [255, 255, 255]
    assert check_portrait(out.getvalue()).accepted


@pytest.mark.parametrize("mode, fmt", [("L", "JPEG"), ("L", "PNG"), ("I;16", "PNG"), ("CMYK", "JPEG")])
def test_greyscale_16_bit_and_cmyk_pictures(mode, fmt):
    image, _face = webcam()
    if mode == "I;16":
        converted = Image.fromarray(np.asarray(image.convert("L")).astype(np.uint16) * 257)
    else:
        converted = image.convert(mode)
    out = io.BytesIO()
    converted.save(out, fmt)
    portrait = open_portrait(out.getvalue())
    assert portrait.rgb.shape == (480, 640, 3) and portrait.rgb.dtype == np.uint8
    assert check_portrait(out.getvalue()).accepted


@pytest.mark.parametrize("content, code", [
    (b"GIF89a broken", "not_image"),
    (b"\x89PNG\r\n\x1a\n" + b"x" * 50, "truncated"),  # a PNG signature, then garbage
])
def test_open_portrait_raises_with_a_message(content, code):
    with pytest.raises(ImageRefused) as refused:
        open_portrait(content)
    assert refused.value.code == code
    assert str(refused.value.message) == str(check_portrait(content).messages[0])


# --- Encoding -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def vectors():
    """{(encoder, photo): vector} for both encoders (issue 24)."""
    return {(encoder, name): encode(data(name), encoder) for encoder in ("dlib", "mobilefacenet")
            for name in ("obama_1.jpg", "obama_small.jpg", "obama_4.jpg", "leslie_2.jpg")}


def test_each_encoder_gives_its_own_float32_vector(vectors):
    assert vectors["dlib", "obama_1.jpg"].shape == (128,) and vectors["dlib", "obama_1.jpg"].dtype == np.float32
    v = vectors["mobilefacenet", "obama_1.jpg"]
    assert v.shape == (512,) and v.dtype == np.float32 and np.linalg.norm(v) == pytest.approx(1, abs=1e-5)


def test_the_active_encoder_is_the_default(vectors, settings):
    assert settings.FACE_ENCODER == "mobilefacenet"
    assert np.allclose(encode(data("obama_1.jpg")), vectors["mobilefacenet", "obama_1.jpg"], atol=1e-6)
    settings.FACE_ENCODER = "dlib"
    assert encode(data("obama_1.jpg")).shape == (128,)


def test_dlib_is_the_same_as_face_recognition_for_the_same_face():
    image = open_portrait(data("leslie_2.jpg"))
    face = find_faces(image.rgb)[0]
    box = (face.rect.top(), face.rect.right(), face.rect.bottom(), face.rect.left())
    theirs = face_recognition.face_encodings(image.rgb, [box])[0]
    assert np.allclose(encode(data("leslie_2.jpg"), "dlib"), theirs, atol=1e-5)


@pytest.mark.parametrize("encoder", ["dlib", "mobilefacenet"])
def test_one_person_near_two_people_far(vectors, encoder, settings):
    """The three functions an outside check calls: encode, distance and is_candidate, for each encoder
    made the active one; the decision is the calibrated one, not 0.6."""
    settings.FACE_ENCODER = encoder

    def near(a, b):
        return is_candidate(distance(vectors[encoder, a], vectors[encoder, b]))

    assert near("obama_1.jpg", "obama_small.jpg") and near("obama_1.jpg", "obama_4.jpg")
    assert not near("obama_1.jpg", "leslie_2.jpg")
    assert distance(vectors[encoder, "obama_1.jpg"], vectors[encoder, "leslie_2.jpg"]) == pytest.approx(
        float(np.linalg.norm(vectors[encoder, "obama_1.jpg"] - vectors[encoder, "leslie_2.jpg"])), abs=1e-6)


def test_no_encoding_without_a_face_or_a_picture():
    assert encode(jpeg(Image.new("RGB", (640, 480), (90, 120, 150)))) is None
    assert encode(b"not a picture") is None
