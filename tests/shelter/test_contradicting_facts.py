"""Facts that disagree are shown, not silently resolved: an estimated age against the date of birth (both
kept, the desk asked which is right); phone numbers are Chinese mobiles or landlines; a relative's phone shows on the
file; an exact age reads "age 41", not "age 41-41"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from family.forms.reports import FamilyReportForm
from lib import idcard
from lib.phones import is_phone, validate_phones
from shelter.forms import PersonForm
from shelter.models import Person


@pytest.mark.parametrize("number", ["13912345678", "+86 139 1234 5678", "020-12345678", "0755 1234 5678",
                                    "010-1234567", "020-12345678-123", "020-8765432转12"])
def test_mobiles_and_landlines_are_phone_numbers(number):
    assert is_phone(number)


@pytest.mark.parametrize("number", ["1390000", "12345", "23912345678", "12345678", "139123456789"])
def test_short_or_malformed_numbers_are_not(number):
    assert not is_phone(number)


def test_several_numbers_each_checked_and_the_wrong_one_named():
    validate_phones("13912345678、020-12345678")
    with pytest.raises(ValidationError, match="1390000"):
        validate_phones("13912345678, 1390000")


def test_the_intake_form_refuses_a_relatives_phone_that_is_not_one():
    form = PersonForm({"sex": "M", "age_min": "55", "age_max": "65", "relatives_phone": "1390000"})
    assert not form.is_valid() and "relatives_phone" in form.errors


def test_the_family_report_refuses_a_reporters_phone_that_is_not_one():
    form = FamilyReportForm({"reported_via": "phone", "reporter_name": "张伟", "reporter_relation": "儿子",
                             "reporter_phone": "1390000", "name": "张德明", "sex": "M"})
    assert not form.is_valid() and "reporter_phone" in form.errors


def test_the_relatives_phone_and_an_exact_age_show_on_the_file(client_as, reception, station):
    person = Person.objects.create(station=station, name="李四", sex="M", age_min=41, age_max=41,
                                   relatives_phone="13912345678")
    page = client_as(reception).get(person.get_absolute_url()).content.decode()
    assert "13912345678" in page and "relatives-phone" in page
    assert "age 41–41" not in page and "41–41" not in page and "age-conflict" not in page


def test_the_file_warns_while_the_two_ages_disagree(client_as, reception, station):
    born = timezone.localdate().replace(year=timezone.localdate().year - 41) - datetime.timedelta(days=10)
    person = Person.objects.create(station=station, name="李四", sex="M", age_min=55, age_max=65, date_of_birth=born)
    page = client_as(reception).get(person.get_absolute_url()).content.decode()
    assert "age-conflict" in page and "gives age 41, the estimate at intake 55–65" in page


def test_an_estimate_that_contradicts_the_id_number_is_asked_about_and_both_kept(client_as, reception):
    born = timezone.localdate().replace(year=timezone.localdate().year - 41) - datetime.timedelta(days=10)
    body = f"110105{born:%Y%m%d}001"  # a man (odd 17th digit) aged 41
    number = body + idcard.check_char(body)
    data = {"sex": "M", "age_min": "55", "age_max": "65", "id_number": number}
    form = PersonForm(data)
    assert not form.is_valid() and "age 41, the estimate says 55–65" in str(form.errors["age_min"])
    form = PersonForm({**data, "ages_checked": "on"})
    assert form.is_valid()
    person = form.save(commit=False)
    assert (person.age_min, person.age_max, person.age_range()) == (55, 65, (41, 41))
