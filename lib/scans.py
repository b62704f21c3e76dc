"""Scanned documents (handover forms, proofs of death): checked by what they contain, not by their name.

A file is kept only if it is what its extension says and opens as such: a PDF that starts with the PDF
header and that pypdf reads, with at least one page; a JPEG or PNG that Pillow decodes whole, within the
pixel limit portraits have. Anything else (HTML named .pdf, SVG named .png, text named .jpg, a damaged
file) is refused with a message, and so is a file over the size limit. These files are served back to
staff, so nothing a browser would run may pass as a scan.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import IndirectObject

KINDS = {"pdf": "PDF", "jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}
MESSAGES = {
    "kind": _("Only PDF, JPEG or PNG scans are accepted."),
    "size": _("The file is too large (%(size)s MB; at most %(limit)s MB)."),
    "content": _("This file is not the %(kind)s its name says, or it is damaged: scan it again."),
    "active": _("This PDF carries something a viewer would run (a script, a launch action or an attached "
                "file): scan the paper again, or print the file to a new PDF."),
}
# What a PDF viewer would run or open by itself: a script, a program, an attached file, actions on events
# (names of a dictionary's keys; an action's kind is its /S).
ACTIVE = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/AA"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm"}


def problem(file):
    """(code, params) of what is wrong with an uploaded scan, or None."""
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    kind = KINDS.get(extension)
    if kind is None:
        return "kind", {}
    limit = settings.SCAN_MAX_MB * 2**20
    if file.size > limit:
        return "size", {"size": round(file.size / 2**20, 1), "limit": settings.SCAN_MAX_MB}
    file.seek(0)
    data = file.read()
    file.seek(0)
    if not (opens_as_pdf(data) if kind == "PDF" else opens_as_image(data, kind)):
        return "content", {"kind": kind}
    if kind == "PDF" and is_active_pdf(data):
        return "active", {}
    return None


def opens_as_pdf(data):
    if not data.startswith(b"%PDF-"):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(PdfReader(io.BytesIO(data)).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return False


def is_active_pdf(data):
    """Whether any object of the PDF (compressed object streams included) names an action or script a
    viewer would run: scans are served back inline to staff. One that cannot be walked counts as active."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            seen, stack = set(), [reader.trailer]
            while stack:
                obj = stack.pop()
                if isinstance(obj, IndirectObject):
                    if (obj.idnum, obj.generation) in seen:
                        continue
                    seen.add((obj.idnum, obj.generation))
                    obj = obj.get_object()
                if isinstance(obj, dict):
                    if any(key in ACTIVE for key in obj) or obj.get("/S") in ACTIVE_ACTIONS:
                        return True
                    stack.extend(obj.values())
                elif isinstance(obj, list):
                    stack.extend(obj)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return True
    return False


def opens_as_image(data, kind):
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != kind or image.width * image.height > settings.FACE_MAX_IMAGE_PIXELS:
                return False
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() does not decode the pixels: a truncated file fails here
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return False
    return True


@deconstructible
class ScanValidator:
    """The model field's validator: refuses a scan with one of MESSAGES."""

    def __call__(self, file):
        found = problem(file)
        if found:
            code, params = found
            raise ValidationError(MESSAGES[code], code=code, params=params)

    def __eq__(self, other):
        return isinstance(other, ScanValidator)


check_scan = ScanValidator()
