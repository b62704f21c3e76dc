import pytest

from lib import idcard


def make_number(first17):
    return first17 + idcard.check_char(first17)


def test_valid_number_passes_and_is_normalized():
    number = make_number("11010519491231002")
    assert number == "11010519491231002X"
    assert idcard.validate(" " + number.lower() + " ") == number


def test_birth_date_and_sex_are_read_from_the_number():
    number = make_number("44010619850315123")
    assert idcard.birth_date(number).isoformat() == "1985-03-15"
    assert idcard.sex(number) == "M"  # 17th digit 3 is odd


@pytest.mark.parametrize("value, code", [
    ("1101051949123100", "length"),
    ("11010519491231002XX", "length"),
    ("1101051949123100AX", "chars"),
    ("110105194913310020", "date"),  # month 13
    ("110105194912310021", "checksum"),  # correct check char is X
])
def test_wrong_numbers_are_refused_with_a_reason(value, code):
    with pytest.raises(idcard.IdNumberError) as e:
        idcard.validate(value)
    assert e.value.code == code


def test_a_single_wrong_digit_changes_the_check_char():
    good = make_number("32010219800101451")
    bad = good[:5] + str((int(good[5]) + 1) % 10) + good[6:]
    with pytest.raises(idcard.IdNumberError):
        idcard.validate(bad)


ASCII = make_number("11010519491231002")  # 11010519491231002X
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in ASCII)
ARABIC_INDIC = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in ASCII)


@pytest.mark.parametrize("typed", [
    FULL_WIDTH,  # １１０１０５…
    ARABIC_INDIC,  # ١١٠١٠٥…
    ASCII.replace("2", "\u00b2", 1),  # superscript two: …²…
    "\u2460" + ASCII[1:],  # circled one: ①…
    ASCII[:6] + "\u3000" + ASCII[6:],  # an ideographic space
])
def test_digits_of_other_forms_and_scripts_are_stored_as_ascii_digits(typed):
    assert idcard.validate(typed) == ASCII


@pytest.mark.parametrize("typed", [
    "\u2469" + ASCII[2:],  # circled ten ⑩ is "10" under NFKC: 18 characters, a wrong check digit
    ASCII[:17] + "\u2167",  # Roman numeral eight: a number but no digit
    "\u4e00" + ASCII[1:],  # 一: a Chinese numeral
    "\u00b9\u2080" + ASCII[2:],  # superscript one, subscript zero: digits under NFKC, then a wrong check digit
])
def test_other_digit_like_characters_are_refused_not_crashed_on(typed):
    try:
        number = idcard.validate(typed)
    except idcard.IdNumberError as e:
        assert e.code in {"length", "chars", "date", "checksum"}
    else:
        assert number.isascii() and number[:17].isdigit()
