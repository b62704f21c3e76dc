"""Passwords like the user's name, the station's or the product's are refused; others pass."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize("password", ["homeward2026", "Homeward-demo", "gz-reception1", "Guangzhou Rescue Station"])
def test_passwords_like_the_user_the_station_or_the_product_are_refused(reception, password):
    with pytest.raises(ValidationError):
        validate_password(password, reception)


def test_a_password_of_its_own_passes(reception):
    validate_password("tulip-orbit-57-kayak", reception)
