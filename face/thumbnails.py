"""Thumbnails, made once per picture and size and kept in a cache on disk (settings.CACHES
["thumbnails"]): a 40-megapixel photo is not decoded again every time a list or a file shows it. The
key names the stored file, which never changes once written (a new picture gets a new file name), so a
thumbnail never goes stale; the cache only forgets old ones to keep its size."""

import hashlib
import mimetypes

from django.core.cache import caches
from django.http import FileResponse, HttpResponse

from lib.http import private

from .images import ImageRefused, thumbnail_jpeg


def cached_thumbnail(field_file, size):
    """The JPEG thumbnail of a stored picture (an ImageField's file) at `size` pixels, or None if the
    file is no picture."""
    key = "thumb:" + hashlib.sha256(f"{field_file.name}:{size}".encode()).hexdigest()
    cache = caches["thumbnails"]
    data = cache.get(key)
    if data is None:
        with field_file.open("rb") as f:
            try:
                data = thumbnail_jpeg(f.read(), size)
            except ImageRefused:
                return None
        cache.set(key, data)
    return data


def picture_response(field_file, size=None):
    """A stored picture as a private (never cached by a proxy) response: its thumbnail at `size` pixels,
    or the file itself when no size is asked or it is no picture. The caller has checked who may see it
    and audited the look."""
    thumbnail = cached_thumbnail(field_file, size) if size else None
    if thumbnail is not None:
        return private(HttpResponse(thumbnail, content_type="image/jpeg"))
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    return private(FileResponse(field_file.open("rb"), content_type=content_type))
