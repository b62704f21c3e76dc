"""Shared fixtures: stations, one user per role (and `make_user` for more), a person with an open stay,
and which photo in tests/faces is whom."""

from functools import lru_cache
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from fpdf import FPDF
from PIL import Image
from playwright.sync_api import sync_playwright

from config.celery import app
from devtools.images import frame, jpeg
from tests.factories import PersonFactory, StationFactory, StayFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "lib.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {**settings.CACHES, "thumbnails": {**settings.CACHES["thumbnails"], "LOCATION": str(tmp_path / "thumbs")}}
    app.conf.task_always_eager = True


@pytest.fixture
def station(db):
    return StationFactory(code="GZ", name="Guangzhou Rescue Station", phone="020-1234")


@pytest.fixture
def other_station(db):
    return StationFactory(code="SZ", name="Shenzhen Rescue Station")


@pytest.fixture
def make_user(db):
    """make_user(username, role, station, **extra): a user in the role's group, password "pw-<username>"."""
    return lambda username, role, station, **extra: UserFactory(username=username, role=role, station=station,
                                                                 **extra)


@pytest.fixture
def reception(station, make_user):
    return make_user("reception", "reception", station, phone="13800000001")


@pytest.fixture
def supervisor(station, make_user):
    return make_user("supervisor", "supervisor", station, phone="13800000002")


@pytest.fixture
def head(station, make_user):
    return make_user("head", "station_head", station)


@pytest.fixture
def admin_user(db, make_user):
    return make_user("admin", "administrator", None)


@pytest.fixture
def person(station, reception):
    return PersonFactory(station=station, sex="M", age_min=60, age_max=70, created_by=reception)


@pytest.fixture
def stay(person, reception):
    """An open stay of `person`, with what its arrival keeps (as register_arrival does)."""
    return StayFactory(person=person, found_place="Tianhe bus station", entered_by=reception,
                       staff_in_charge=reception)


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --- The portraits in tests/faces -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def photos_of():
    """{person: names of the single-face photos of them in tests/faces (without ".jpg")}."""
    return {
        "obama": ["obama_1", "obama_2", "obama_3", "obama_4"],
        "biden": ["biden_1", "biden_2"],
        "harington": ["harington_1", "harington_2", "harington_3"],
        "leslie": ["leslie_1", "leslie_2"],
        "lacamoire": ["lacamoire_1", "lacamoire_2"],
    }


@pytest.fixture(scope="session")
def person_in(photos_of):
    """{photo name: the person in it}, for every photo of `photos_of`."""
    return {photo: person for person, photos in photos_of.items() for photo in photos}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (encodings, searches: eager Celery tasks) when the block ends:
    `with committed(): ...`."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(scope="session")
def pdf_bytes():
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="A scanned document, for the tests.")
    return bytes(pdf.output())


@pytest.fixture
def scan(pdf_bytes):
    """scan(name="scan.pdf"): an uploaded one-page PDF, as a scanner makes them (scans are checked by content)."""
    return lambda name="scan.pdf": SimpleUploadedFile(name, pdf_bytes, "application/pdf")


# --- Photos of tests/faces, as a family brings them and as the desk's webcam takes them -------------------

FACES = Path(__file__).parent / "faces"


@lru_cache(maxsize=None)
def _photo(name):
    return (FACES / f"{name}.jpg").read_bytes()


@lru_cache(maxsize=None)
def _webcam(name):
    return jpeg(frame(Image.open(FACES / f"{name}.jpg"), (640, 480)))


@pytest.fixture
def photo():
    """photo(name): the original file of tests/faces/<name>.jpg, as a family brings it."""
    return _photo


@pytest.fixture
def webcam():
    """webcam(name): a 640x480 frame of the photo, as the desk's webcam takes it."""
    return _webcam


@pytest.fixture
def signed_in(live_server):
    """signed_in(context, username, password): a new page of that Playwright browser context, logged in
    through the site's form, with the page's console errors (a refusal by the content security policy is
    one) collected in `page.errors`."""

    def sign_in(context, username, password):
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.goto(live_server.url + reverse("login"))
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login" not in url)
        return page

    return sign_in


@pytest.fixture
def browser(monkeypatch, signed_in):
    """browser(username): a Chromium page logged in as that user (password "pw-<username>"), with the
    page's console errors in `page.errors` (fixture signed_in)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])

        def login(username):
            context = chromium.new_context(viewport={"width": 1280, "height": 900})
            return signed_in(context, username, f"pw-{username}")

        try:
            yield login
        finally:
            chromium.close()
