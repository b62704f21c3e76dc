"""Helpers shared by the family-report, matching and duplicate tests (not a test module).

Residents get real portraits (640x480 webcam-like frames of the photos in tests/faces, taken with
Portrait.take, so they are checked and encoded as at the desk); families bring the original photo
files (phone photos of every size, some with EXIF orientation).
"""

from functools import lru_cache
from pathlib import Path

import pytest
from PIL import Image

from face.services import choose_main, take_portrait
from face.management.commands.bench_face import frame, jpeg
from face.models import Portrait
from tests.face.test_search import PHOTOS, WHO  # noqa: F401 (the photos of each person in tests/faces)
from tests.tracing_helpers import arrive
from tracing.models import FamilyReport
from tracing.services import check_photo, register_report

FACES = Path(__file__).parent / "faces"
SEX = {"obama": "M", "biden": "M", "harington": "M", "leslie": "F", "lacamoire": "M"}
REPORTER = {"reporter_name": "张伟", "reporter_relation": "儿子", "reporter_phone": "13912345678",
            "reporter_id_number": "11010519491231002X"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (encodings, searches: eager Celery tasks) when the block ends.
    Import it into a test module to use it."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@lru_cache(maxsize=None)
def photo(name):
    """The original file, as a family brings it."""
    return (FACES / f"{name}.jpg").read_bytes()


@lru_cache(maxsize=None)
def webcam(name):
    """A 640x480 frame of the photo, as the desk's webcam takes it."""
    return jpeg(frame(Image.open(FACES / f"{name}.jpg"), (640, 480)))


def resident(station, staff, committed, face=None, supervisor=None, **person):
    """A person with an open stay (and tracing case) and, if `face` names a photo, a portrait of it.
    A portrait that fails the check (a turned head) is made main by `supervisor`, with a reason, so it
    is encoded like a real override."""
    stay = arrive(station, staff, **person)
    if face:
        with committed():
            portrait, quality = take_portrait(person=stay.person, data=webcam(face), by=staff, source=Portrait.WEBCAM)
        if not quality.accepted:
            assert supervisor is not None, f"{face}: {quality.reasons}"
            with committed():
                choose_main(portrait=portrait, by=supervisor, reason="the best picture we could take")
        portrait.refresh_from_db()
        assert portrait.encoding is not None
    return stay


def take_report(by, committed, photos=(), **fields):
    """A family report taken by `by` with these photo files, registered and searched as the form does."""
    values = dict(REPORTER)
    values.update(fields)
    checked = [(photo(name), check_photo(photo(name))) for name in photos]
    with committed():
        report = register_report(report=FamilyReport(**values), photos=checked, by=by)
    report.refresh_from_db()
    return report
