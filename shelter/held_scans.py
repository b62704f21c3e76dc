"""A scan chosen on a form that comes back (an error elsewhere, the duplicate warning) is held on the server
for this session, shown as "attached: name.pdf" with a box to remove it, and used when the form is sent
again without a new file. Held files are under HELD_DIR of the default storage, named by a random id."""

import os
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

HELD_SESSION_KEY = "held_scans"

HELD_DIR = "held"


def with_held_scan(request, name):
    """The request's files, with the held scan in `name` when the form sent back its id (and no new file
    and no "remove"); and the held scan's record (or None)."""
    if request.method != "POST":
        return request.FILES, None
    held = request.session.get(HELD_SESSION_KEY, {}).get(request.POST.get(f"{name}-held", ""))
    if held is None:
        return request.FILES, None
    if request.POST.get(f"{name}-held-remove") or name in request.FILES:
        drop_held_scan(request, held)
        return request.FILES, None
    try:
        with default_storage.open(held["path"]) as f:
            data = f.read()
    except OSError:
        drop_held_scan(request, held)
        return request.FILES, None
    files = request.FILES.copy()
    files[name] = SimpleUploadedFile(held["name"], data, held["type"])
    return files, held


def hold_scan(request, form, field, held):
    """Keep the form's scan (if it passed its own checks) for the next submission: {id, name} or None."""
    upload = form.files.get(form.add_prefix(field))
    if upload is None or form.errors.get(field):
        if held is not None and upload is None:
            drop_held_scan(request, held)
        return None
    if held is not None:
        return held
    upload.seek(0)
    key = uuid.uuid4().hex
    path = default_storage.save(f"{HELD_DIR}/{key}", ContentFile(upload.read()))
    held = {"id": key, "name": os.path.basename(upload.name)[:100], "type": upload.content_type or "", "path": path}
    request.session[HELD_SESSION_KEY] = {**request.session.get(HELD_SESSION_KEY, {}), key: held}
    return held


def drop_held_scan(request, held):
    if held is None:
        return
    default_storage.delete(held["path"])
    scans = dict(request.session.get(HELD_SESSION_KEY, {}))
    scans.pop(held["id"], None)
    request.session[HELD_SESSION_KEY] = scans
