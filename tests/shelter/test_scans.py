"""Scans are checked by what they contain: HTML named .pdf, SVG named .png, text named .jpg, a damaged
file or one over the limit are refused beside the field; real PDFs, JPEGs and PNGs are kept."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from lib.scans import check_scan, problem


def image(kind):
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 190, 180)).save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize("name, content, code", [
    ("proof.pdf", b"<html><script>alert(1)</script></html>", "content"),
    ("proof.pdf", b"%PDF-1.4 just a header", "content"),
    ("form.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "content"),
    ("form.jpg", b"Name: Zhang San", "content"),
    ("form.jpg", None, "content"),  # a PNG named .jpg
    ("form.svg", b"<svg/>", "kind"),
])
def test_a_scan_that_is_not_what_its_name_says_is_refused(name, content, code):
    content = image("PNG") if content is None else content
    assert problem(SimpleUploadedFile(name, content))[0] == code


def test_a_truncated_image_is_refused():
    data = image("JPEG")
    assert problem(SimpleUploadedFile("form.jpg", data[: len(data) // 2]))[0] == "content"


def test_real_scans_pass(pdf_bytes):
    for name, content in (("proof.pdf", pdf_bytes), ("form.jpg", image("JPEG")), ("form.png", image("PNG"))):
        check_scan(SimpleUploadedFile(name, content))


def test_a_scan_over_the_limit_is_refused(settings, pdf_bytes):
    settings.SCAN_MAX_MB = 1
    big = SimpleUploadedFile("proof.pdf", pdf_bytes + b"\n%" + b"x" * (2**20))
    assert problem(big) == ("size", {"size": 1.0, "limit": 1})


def test_the_death_form_refuses_html_named_pdf_and_keeps_what_was_typed(client_as, reception, stay):
    response = client_as(reception).post(reverse("shelter:death", args=[stay.pk]), {
        "died_at": (timezone.localtime() + timezone.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "站内医务室", "cause": "心脏骤停", "proof_kind": "medical",
        "proof": SimpleUploadedFile("proof.pdf", b"<html><body>not a scan</body></html>", "application/pdf")})
    html = response.content.decode()
    assert response.status_code == 200 and "not the PDF its name says" in html and "心脏骤停" in html
    stay.refresh_from_db()
    assert stay.state == "reception"


def with_action(pdf_bytes, act):
    """The same PDF with something a viewer would run added by pypdf (compressed, as a real one would)."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    writer = PdfWriter(clone_from=reader)
    act(writer)
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("act", [
    lambda w: w.add_js("app.alert('hello');"),
    lambda w: w.add_attachment("run.exe", b"MZ..."),
    lambda w: w._root_object.__setitem__(NameObject("/OpenAction"), DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})),
], ids=["javascript", "attached file", "launch on open"])
def test_a_pdf_that_would_run_something_is_refused(pdf_bytes, act):
    """Scans are served back inline to staff: a PDF with a script, an attached file or a launch action
    (issue 23) is refused, and the real scan it came from still passes."""
    assert problem(SimpleUploadedFile("proof.pdf", with_action(pdf_bytes, act))) == ("active", {})
    assert problem(SimpleUploadedFile("proof.pdf", with_action(pdf_bytes, lambda w: None))) is None
