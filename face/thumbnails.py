"""Thumbnails, made once per picture and size and kept in a cache on disk (settings.CACHES
["thumbnails"]): a 40-megapixel photo is not decoded again every time a list or a file shows it. The
key names the stored file, which never changes once written (a new picture gets a new file name), so a
thumbnail never goes stale; the cache only forgets old ones to keep its size."""

import hashlib

from django.core.cache import caches

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
