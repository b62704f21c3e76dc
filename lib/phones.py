"""Chinese telephone numbers as staff type them: a mobile (11 digits from 13-19, +86 allowed) or a landline
with its area code (010-12345678, 0755 1234 5678, an extension after "-" or "转"). Several numbers may be
given, separated by a comma, semicolon, slash or "、"."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import listed

SEPARATORS = re.compile(r"[,，;；/、]+")
MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(?:\+?86)?0\d{2,3}\d{7,8}(?:(?:转|ext|x)\d{1,6})?$")


def numbers(value):
    """The numbers in a phone field, as typed (stripped), in order."""
    return [part.strip() for part in SEPARATORS.split(value or "") if part.strip()]


def is_phone(number):
    digits = re.sub(r"[\s()（）]", "", number)
    digits = re.sub(r"^(\+?(?:86)?0\d{2,3}-?\d{7,8})-(\d{1,6})$", r"\1转\2", digits)
    digits = digits.replace("-", "")
    return bool(MOBILE.match(digits) or LANDLINE.match(digits))


def validate_phones(value):
    """A model and form validator: every number must be a Chinese mobile or a landline with area code."""
    wrong = [n for n in numbers(value) if not is_phone(n)]
    if wrong:
        raise ValidationError(
            _("%(numbers)s is not a phone number: a mobile has 11 digits (13912345678), a landline its area "
              "code (020-12345678)."), code="phone", params={"numbers": listed(wrong)})
