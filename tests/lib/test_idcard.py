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
