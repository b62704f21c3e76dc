"""Opening a portrait file safely, for the quality check, the encoding and the thumbnails.

Everything that reads portrait bytes goes through open_portrait(), so every path refuses the same bad
files with the same message: not an image, a truncated file, a decompression bomb (a small file that
claims a huge picture). It also makes every good file look alike to the face code: EXIF orientation
applied (phones store portraits sideways and set a tag), transparency flattened onto white, greyscale
and CMYK turned into RGB, and a 40-megapixel phone photo downscaled while it is decoded (JPEG "draft"
mode decodes at 1/2, 1/4 or 1/8 scale directly, so it never holds 120 MB of pixels).
"""

import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError


class ImageRefused(Exception):
    """A file that cannot be used as a portrait at all; `code` is one of REFUSALS."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self):
        return REFUSALS[self.code] % self.params


REFUSALS = {
    "empty": _("The file is empty: take the picture again or choose another file."),
    "not_image": _("This file is not a picture: choose a photo (JPEG or PNG)."),
    "truncated": _("The picture file is incomplete or damaged: take it again or send the file again."),
    "too_large": _(
        "The picture is too large to open safely (%(megapixels)s megapixels; the limit is %(limit)s): "
        "send a smaller copy."
    ),
}


@dataclass
class Portrait:
    """A decoded picture: `rgb` is uint8 (height, width, 3), at most FACE_WORK_SIDE on its long side."""

    rgb: np.ndarray
    original_size: tuple  # (width, height) of the file's picture, after EXIF orientation
    format: str  # "JPEG", "PNG", ...

    @property
    def scale(self):
        """Work pixels per original pixel (1.0 when the file was not downscaled)."""
        return self.rgb.shape[1] / self.original_size[0]


def open_portrait(data, max_side=None):
    """Decode `data` (bytes) into a Portrait, or raise ImageRefused."""
    max_side = max_side or settings.FACE_WORK_SIDE
    if not data:
        raise ImageRefused("empty")
    limit = settings.FACE_MAX_IMAGE_PIXELS
    width = height = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            width, height = im.size
            if width * height > limit:
                raise ImageRefused("too_large", megapixels=round(width * height / 1e6), limit=round(limit / 1e6))
            fmt = im.format
            orientation = im.getexif().get(0x0112, 1)
            if orientation in (5, 6, 7, 8):  # EXIF says the stored picture is turned a quarter
                width, height = height, width
            if fmt == "JPEG":  # decode at the smallest scale whose long side is still >= max_side
                long_side = max(im.size)
                im.draft("RGB", (-(-im.size[0] * max_side // long_side), -(-im.size[1] * max_side // long_side)))
            _load_complete(im)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        # Pillow's own guard fired while opening, before we knew the size: it is in the message.
        pixels = width * height or int(next(iter(re.findall(r"\d+", str(e))), 0))
        raise ImageRefused("too_large", megapixels=round(pixels / 1e6), limit=round(limit / 1e6)) from None
    except UnidentifiedImageError:
        raise ImageRefused("not_image") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Pillow says "image file is truncated", "broken data stream", "Truncated File Read"...
        raise ImageRefused("truncated") from None
    im = ImageOps.exif_transpose(im)
    im = _to_rgb(im)
    if max(im.size) > max_side:
        im.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return Portrait(rgb=np.asarray(im), original_size=(width, height), format=fmt or "")


def _load_complete(im):
    """Decode every pixel, refusing a truncated file even where some library said to accept them.

    face_recognition sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process when it is
    imported; a truncated upload would then come out with a grey lower half and pass as a picture.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        im.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _to_rgb(im):
    """RGB whatever came in: alpha flattened onto white (what a transparent PNG looks like on a page)."""
    if im.mode == "RGB":
        return im
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit or float greyscale (some scanners): stretch to 8 bits.
        a = np.asarray(im, dtype=np.float32)
        lo, hi = float(a.min()), float(a.max())
        a = (a - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(a)
        im = Image.fromarray(a.astype(np.uint8))
    return im.convert("RGB")


# The thumbnail sizes (pixels on the long side) the pages may ask for.
THUMBNAIL_SIZES = range(16, 1601)


def thumbnail_jpeg(data, size):
    """A JPEG of at most `size` pixels on its long side, upright, for lists and notices."""
    portrait = open_portrait(data, max_side=size)
    out = io.BytesIO()
    Image.fromarray(portrait.rgb).save(out, "JPEG", quality=85)
    return out.getvalue()


def extension(fmt):
    return {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "BMP": "bmp", "TIFF": "tif"}.get(fmt, "img")
