"""Resident identity card numbers (GB 11643-1999): 18 characters with an ISO 7064 MOD 11-2 check."""

import datetime

from django.utils import timezone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


class IdNumberError(ValueError):
    """Carries a stable code; the form layer turns it into a message in the user's language."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def check_char(first17):
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def normalize(value):
    return (value or "").strip().upper().replace(" ", "")


def validate(value):
    """Return the normalized number, or raise IdNumberError with code length/chars/date/checksum."""
    number = normalize(value)
    if len(number) != 18:
        raise IdNumberError("length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
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
