"""Our own 404 and 403 pages (DEBUG off, as in production): in the user's language, inside the site's
frame, with a way back."""

from django.db import OperationalError
from django.urls import reverse

from shelter.models import Person
from shelter.views import notifications as notification_views
from shelter.views import people as people_views


def in_chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_another_stations_file_answers_our_404_in_chinese_with_a_way_back(client_as, reception, other_station,
                                                                           settings):
    assert settings.DEBUG is False
    stranger = Person.objects.create(station=other_station, name="外站人员")
    response = in_chinese(client_as(reception)).get(stranger.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 404
    assert "未找到" in page
    assert "返回首页" in page and f'href="{reverse("home")}"' in page
    assert "外站人员" not in page and "Page not found" not in page


def test_a_step_the_role_may_not_take_answers_our_403_with_a_way_back(client_as, head):
    response = client_as(head).get(reverse("family:report_new"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Not allowed" in page or "无权访问" in page
    assert f'href="{reverse("home")}"' in page and 'id="notifications-link"' in page
    assert "Back to the start page" in page or "返回首页" in page


def test_the_404_page_in_english(client_as, reception):
    client = client_as(reception)
    client.cookies["django_language"] = "en"
    page = client.get("/no/such/page/").content.decode()
    assert "Not found" in page and "Back to the start page" in page


def test_a_database_that_does_not_answer_gets_our_503_in_chinese(client_as, reception, monkeypatch):
    """The database busy or down: a page in the user's language saying nothing was saved (and, for a
    form, that Back still holds what was typed), not a bare "Server Error (500)"."""
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    client = client_as(reception)
    client.cookies["django_language"] = "zh-hans"
    monkeypatch.setattr(people_views, "filtered_people", down)
    response = client.get(reverse("shelter:people"))
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "系统繁忙" in response.content.decode()
    monkeypatch.setattr(notification_views, "mark_read", down)  # a form sent: Back still holds it
    response = client.post(reverse("shelter:notifications_read"))
    assert response.status_code == 503 and "返回" in response.content.decode()
