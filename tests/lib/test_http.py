"""lib.http: where a `next` parameter may send the user."""

import pytest
from django.test import RequestFactory

from lib.http import next_url


@pytest.mark.parametrize("next_, expected", [
    ("/people/?page=2", "/people/?page=2"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
])
def test_next_goes_only_to_this_site(next_, expected):
    assert next_url(RequestFactory().post("/x/", {"next": next_}), "/") == expected
    assert next_url(RequestFactory().get("/x/", {"next": next_}), "/") == expected
