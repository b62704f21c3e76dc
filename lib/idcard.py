"""Resident identity card numbers (GB 11643-1999): 18 characters with an ISO 7064 MOD 11-2 check."""

import datetime
import re
import unicodedata

from django.utils import timezone

SHAPE = re.compile(r"[0-9]{17}[0-9X]")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


class IdNumberError(ValueError):
    """Carries a stable code; the form layer turns it into a message in the user's language."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def check_char(first17):
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def _ascii_digit(char):
    """A decimal digit of any script (Arabic-Indic ٣, Devanagari ३...) as the ASCII digit; anything
    else as it is."""
    if char.isascii() or unicodedata.category(char) != "Nd":
        return char
    return str(unicodedata.decimal(char))


def normalize(value):
    """The number as it is checked and stored: NFKC first (full-width １, superscript ², circled ① and
    the ideographic space become their ASCII forms), then decimal digits of other scripts become ASCII
    digits; spaces go and x becomes X. Anything else that looks like a digit stays and is refused as
    "chars", so that only ASCII digits are ever stored and a search typed in ASCII finds the file."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(_ascii_digit(c) for c in text).strip().upper().replace(" ", "")


def validate(value):
    """Return the normalized number, or raise IdNumberError with code length/chars/date/checksum."""
    number = normalize(value)
    if len(number) != 18:
        raise IdNumberError("length")
    if not SHAPE.fullmatch(number):
        raise IdNumberError("chars")
    if birth_date(number) is None:
        raise IdNumberError("date")
    if check_char(number[:17]) != number[17]:
        raise IdNumberError("checksum")
    return number


def birth_date(number):
    """The date of birth the number encodes, or None if it is not a real date."""
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if born.year < 1880 or born > timezone.localdate():
        return None
    return born


def sex(number):
    """'M' or 'F' from the 17th digit (odd for men)."""
    return "M" if int(number[16]) % 2 else "F"
